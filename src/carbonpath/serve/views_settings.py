"""The settings page: forms that write study.toml and validate it as `run` would.

Saving a form: study.toml is edited in place (comments kept, :mod:`.tomledit`), the
new text is checked by the settings models (:func:`parse_study_settings`), written in
one step and loaded with :func:`carbonpath.load_study`; an error that names study.toml
puts the old file back and shows the message next to the field of its key.
"""

from __future__ import annotations

import tomllib
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from carbonpath.core.errors import InputError, StudyError
from carbonpath.serve import settings_forms, studyfiles
from carbonpath.serve.context import AppState, StudyView, redirect
from carbonpath.serve.forms import Form
from carbonpath.serve.loaded import ErrorInfo, error_info
from carbonpath.serve.tomledit import Edits, parse_document, plain, validate_text
from carbonpath.serve.views_new import study_url

__all__ = ["save", "settings_page"]


def _state(request: Request) -> AppState:
    return request.app.state.cp


def _choices() -> dict[str, Any]:
    from carbonpath.accounting.factors import available_sets
    from carbonpath.index.settings import NORMALISATIONS, WEIGHT_METHODS
    from carbonpath.study.core_settings import LANGUAGES, REPORT_FORMATS

    return {
        "factor_sets": available_sets(),
        "languages": LANGUAGES,
        "report_formats": REPORT_FORMATS,
        "methods": WEIGHT_METHODS,
        "normalisations": NORMALISATIONS,
        "k_rules": settings_forms.K_RULES,
    }


def _page(
    request: Request,
    view: StudyView,
    values: dict[str, Any],
    status: int = 200,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    saved: str | None = None,
) -> Response:
    state = _state(request)
    return state.render(
        request,
        "settings.html",
        status,
        study=view,
        page="settings",
        v=values,
        ferrors=errors or {},
        saved=settings_forms.FORMS[saved].title if saved in settings_forms.FORMS else None,
        forms=settings_forms.FORMS,
        **_choices(),
    )


def _current(view: StudyView) -> dict[str, Any]:
    """study.toml as plain data (read like any input; the forms show these values)."""
    from carbonpath.io.toml import parse_toml

    try:
        return parse_toml(view.folder / "study.toml", root=view.folder)
    except (InputError, OSError, tomllib.TOMLDecodeError):
        return {}


async def settings_page(request: Request) -> Response:
    state = _state(request)
    view = await run_in_threadpool(state.view, request.path_params["study"])
    raw = await run_in_threadpool(_current, view)
    values = settings_forms.display_values(raw)
    return _page(request, view, values, saved=request.query_params.get("saved"))


def _blames_toml(info: ErrorInfo) -> bool:
    return (info.file or "") == "study.toml"


def save_form(view: StudyView, name: str, form: Form) -> ErrorInfo | None:
    """Apply one settings form to study.toml; the error (with its key) or None."""
    spec = settings_forms.FORMS[name]
    try:
        doc = parse_document(view.folder)
        raw = plain(doc)
        edits = Edits(doc)
        spec.apply(form, edits, raw)
        text = edits.text()
        validate_text(text, view.folder)
    except StudyError as exc:
        return error_info(exc)
    _loaded, problem = studyfiles.apply_change(
        view.folder, view.folder / "study.toml", text.encode("utf-8"), blames=_blames_toml
    )
    return problem


async def save(request: Request) -> Response:
    """POST one settings form."""
    state = _state(request)
    name = request.path_params["study"]
    which = request.path_params["form"]
    if which not in settings_forms.FORMS:
        raise InputError(f"there is no settings form '{which[:40]}'", fix="use the settings page")
    view = await run_in_threadpool(state.view, name)
    form = await state.form(request)
    problem = await run_in_threadpool(save_form, view, which, form)
    if problem is None:
        state.cache.forget(view.folder)
        return redirect(study_url(name, "settings") + f"?saved={which}#{which}")
    field = settings_forms.FORMS[which].field(problem.key or "", form)
    view = await run_in_threadpool(state.view, name)
    raw = await run_in_threadpool(_current, view)
    values = settings_forms.typed_back(form, settings_forms.display_values(raw))
    return _page(request, view, values, 400, errors={which: {field: problem.line}})
