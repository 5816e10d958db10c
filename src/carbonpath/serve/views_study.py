"""The start page, a study's overview and its tables as the files hold them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from carbonpath.core.errors import InputError
from carbonpath.serve.context import AppState, StudyView

__all__ = ["home", "overview", "table"]

#: rows of a table shown on one page
PAGE_ROWS = 200


def _state(request: Request) -> AppState:
    return request.app.state.cp


async def home(request: Request) -> Response:
    """The studies of the workspace and the ways to make a new one."""
    state = _state(request)
    entries = state.workspace.studies()
    views = await run_in_threadpool(lambda: [state.view(e.name) for e in entries])
    return state.render(
        request,
        "home.html",
        studies=views,
        workspace=str(state.workspace.root),
        running=state.runs.busy(),
    )


def _tables(view: StudyView) -> list[dict[str, Any]]:
    """The study's table files with what each holds (rows read when loaded)."""
    rows = {}
    if view.study is not None:
        for rec in view.study.inputs:
            rows[str(rec["file"]).partition("#")[0]] = rec.get("rows")
    out = []
    for name in _files(view.folder):
        out.append({"file": name, "rows": rows.get(name)})
    return out


def _files(folder: Path) -> list[str]:
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file() and not p.is_symlink() and p.suffix.lower() in (".csv", ".xlsx", ".xlsm")
    )


def _summary(view: StudyView) -> dict[str, Any]:
    st = view.study
    if st is None:
        return {}
    flags = st.flags
    return {
        "mode": st.mode,
        "sectors": len(st.sectors),
        "regions": len(st.regions) if st.is_panel else 1,
        "errors": sum(1 for f in flags if f["severity"] == "error"),
        "blocking": len(st.blocking),
        "warnings": sum(1 for f in flags if f["severity"] == "warning"),
        "corrections": len(st.corrections),
        "factor_set": st.settings.accounting.factor_set,
        "sections": sorted(st.settings.given),
    }


async def overview(request: Request) -> Response:
    state = _state(request)
    name = request.path_params["study"]
    view = await run_in_threadpool(state.view, name)
    run = state.runs.status(name)
    return state.render(
        request,
        "study.html",
        study=view,
        page="overview",
        tables=_tables(view),
        summary=_summary(view),
        run=run.as_json() if run else None,
        has_report=(state.workspace.report_dir(name) / "results.json").is_file(),
    )


def read_rows(path: Path, label: str, study: Any | None) -> list[list[str]]:
    """The rows of a table file as text cells (CSV decoded like a study input, or the
    first sheet of a workbook), through carbonpath's readers (bounded, inside the study)."""
    from carbonpath.io.files import read_input
    from carbonpath.io.tables import decode_bytes

    root = path.parent
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from carbonpath.io.workbook import open_workbook
        from carbonpath.io.xlsx import sheet_rows

        with open_workbook(path, label=label, root=root) as wb:
            return sheet_rows(wb.sheet(None))
    import csv
    import io

    data = read_input(path, label=label, root=root, text=True).data
    encoding = study.settings.encoding if study is not None else "auto"
    text, _used = decode_bytes(data, label, encoding)
    return list(csv.reader(io.StringIO(text, newline="")))


def _flag_lines(view: StudyView, filename: str) -> dict[int, str]:
    """Line -> severity of the study's findings on this file (to mark the rows)."""
    out: dict[int, str] = {}
    if view.study is None:
        return out
    order = {"error": 0, "warning": 1, "info": 2}
    for f in view.study.flags:
        if str(f.get("file") or "").partition("#")[0] == filename and f.get("line"):
            line = int(f["line"])
            sev = str(f["severity"])
            if line not in out or order.get(sev, 3) < order.get(out[line], 3):
                out[line] = sev
    return out


def _page_of(request: Request, line: int | None, n_rows: int) -> int:
    if line is not None and line > 1:
        return (line - 2) // PAGE_ROWS + 1
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 1
    last = max(1, (n_rows - 2) // PAGE_ROWS + 1)
    return min(max(page, 1), last)


def _line_param(request: Request) -> int | None:
    raw = request.query_params.get("line", "")
    return int(raw) if raw.isdigit() and len(raw) < 9 else None


async def table(request: Request) -> Response:
    """One table file, a page of rows at a time; ``?line=N`` opens the page of line N
    and marks it (the link of a finding)."""
    state = _state(request)
    name = request.path_params["study"]
    filename = request.path_params["filename"]
    view = await run_in_threadpool(state.view, name)
    path = state.workspace.study_file(name, filename)
    try:
        rows = await run_in_threadpool(read_rows, path, filename, view.study)
    except InputError as exc:
        from carbonpath.serve.loaded import error_info

        return state.render(
            request,
            "table.html",
            study=view,
            page="overview",
            filename=filename,
            header=[],
            rows=[],
            problem=error_info(exc).line,
            pages=1,
            current=1,
            line=None,
            marks={},
        )
    line = _line_param(request)
    current = _page_of(request, line, len(rows))
    start = 1 + (current - 1) * PAGE_ROWS
    body = [(i + 1, r) for i, r in enumerate(rows[start : start + PAGE_ROWS], start=start)]
    return state.render(
        request,
        "table.html",
        study=view,
        page="overview",
        filename=filename,
        header=rows[0] if rows else [],
        rows=body,
        problem=None,
        pages=max(1, (len(rows) - 2) // PAGE_ROWS + 1),
        current=current,
        line=line,
        marks=_flag_lines(view, filename),
    )
