"""A test client of the app that behaves like a browser: token, cookie, forms as sent.

:func:`forms` reads a page's forms with the standard library's HTML parser and returns
what a browser would submit for each (hidden and text inputs, ticked boxes, the selected
option), so a test changes one field and posts the rest as the page holds it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from carbonpath.serve.app import create_app
from carbonpath.serve.forms import Limits
from carbonpath.serve.security import COOKIE, Guard

BASE = "http://127.0.0.1:8765"


@dataclass
class PageForm:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def data(self, **over: Any) -> dict[str, Any]:
        """The fields as a browser sends them, with ``over`` replacing some."""
        out: dict[str, Any] = {k: (v if len(v) > 1 else v[0]) for k, v in self.fields.items()}
        for k, v in over.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = v
        return out


class _FormParser(HTMLParser):
    """Forms and what a browser submits for each (the selected or first option)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PageForm] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: list[Any] | None = None  # [value or None, text, selected]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(PageForm(a.get("action", ""), a.get("method", "get").lower()))
        elif not self.forms:
            return
        elif tag == "input" and "name" in a and a.get("type", "text") != "file":
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1].fields.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select:
            self._end_option()
            self._option = [dict(attrs).get("value"), "", "selected" in a]

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[1] += data

    def _end_option(self) -> None:
        if self._option is not None:
            value, text, selected = self._option
            self._options.append((value if value is not None else text.strip(), selected))
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._end_option()
        elif tag == "select" and self._select:
            self._end_option()
            chosen = [v for v, sel in self._options if sel] or [v for v, _ in self._options[:1]]
            if chosen:
                self.forms[-1].fields[self._select] = chosen[:1]
            self._select = None


def forms(page: str) -> list[PageForm]:
    p = _FormParser()
    p.feed(page)
    return p.forms


def form(page: str, action: str, method: str = "post") -> PageForm:
    """The form of the page sending to ``action`` with ``method``."""
    for f in forms(page):
        if f.action == action and f.method == method:
            return f
    raise AssertionError(f"no form posting to {action}: {[f.action for f in forms(page)]}")


def field_errors(page: str) -> dict[str, str]:
    """The one-line messages shown next to fields: field name -> text."""
    found = re.findall(
        r'<span class="field-error" role="alert" data-field="([^"]*)">(.*?)</span>', page, re.S
    )
    return {name: html.unescape(text) for name, text in found}


def alerts(page: str) -> list[str]:
    return [
        html.unescape(t) for t in re.findall(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    ]


@dataclass
class App:
    http: TestClient
    guard: Guard
    workspace: Path

    @property
    def csrf(self) -> str:
        return self.guard.csrf_for(self.http.cookies[COOKIE])

    def get(self, url: str, **kw: Any) -> Any:
        return self.http.get(url, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.http.post(url, **kw)


def make_app(
    workspace: Path, limits: Limits | None = None, *, login: bool = True, raise_errors: bool = True
) -> App:
    """The app on ``workspace`` with a client that opened the printed address."""
    workspace.mkdir(parents=True, exist_ok=True)
    guard = Guard()
    client = TestClient(
        create_app(workspace, guard=guard, limits=limits),
        base_url=BASE,
        raise_server_exceptions=raise_errors,
    )
    if login:
        r = client.get(f"/?token={guard.token}", follow_redirects=False)
        assert r.status_code == 303 and COOKIE in r.cookies
    return App(client, guard, workspace)
