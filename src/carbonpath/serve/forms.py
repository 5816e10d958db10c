"""Reading submitted forms with bounds: text fields in memory, files into the workspace.

Uploaded files are streamed straight into a folder inside the workspace (never into the
system's temporary folder) and counted while they arrive: a file over the upload limit
is dropped as soon as it passes the limit and reported on its field (the rest of the
request is read and discarded so that the browser shows the form with the message); a
request body beyond :attr:`Limits.request` is refused at once with 413.  The files
kept are then checked like any input, by carbonpath's readers (see uploads.py).
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["Form", "Limits", "RequestTooLarge", "Upload", "read_form"]

MB = 1024 * 1024
_SAFE = re.compile(r"[^\w.\-]+")


class RequestTooLarge(Exception):
    """The request body passes the server's bound (answered with 413)."""


class FormRefused(Exception):
    """A form that is not one (wrong content type, too many fields ...)."""


@dataclass(frozen=True)
class Limits:
    """Upload bounds: each file, the whole request, each text field, the field count."""

    file: int = 200 * MB
    request: int = 1024 * MB
    text: int = 256 * 1024
    fields: int = 2000


@dataclass
class Upload:
    """One uploaded file as stored: its field, the name the browser gave, where it is."""

    field: str
    filename: str
    path: Path | None
    size: int = 0
    too_large: bool = False


@dataclass
class Form:
    """The submitted text fields (each a list of values) and files."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[Upload]] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[0] if values else default

    def getlist(self, name: str) -> list[str]:
        return list(self.fields.get(name, []))

    def file(self, name: str) -> Upload | None:
        """The first non-empty file of a field (a browser sends an empty part when none)."""
        for up in self.files.get(name, []):
            if up.filename or up.size:
                return up
        return None

    def uploads(self, name: str) -> list[Upload]:
        return [u for u in self.files.get(name, []) if u.filename or u.size]


def safe_upload_name(name: str) -> str:
    """The last part of a browser-given file name, reduced to safe characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE.sub("_", base).strip("._")
    return cleaned[:120] or "upload"


async def read_form(request: Any, dest: Path | None, limits: Limits) -> Form:
    """The form of a POST: url-encoded or multipart (files saved into ``dest``)."""
    ctype = request.headers.get("content-type", "")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.request:
        raise RequestTooLarge(int(declared))
    if ctype.startswith("multipart/form-data"):
        if dest is None:
            raise FormRefused("this form takes no files")
        return await _multipart(request, ctype, dest, limits)
    if ctype.startswith("application/x-www-form-urlencoded") or not ctype:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > limits.text * 8:
                raise RequestTooLarge(len(body))
        return _urlencoded(body.decode("utf-8", "replace"), limits)
    raise FormRefused(f"unexpected content type {ctype[:60]!r}")


def _urlencoded(text: str, limits: Limits) -> Form:
    form = Form()
    pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=limits.fields)
    for name, value in pairs:
        form.fields.setdefault(name, []).append(value[: limits.text])
    return form


class _Parts:
    """The callbacks of python-multipart's streaming parser, writing files to disk."""

    def __init__(self, dest: Path, limits: Limits) -> None:
        self.dest = dest
        self.limits = limits
        self.form = Form()
        self.header_name = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.name = ""
        self.filename: str | None = None
        self.text = bytearray()
        self.upload: Upload | None = None
        self.fh: Any = None
        self.count = 0

    # header callbacks
    def on_part_begin(self) -> None:
        self.headers = {}
        self.text = bytearray()
        self.upload = None
        self.count += 1
        if self.count > self.limits.fields:
            raise FormRefused("too many form fields")

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_name.lower()] = self.header_value
        self.header_name = b""
        self.header_value = b""

    def on_headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        _kind, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        raw = options.get(b"filename")
        self.filename = None if raw is None else raw.decode("utf-8", "replace")
        if self.filename is not None:
            path = self.dest / f"{secrets.token_hex(4)}-{safe_upload_name(self.filename)}"
            self.upload = Upload(self.name, self.filename, path)
            self.fh = open(path, "wb")  # noqa: SIM115 - closed in on_part_end

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        up = self.upload
        if up is None:
            if len(self.text) + len(chunk) > self.limits.text:
                raise FormRefused(f"field '{self.name[:40]}' is too long")
            self.text += chunk
            return
        if up.too_large:
            up.size += len(chunk)
            return
        up.size += len(chunk)
        if up.size > self.limits.file:
            self._drop(up)
            return
        self.fh.write(chunk)

    def _drop(self, up: Upload) -> None:
        up.too_large = True
        self.fh.close()
        self.fh = None
        if up.path is not None:
            up.path.unlink(missing_ok=True)
            up.path = None

    def on_part_end(self) -> None:
        if self.upload is None:
            self.form.fields.setdefault(self.name, []).append(self.text.decode("utf-8", "replace"))
            return
        if self.fh is not None:
            self.fh.close()
            self.fh = None
        if not self.upload.filename and not self.upload.size and self.upload.path is not None:
            self.upload.path.unlink(missing_ok=True)
            self.upload.path = None
        self.form.files.setdefault(self.name, []).append(self.upload)

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


async def _multipart(request: Any, ctype: str, dest: Path, limits: Limits) -> Form:
    from python_multipart.multipart import MultipartParser, parse_options_header

    _kind, options = parse_options_header(ctype)
    boundary = options.get(b"boundary")
    if not boundary:
        raise FormRefused("multipart form without a boundary")
    dest.mkdir(parents=True, exist_ok=True)
    parts = _Parts(dest, limits)
    callbacks = {
        name: getattr(parts, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > limits.request:
                raise RequestTooLarge(total)
            parser.write(chunk)
        parser.finalize()
    except (RequestTooLarge, FormRefused):
        _clean(parts)
        raise
    except Exception:  # a malformed body (python-multipart's parse errors)
        _clean(parts)
        raise FormRefused("the form could not be read") from None
    return parts.form


def _clean(parts: _Parts) -> None:
    parts.close()
    for ups in parts.form.files.values():
        for up in ups:
            if up.path is not None:
                up.path.unlink(missing_ok=True)
    if parts.upload is not None and parts.upload.path is not None:
        parts.upload.path.unlink(missing_ok=True)


def discard(form: Form) -> None:
    """Remove the stored files of a form (after they were moved or refused)."""
    for ups in form.files.values():
        for up in ups:
            if up.path is not None and up.path.exists():
                os.unlink(up.path)
