"""What every page handler shares: the workspace, the guard, the pages, the caches."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from carbonpath.core.errors import InputError
from carbonpath.serve.forms import Form, Limits, read_form
from carbonpath.serve.loaded import Loaded, StudyCache, error_info
from carbonpath.serve.render import Pages
from carbonpath.serve.runs import RunManager
from carbonpath.serve.security import CSRF_FIELD, CSRF_HEADER, Guard
from carbonpath.serve.workspace import Workspace

__all__ = ["AppState", "StudyView"]


@dataclass
class StudyView:
    """A study as the pages show it: its folder, the load outcome and its headline."""

    name: str
    folder: Path
    loaded: Loaded
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def study(self) -> Any:
        return self.loaded.study

    @property
    def error(self) -> Any:
        return self.loaded.error

    @property
    def title(self) -> str:
        if self.study is not None:
            return str(self.study.settings.title)
        return str(self.raw.get("title") or self.name)

    @property
    def region(self) -> str:
        if self.study is not None:
            return str(self.study.settings.region)
        return str(self.raw.get("region") or "")

    @property
    def years(self) -> str:
        years = list(self.study.settings.years) if self.study is not None else self.raw.get("years")
        if isinstance(years, list | tuple) and len(years) == 2:
            return f"{years[0]}-{years[1]}"
        return ""


def _raw_toml(folder: Path) -> dict[str, Any]:
    """study.toml as far as it parses (for the headline of a study that does not load)."""
    try:
        from carbonpath.io.toml import parse_toml

        return parse_toml(folder / "study.toml")
    except (InputError, OSError, tomllib.TOMLDecodeError):
        return {}


class AppState:
    """The app's shared state (one per server)."""

    def __init__(self, workspace: Workspace, guard: Guard, limits: Limits) -> None:
        self.workspace = workspace
        self.guard = guard
        self.limits = limits
        self.pages = Pages(guard.csrf_for)
        self.cache = StudyCache()
        self.runs = RunManager()

    # ---- studies ------------------------------------------------------------------
    def view(self, name: str) -> StudyView:
        """The study named in the URL (InputError for a bad name or path)."""
        folder = self.workspace.study_dir(name)
        loaded = self.cache.get(folder)
        raw = {} if loaded.study is not None else _raw_toml(folder)
        return StudyView(name, folder, loaded, raw)

    # ---- forms --------------------------------------------------------------------
    async def form(self, request: Request, *, files: bool = False) -> Form:
        """The POSTed form after the CSRF check (files go to the uploads folder)."""
        if not self.guard.origin_ok(request.scope):
            raise InputError("refused: the form was sent from another site")
        dest = self.workspace.uploads() / "incoming" if files else None
        form = await read_form(request, dest, self.limits)
        session = request.scope.get("state", {}).get("session", "")
        value = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        if not self.guard.csrf_ok(session, value):
            from carbonpath.serve.forms import discard

            discard(form)
            raise InputError(
                "refused: the form has no valid CSRF value (it was not sent from this app's page)",
                fix="reload the page and send the form again",
            )
        return form

    # ---- pages --------------------------------------------------------------------
    def render(self, request: Request, template: str, status: int = 200, **ctx: Any) -> Response:
        return self.pages.render(request, template, status, **ctx)

    def error_page(self, request: Request, exc: InputError, status: int = 400) -> Response:
        return self.pages.render(request, "error.html", status, problem=error_info(exc).line)

    def plain_page(self, request: Request, status: int, line: str) -> Response:
        if status == 404:
            line = "not found: there is no such page in carbonpath serve"
        return self.pages.render(request, "error.html", status, problem=line)


def redirect(url: str) -> Response:
    """See-other to a page of this app (after a POST)."""
    return HTMLResponse("", status_code=303, headers={"location": url})
