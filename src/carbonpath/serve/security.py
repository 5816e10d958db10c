"""Who may talk to the app, and what every answer carries.

- **Token**: the server makes a random token at start and prints it in its URL.  A GET
  request carrying ``?token=<token>`` is given a session cookie (``HttpOnly``,
  ``SameSite=Strict``, the host only) and redirected to the same address without the
  token, so the token leaves the address bar and the browser history.  Every other
  request needs that cookie (or the token in an ``X-Carbonpath-Token`` header, for
  scripts); without it the answer is 403 and one line saying how to get in.
- **Host**: the ``Host`` header must name the address the server listens on
  (``127.0.0.1``, ``localhost`` or the ``--host`` given), which defeats DNS rebinding.
- **CSRF**: every form carries a hidden ``_csrf`` value derived from the session
  (HMAC-SHA256 of the session id under a key made at start); a POST whose value does
  not match, or whose ``Origin`` is another site, is refused.  Scripts send the value
  in ``X-CSRF-Token``.
- **Headers**: a strict Content-Security-Policy (everything from this server, nothing
  inline, no frames from elsewhere), ``nosniff``, no referrer to other sites (``same-origin``: the browser then
  sends this server as the ``Origin`` of a form, which the POST check needs), no caching.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

__all__ = ["COOKIE", "CSP", "Guard", "security_headers"]

COOKIE = "carbonpath_session"
CSRF_FIELD = "_csrf"
CSRF_HEADER = "x-csrf-token"
TOKEN_HEADER = "x-carbonpath-token"
#: pages: only this server's own scripts, styles and images; frames of its own pages
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)
#: a report shown in the page: its own inline styles and embedded images, no script
REPORT_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'; sandbox"
)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def security_headers(csp: str = CSP) -> list[tuple[bytes, bytes]]:
    """The headers every answer carries."""
    return [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"SAMEORIGIN"),
        (b"cache-control", b"no-store"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
    ]


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out[name] = value
    return out


@dataclass
class Guard:
    """The token, the sessions it opened and the CSRF values of each session."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    sessions: set[str] = field(default_factory=set)

    def allow_hosts(self, names: Iterable[str]) -> None:
        self.hosts = tuple(dict.fromkeys([*self.hosts, *names]))

    def csrf_for(self, session: str) -> str:
        """The CSRF value of a session (HMAC-SHA256, hex)."""
        return hmac.new(self.key, f"csrf:{session}".encode(), hashlib.sha256).hexdigest()

    def session_of(self, scope: Scope) -> str | None:
        """The valid session of a request, or None."""
        headers = _headers(scope)
        if hmac.compare_digest(headers.get(TOKEN_HEADER, ""), self.token):
            return "token"
        sid = _cookies(headers.get("cookie", "")).get(COOKIE, "")
        return sid if sid in self.sessions else None

    def host_ok(self, scope: Scope) -> bool:
        host = _headers(scope).get("host", "")
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        return name in self.hosts

    def origin_ok(self, scope: Scope) -> bool:
        """A POST's Origin (when the browser sends one) is this server."""
        headers = _headers(scope)
        origin = headers.get("origin")
        if origin is None or origin == "null":
            return origin is None
        return urlsplit(origin).netloc == headers.get("host", "")

    def csrf_ok(self, session: str, value: str | None) -> bool:
        return value is not None and hmac.compare_digest(value, self.csrf_for(session))

    def open_session(self) -> str:
        sid = secrets.token_urlsafe(32)
        self.sessions.add(sid)
        return sid

    def url(self, host: str, port: int) -> str:
        """The address to print: the start page with the token."""
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/?{urlencode({'token': self.token})}"


async def refuse(send: Send, status: int, line: str) -> None:
    """A plain one-line refusal (no page, no traceback)."""
    body = (line + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *security_headers(),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _query_token(scope: Scope) -> str | None:
    from urllib.parse import parse_qs

    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


def _strip_token(scope: Scope) -> str:
    from urllib.parse import parse_qsl

    rest = [
        (k, v)
        for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        if k != "token"
    ]
    return scope.get("path", "/") + (f"?{urlencode(rest)}" if rest else "")


def _with_headers(send: Send) -> Send:
    """``send`` that adds :func:`security_headers` to an answer lacking its own CSP."""

    async def wrapped(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {k.lower() for k, _v in headers}
            extra = [(k, v) for k, v in security_headers() if k not in names]
            message = {**message, "headers": headers + extra}
        await send(message)

    return wrapped


class GuardMiddleware:
    """ASGI middleware: host check, token -> session cookie, session required."""

    def __init__(self, app: Any, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.guard.host_ok(scope):
            await refuse(send, 403, "refused: this server answers only at its own address")
            return
        token = _query_token(scope)
        if token is not None and scope["method"] == "GET":
            await self._exchange(scope, send, token)
            return
        session = self.guard.session_of(scope)
        if session is None:
            await refuse(
                send,
                403,
                "refused: open the address carbonpath serve printed (it carries the token)",
            )
            return
        scope.setdefault("state", {})["session"] = session
        await self.app(scope, receive, _with_headers(send))

    async def _exchange(self, scope: Scope, send: Send, token: str) -> None:
        if not hmac.compare_digest(token, self.guard.token):
            await refuse(send, 403, "refused: wrong token; open the address the server printed")
            return
        sid = self.guard.open_session()
        cookie = f"{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", _strip_token(scope).encode("latin-1")),
                    (b"set-cookie", cookie.encode("latin-1")),
                    (b"content-length", b"0"),
                    *security_headers(),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
