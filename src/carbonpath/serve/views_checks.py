"""The checks page: findings by materiality, and corrections added from it."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from carbonpath.core.errors import InputError
from carbonpath.serve import findings, studyfiles
from carbonpath.serve.context import AppState, StudyView, redirect
from carbonpath.serve.forms import Form
from carbonpath.serve.views_new import study_url

__all__ = ["add_correction", "checks"]

#: findings below this share of their total are summarised (``?min=`` changes it)
DEFAULT_MIN_SHARE = 0.001


def _state(request: Request) -> AppState:
    return request.app.state.cp


def _min_share(request: Request) -> float:
    try:
        value = float(request.query_params.get("min", DEFAULT_MIN_SHARE))
    except ValueError:
        return DEFAULT_MIN_SHARE
    return value if 0 <= value <= 1 else DEFAULT_MIN_SHARE


#: study name -> (the loaded study, its table files, its ranked findings): ranking reads
#: every table, so it is done once per load of the study
_RANKED: dict[str, tuple[Any, list[str], list[findings.Finding]]] = {}


def _ranked(view: StudyView, files: list[str]) -> list[findings.Finding]:
    hit = _RANKED.get(view.name)
    if hit is not None and hit[0] is view.study and hit[1] == files:
        return hit[2]
    ranked = findings.rank(view.study, view.name, files)
    _RANKED[view.name] = (view.study, files, ranked)
    return ranked


def _page(
    request: Request,
    view: StudyView,
    status: int = 200,
    *,
    failed: int | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    message: str | None = None,
) -> Response:
    state = _state(request)
    ctx: dict[str, Any] = {"listed": [], "small": [], "counts": [], "min_share": 0.0}
    if view.study is not None:
        files = state.workspace.study_files(view.name)
        ranked = _ranked(view, files)
        min_share = _min_share(request)
        listed, small = findings.split(ranked, min_share)
        ctx = {
            "listed": listed,
            "small": small,
            "counts": findings.counts(ranked),
            "min_share": min_share,
        }
    return state.render(
        request,
        "checks.html",
        status,
        study=view,
        page="checks",
        failed=failed,
        errors=errors or {},
        values=values or {},
        message=message,
        **ctx,
    )


async def checks(request: Request) -> Response:
    state = _state(request)
    view = await run_in_threadpool(state.view, request.path_params["study"])
    added = request.query_params.get("added")
    message = (
        "The correction was added to the corrections file and the study checked again."
        if added
        else None
    )
    return _page(request, view, message=message)


def _record(form: Form, panel: bool) -> dict[str, str]:
    record = {
        "year": form.get("year").strip(),
        "sector": form.get("sector").strip(),
        "variable": form.get("variable").strip(),
        "value": form.get("value").strip(),
        "unit": form.get("unit").strip(),
        "reason": " ".join(form.get("reason").split()),
    }
    if panel:
        record = {"region": form.get("region").strip(), **record}
    return record


async def add_correction(request: Request) -> Response:
    """POST: append a correction (its reason required) and check the study again."""
    state = _state(request)
    name = request.path_params["study"]
    view = await run_in_threadpool(state.view, name)
    form = await state.form(request)
    failed = int(form.get("finding")) if form.get("finding").isdigit() else None
    if view.study is None:
        raise InputError(
            "the study does not load, so its findings cannot be corrected here",
            fix=view.error.line if view.error else "open the study's page",
        )
    record = _record(form, bool(view.study.is_panel))
    setting = str(view.study.settings.files.corrections)
    try:
        _loaded, problem = await run_in_threadpool(
            studyfiles.add_correction, view.folder, setting, record
        )
    except InputError as exc:
        from carbonpath.serve.loaded import error_info

        problem = error_info(exc)
    if problem is not None:
        view = await run_in_threadpool(state.view, name)
        column = problem.column if problem.column in record else "value"
        return _page(
            request, view, 400, failed=failed, errors={column: problem.line}, values=record
        )
    return redirect(study_url(name, "checks") + "?added=1")
