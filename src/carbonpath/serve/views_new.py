"""Making a study: a copy of the built-in example, uploaded tables, CEADs workbooks."""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from carbonpath.core.errors import InputError
from carbonpath.serve import uploads
from carbonpath.serve.context import AppState, redirect
from carbonpath.serve.forms import Form, discard, safe_upload_name
from carbonpath.serve.loaded import error_info, load

__all__ = ["ceads_choose", "new_ceads", "new_example", "new_files"]


def _state(request: Request) -> AppState:
    return request.app.state.cp


def study_url(name: str, *rest: str) -> str:
    return "/s/" + quote(name, safe="") + "".join("/" + r for r in rest)


async def new_example(request: Request) -> Response:
    """POST name: a copy of the built-in study (what `carbonpath init` writes)."""
    state = _state(request)
    form = await state.form(request)
    name = form.get("name").strip() or "beijing-example"
    try:
        await run_in_threadpool(state.workspace.copy_builtin, name)
    except InputError as exc:
        return await _home_with(request, {"example_name": error_info(exc).line}, name)
    return redirect(study_url(name))


async def _home_with(request: Request, errors: dict[str, str], name: str) -> Response:
    state = _state(request)
    entries = state.workspace.studies()
    views = await run_in_threadpool(lambda: [state.view(e.name) for e in entries])
    return state.render(
        request,
        "home.html",
        400,
        studies=views,
        workspace=str(state.workspace.root),
        running=state.runs.busy(),
        errors=errors,
        example_name=name,
    )


# ---------------------------------------------------------------- uploaded tables
def _files_form(
    request: Request, status: int = 200, errors: dict[str, str] | None = None, **values: Any
) -> Response:
    state = _state(request)
    return state.render(
        request,
        "new_files.html",
        status,
        errors=errors or {},
        values=values,
        roles=list(uploads.ROLES),
        limit_mb=uploads.size_text(state.limits.file),
    )


def _meta(form: Form, staged: uploads.Staged) -> dict[str, Any]:
    first, last, lead = uploads.study_years(staged, form.get("first"), form.get("last"))
    return {
        "title": form.get("title").strip(),
        "region": form.get("region").strip(),
        "description": form.get("description").strip(),
        "years": (first, last),
        "lead_years": lead,
    }


def _create_from_files(state: AppState, form: Form) -> tuple[str, dict[str, str]]:
    """Check the uploads, write study.toml, load; returns (study name, errors)."""
    name = form.get("name").strip()
    errors: dict[str, str] = {}
    try:
        dest = state.workspace.new_dir(name)
    except InputError as exc:
        return name, {"name": error_info(exc).line}
    _batch, folder = uploads.new_batch(state.workspace, "new")
    staged = uploads.Staged(folder)
    try:
        uploads.stage_tables(staged, form, state.limits.file)
        errors.update(staged.errors)
        if errors:
            return name, errors
        try:
            meta = _meta(form, staged)
        except (InputError, ValueError) as exc:
            return name, {
                "years": error_info(exc).line if isinstance(exc, InputError) else str(exc)
            }
        (folder / "study.toml").write_text(uploads.study_toml(meta, staged.files), "utf-8")
        loaded = load(folder)
        if loaded.error is not None and form.get("keep") != "1":
            return name, uploads.errors_by_field(loaded.error, staged)
        uploads.place(staged, dest)
        return name, {}
    finally:
        discard(form)
        uploads.drop(folder)


async def new_files(request: Request) -> Response:
    """GET: the form; POST: a study from the uploaded tables."""
    if request.method == "GET":
        return _files_form(request)
    state = _state(request)
    form = await state.form(request, files=True)
    name, errors = await run_in_threadpool(_create_from_files, state, form)
    if errors:
        values = {
            k: form.get(k) for k in ("name", "title", "region", "description", "first", "last")
        }
        return _files_form(request, 400, errors, **values)
    return redirect(study_url(name))


# ---------------------------------------------------------------- CEADs workbooks
def _provinces(folder: Path) -> list[str]:
    """The province names of the first staged workbook (its sheet names)."""
    import re

    from carbonpath.io.ceads import province_sheets
    from carbonpath.io.workbook import open_workbook

    first = sorted(folder.iterdir())[0]
    with open_workbook(first, label=first.name, root=folder) as wb:
        sheets = province_sheets(wb)
    names = sorted({re.sub(r"\d+$", "", s).strip() for s, _y in sheets.values()})
    if not names:
        raise InputError(
            f"{first.name}: has no province sheets (named like Beijing2019)",
            fix="give the CEADs 'Emission_Inventories_for_30_Provinces_YYYY.xlsx' workbooks",
        )
    return names


def _stage_ceads(state: AppState, form: Form) -> tuple[str | None, str | None]:
    """(batch id, error): the workbooks kept in a staging folder, readable as CEADs."""
    ups = form.uploads("workbooks")
    if not ups:
        return None, "choose one or more CEADs workbooks (.xlsx)"
    batch, folder = uploads.new_batch(state.workspace, "ceads")
    try:
        for up in ups:
            if up.too_large or up.path is None:
                return None, uploads._too_large(up, state.limits.file)
            os.replace(up.path, folder / safe_upload_name(up.filename))
            up.path = None
        _provinces(folder)
    except InputError as exc:
        uploads.drop(folder)
        return None, error_info(exc).line
    finally:
        discard(form)
    return batch, None


async def new_ceads(request: Request) -> Response:
    """GET: the upload form; POST: keep the workbooks, then choose the province."""
    state = _state(request)
    limit_mb = uploads.size_text(state.limits.file)
    if request.method == "GET":
        return state.render(request, "new_ceads.html", limit_mb=limit_mb)
    form = await state.form(request, files=True)
    batch, problem = await run_in_threadpool(_stage_ceads, state, form)
    if problem:
        return state.render(
            request, "new_ceads.html", 400, errors={"workbooks": problem}, limit_mb=limit_mb
        )
    return redirect(f"/new/ceads/{batch}")


def _import_options() -> set[str]:
    """Keyword options the installed CEADs importer takes (``sectors`` when it has it)."""
    from carbonpath.io.ceads_study import import_ceads

    return set(inspect.signature(import_ceads).parameters)


def _do_import(state: AppState, folder: Path, form: Form) -> tuple[str, str | None]:
    from carbonpath.io.ceads_study import import_ceads

    name = form.get("name").strip()
    try:
        dest = state.workspace.new_dir(name)
        options: dict[str, Any] = {}
        if "sectors" in _import_options() and form.get("sectors"):
            options["sectors"] = form.get("sectors")
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xlsx")
        import_ceads(files, form.get("province"), dest, **options)
    except InputError as exc:
        return name, error_info(exc).line
    uploads.drop(folder)
    return name, None


async def ceads_choose(request: Request) -> Response:
    """GET: the provinces of the uploaded workbooks; POST: import one as a study."""
    state = _state(request)
    batch = request.path_params["batch"]
    folder = uploads.batch_dir(state.workspace, "ceads", batch)
    provinces = await run_in_threadpool(_provinces, folder)
    files = sorted(p.name for p in folder.iterdir())
    ctx = {
        "batch": batch,
        "provinces": provinces,
        "files": files,
        "sector_choice": "sectors" in _import_options(),
    }
    if request.method == "GET":
        return state.render(request, "ceads_choose.html", values={}, **ctx)
    form = await state.form(request)
    name, problem = await run_in_threadpool(_do_import, state, folder, form)
    if problem:
        field = "name" if "name" in problem.split(":")[0] or "exists" in problem else "province"
        return state.render(
            request,
            "ceads_choose.html",
            400,
            errors={field: problem},
            values={"name": name, "province": form.get("province")},
            **ctx,
        )
    return redirect(study_url(name))
