"""A yearbook sheet added to a study: upload, see its header rows, map, save.

The form shows the top rows of the chosen sheet (row numbers and column letters as in
Excel) so the header row, the unit row and the label column can be read off; it then
lists each column label of the header row (to map to a fuel or variable) and each row
label of the block (to map to a sector code, or to leave out as a total).  Saving
copies the workbook into the study folder and adds one ``[[yearbook]]`` table to
study.toml (docs/data-import.md), checked by the yearbook reader and the loader like
one written by hand.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import tomlkit
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from carbonpath.core.errors import InputError, StudyError
from carbonpath.serve import studyfiles, uploads
from carbonpath.serve.context import AppState, StudyView, redirect
from carbonpath.serve.forms import Form, discard, safe_upload_name
from carbonpath.serve.loaded import ErrorInfo, error_info
from carbonpath.serve.tomledit import parse_document, validate_text
from carbonpath.serve.views_new import study_url

__all__ = ["mapping", "upload"]

PREVIEW_ROWS = 15
MAX_LABELS = 400


def _state(request: Request) -> AppState:
    return request.app.state.cp


async def upload(request: Request) -> Response:
    """GET: choose a workbook; POST: keep it and go to the mapping form."""
    state = _state(request)
    name = request.path_params["study"]
    view = await run_in_threadpool(state.view, name)
    limit_mb = uploads.size_text(state.limits.file)
    if request.method == "GET":
        return state.render(
            request, "yearbook_upload.html", study=view, page="overview", limit_mb=limit_mb
        )
    form = await state.form(request, files=True)
    batch, problem = await run_in_threadpool(_stage, state, form)
    if problem:
        return state.render(
            request,
            "yearbook_upload.html",
            400,
            study=view,
            page="overview",
            limit_mb=limit_mb,
            errors={"workbook": problem},
        )
    return redirect(study_url(name, "yearbook", str(batch)))


def _stage(state: AppState, form: Form) -> tuple[str | None, str | None]:
    from carbonpath.io.workbook import open_workbook

    up = form.file("workbook")
    try:
        if up is None:
            return None, "choose a workbook (.xlsx)"
        if up.too_large or up.path is None:
            return None, uploads._too_large(up, state.limits.file)
        batch, folder = uploads.new_batch(state.workspace, "yb")
        dest = folder / safe_upload_name(up.filename)
        if dest.suffix.lower() not in (".xlsx", ".xlsm"):
            dest = dest.with_suffix(".xlsx")
        os.replace(up.path, dest)
        up.path = None
        try:
            with open_workbook(dest, label=dest.name, root=folder) as wb:
                wb.sheetnames  # noqa: B018 - opening checks the workbook
        except InputError as exc:
            uploads.drop(folder)
            return None, error_info(exc).line
        return batch, None
    finally:
        discard(form)


def _int(text: str, default: int | None) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 8 else default


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _col_number(text: str) -> int:
    """0-based column of a letter such as A or AB (A when unreadable)."""
    s = text.strip().upper()
    if not s.isalpha() or len(s) > 3:
        return 0
    n = 0
    for ch in s:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _guess_header(rows: list[list[str]]) -> int:
    """The first row with at least three filled cells (1-based)."""
    for i, r in enumerate(rows[:30]):
        if sum(1 for c in r if str(c).strip()) >= 3:
            return i + 1
    return 1


def _sheet(folder: Path, sheet: str) -> tuple[str, list[str], list[list[str]], str]:
    from carbonpath.io.workbook import open_workbook
    from carbonpath.io.xlsx import sheet_rows

    book = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm"))[0]
    with open_workbook(book, label=book.name, root=folder) as wb:
        names = list(wb.sheetnames)
        chosen = sheet if sheet in names else names[0]
        return book.name, names, sheet_rows(wb.sheet(chosen)), chosen


def _layout(q: Any, rows: list[list[str]]) -> dict[str, Any]:
    header = _int(q.get("header_row", ""), None) or _guess_header(rows)
    unit_row = _int(q.get("unit_row", ""), None)
    first = _int(q.get("first_data_row", ""), None) or header + (2 if unit_row == header + 1 else 1)
    label_col = q.get("label_column", "A").strip().upper() or "A"
    return {
        "header_row": header,
        "unit_row": unit_row,
        "first_data_row": first,
        "label_column": label_col,
    }


def _labels(
    rows: list[list[str]], lay: dict[str, Any]
) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """(columns: (index, label) of the header row, rows: (row label, default code))."""
    h = lay["header_row"] - 1
    lc = _col_number(lay["label_column"])
    header = rows[h] if h < len(rows) else []
    columns = [(i, str(c).strip()) for i, c in enumerate(header) if i != lc and str(c).strip()]
    labels: list[tuple[str, str]] = []
    for r in rows[lay["first_data_row"] - 1 :]:
        cell = str(r[lc]).strip() if lc < len(r) else ""
        if not cell:
            break
        if cell not in {lab for lab, _ in labels}:
            labels.append((cell, ""))
        if len(labels) >= MAX_LABELS:
            break
    return columns, labels


def _context(view: StudyView, folder: Path, q: Any) -> dict[str, Any]:
    book, sheets, rows, chosen = _sheet(folder, q.get("sheet", ""))
    lay = _layout(q, rows)
    columns, labels = _labels(rows, lay)
    width = max((len(r) for r in rows[:PREVIEW_ROWS]), default=0)
    preview = [(i + 1, (r + [""] * width)[:width]) for i, r in enumerate(rows[:PREVIEW_ROWS])]
    st = view.study
    sectors = [] if st is None else st.sectors["code"].astype(str).tolist()
    names = (
        []
        if st is None
        else sorted({*map(str, st.energy["fuel"]), *map(str, st.economy["variable"])})
    )
    return {
        "book": book,
        "sheets": sheets,
        "sheet": chosen,
        "preview": preview,
        "letters": [_col_letter(i) for i in range(width)],
        "layout": lay,
        "columns": columns,
        "labels": labels,
        "sector_codes": sectors,
        "known_names": names,
    }


async def mapping(request: Request) -> Response:
    """GET: the sheet and the mapping form; POST: save the [[yearbook]] entry."""
    state = _state(request)
    name = request.path_params["study"]
    view = await run_in_threadpool(state.view, name)
    folder = uploads.batch_dir(state.workspace, "yb", request.path_params["batch"])
    if request.method == "GET":
        ctx = await run_in_threadpool(_context, view, folder, request.query_params)
        return _render(request, view, ctx, request.path_params["batch"])
    form = await state.form(request)
    problem = await run_in_threadpool(_save, view, folder, form)
    if problem is None:
        uploads.drop(folder)
        return redirect(study_url(name) + "?added=yearbook")
    q = {
        k: form.get(k)
        for k in ("sheet", "header_row", "unit_row", "first_data_row", "label_column")
    }
    ctx = await run_in_threadpool(_context, view, folder, q)
    return _render(request, view, ctx, request.path_params["batch"], 400, problem, form)


def _render(
    request: Request,
    view: StudyView,
    ctx: dict[str, Any],
    batch: str,
    status: int = 200,
    problem: ErrorInfo | None = None,
    form: Form | None = None,
) -> Response:
    sent = {} if form is None else {k: v[0] for k, v in form.fields.items() if v}
    return _state(request).render(
        request,
        "yearbook_map.html",
        status,
        study=view,
        page="overview",
        batch=batch,
        errors={"_": problem.line} if problem else {},
        sent=sent,
        action=f"/s/{quote(view.name, safe='')}/yearbook/{batch}",
        **ctx,
    )


def entry_from_form(form: Form, book: str) -> dict[str, Any]:
    """The [[yearbook]] table the form describes (docs/data-import.md)."""
    from carbonpath.serve.tomledit import typed

    entry: dict[str, Any] = {"file": book, "sheet": form.get("sheet"), "table": form.get("table")}
    for key in ("year", "header_row", "unit_row", "first_data_row"):
        value = typed(form.get(key))
        if value is not None:
            entry[key] = value
    entry["label_column"] = form.get("label_column").strip().upper() or "A"
    if form.get("unit").strip():
        entry["unit"] = form.get("unit").strip()
    columns, rows, ignore = {}, {}, []
    for i in range(MAX_LABELS):
        label = form.get(f"col-{i}")
        if label and form.get(f"colmap-{i}").strip():
            columns[label] = form.get(f"colmap-{i}").strip()
        row = form.get(f"row-{i}")
        if row:
            code = form.get(f"rowmap-{i}").strip()
            if code:
                rows[row] = code
            else:
                ignore.append(row)
    entry.update({"rows": rows, "columns": columns})
    if ignore:
        entry["ignore_rows"] = ignore
    return entry


def _unique_name(study: Path, book: str) -> str:
    name = book
    n = 1
    while (study / name).exists():
        n += 1
        name = f"{Path(book).stem}-{n}{Path(book).suffix}"
    return name


def _save(view: StudyView, folder: Path, form: Form) -> ErrorInfo | None:
    """Copy the workbook in, add the entry, check; undo both on an error they cause."""
    book = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm"))[0]
    target = _unique_name(view.folder, book.name)
    entry = entry_from_form(form, target)
    try:
        doc = parse_document(view.folder)
        if "yearbook" not in doc:
            doc["yearbook"] = tomlkit.aot()
        table = tomlkit.table()
        table.update(entry)
        doc["yearbook"].append(table)
        text = tomlkit.dumps(doc)
        validate_text(text, view.folder)
    except StudyError as exc:
        return error_info(exc)
    shutil.copyfile(book, view.folder / target)
    _loaded, problem = studyfiles.apply_change(
        view.folder,
        view.folder / "study.toml",
        text.encode("utf-8"),
        blames=lambda e: (
            (e.file or "").partition("#")[0] in ("study.toml", target) or target in (e.line or "")
        ),
    )
    if problem is not None:
        (view.folder / target).unlink(missing_ok=True)
    return problem
