"""Server-rendered pages: Jinja2 templates with escaping on, user text made visible.

Every value a template prints is HTML-escaped (``autoescape``); text that comes from a
user's files or forms is shown through the ``show`` filter, which is
:func:`carbonpath.core.text.display_text` (no bidirectional overrides, invisible or
control characters), so a sector name cannot reorder or hide text in a page.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from carbonpath.core.text import display_text
from carbonpath.core.version import __version__

__all__ = ["Pages", "show"]


def show(value: object) -> str:
    """User text as a page shows it (escaping is the template's)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return display_text(value)


def number(value: object, digits: int = 4) -> str:
    """A number for people: ``digits`` significant digits, no ``-0``."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return show(value)
    if value != value:  # NaN
        return ""
    text = f"{value:,.{digits}g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.{digits}g}"
    return "0" if text in ("-0", "-0.0") else text


class Pages:
    """The template environment and ``render(request, template, **context)``."""

    def __init__(self, csrf_for: Any) -> None:
        self.env = Environment(
            loader=PackageLoader("carbonpath.serve", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["show"] = show
        self.env.filters["number"] = number
        self.env.globals["version"] = __version__
        self.csrf_for = csrf_for

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        session = request.scope.get("state", {}).get("session", "")
        context.setdefault("study", None)
        context.setdefault("page", "")
        context.setdefault("errors", {})
        context.setdefault("message", None)
        text = self.env.get_template(template).render(
            csrf=self.csrf_for(session), request_path=request.url.path, **context
        )
        return HTMLResponse(text, status_code=status)
