"""The ASGI application of ``carbonpath serve``: routes, guard, errors, shutdown.

``create_app(workspace)`` returns a Starlette application.  Requests pass
:class:`~carbonpath.serve.security.GuardMiddleware` (host, token, session) first; a
carbonpath input error becomes the one-line message on the page it concerns (never a
traceback); anything else is answered with a one-line internal-error page.  At
shutdown (Ctrl-C) a run in progress is cancelled: its temporary output folder is
removed and the previous output stays as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from carbonpath.core.errors import InputError
from carbonpath.serve import (
    views_checks,
    views_new,
    views_run,
    views_settings,
    views_study,
    views_yearbook,
)
from carbonpath.serve.context import AppState
from carbonpath.serve.forms import FormRefused, Limits, RequestTooLarge
from carbonpath.serve.security import Guard, GuardMiddleware
from carbonpath.serve.workspace import Workspace

__all__ = ["create_app"]


def _routes() -> list[Any]:
    static = Path(__file__).with_name("static")
    return [
        Route("/", views_study.home),
        Route("/new/example", views_new.new_example, methods=["POST"]),
        Route("/new/files", views_new.new_files, methods=["GET", "POST"]),
        Route("/new/ceads", views_new.new_ceads, methods=["GET", "POST"]),
        Route("/new/ceads/{batch}", views_new.ceads_choose, methods=["GET", "POST"]),
        Route("/s/{study}", views_study.overview),
        Route("/s/{study}/table/{filename}", views_study.table),
        Route("/s/{study}/checks", views_checks.checks),
        Route("/s/{study}/corrections", views_checks.add_correction, methods=["POST"]),
        Route("/s/{study}/settings", views_settings.settings_page),
        Route("/s/{study}/settings/{form}", views_settings.save, methods=["POST"]),
        Route("/s/{study}/yearbook", views_yearbook.upload, methods=["GET", "POST"]),
        Route("/s/{study}/yearbook/{batch}", views_yearbook.mapping, methods=["GET", "POST"]),
        Route("/s/{study}/run", views_run.run_page, methods=["GET", "POST"]),
        Route("/s/{study}/run/status", views_run.status),
        Route("/s/{study}/report", views_run.report_page),
        Route("/s/{study}/out/{path:path}", views_run.output_file),
        Route("/s/{study}/download/{what}", views_run.download),
        Mount("/static", app=StaticFiles(directory=static), name="static"),
    ]


async def _input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InputError)
    state: AppState = request.app.state.cp
    return state.error_page(request, exc, 400)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    state: AppState = request.app.state.cp
    return state.plain_page(request, exc.status_code, str(exc.detail))


async def _too_large(request: Request, exc: Exception) -> Response:
    limit = request.app.state.cp.limits.request
    from carbonpath.serve.uploads import size_text

    return PlainTextResponse(
        f"refused: the upload is larger than the limit of {size_text(limit)} "
        "for one request; fix: send fewer or smaller files\n",
        status_code=413,
    )


async def _form_refused(request: Request, exc: Exception) -> Response:
    state: AppState = request.app.state.cp
    return state.plain_page(request, 400, f"refused: {exc}")


async def _internal(request: Request, exc: Exception) -> Response:
    text = " ".join(str(exc).split())[:300]
    return PlainTextResponse(
        f"internal error: {type(exc).__name__}: {text} (this is a bug in carbonpath; "
        "the server log has the details)\n",
        status_code=500,
    )


def create_app(
    workspace: Path,
    *,
    guard: Guard | None = None,
    limits: Limits | None = None,
) -> Any:
    """The app over ``workspace`` (a folder); wrap it in the guard and return it."""
    guard = guard or Guard()
    state = AppState(Workspace(workspace), guard, limits or Limits())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        state.runs.shutdown()

    app = Starlette(
        routes=_routes(),
        exception_handlers={
            InputError: _input_error,
            HTTPException: _http_error,
            RequestTooLarge: _too_large,
            FormRefused: _form_refused,
            Exception: _internal,
        },
        lifespan=lifespan,
    )
    app.state.cp = state
    guarded = GuardMiddleware(app, guard)
    guarded.state = state  # type: ignore[attr-defined]
    return guarded
