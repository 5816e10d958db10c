"""Open a study's input files safely: inside the study folder, regular, bounded, honest.

Every input (study.toml, the CSV tables, workbooks, yearbook workbooks) is opened
through :func:`read_input` (or :func:`locate_input` first, to learn whether it is
there at all), which refuses, each with its own one-line :class:`StudyError`:

- a path that resolves outside the study folder (a symbolic link of a default-named
  input such as ``sectors.csv -> /etc/passwd``, or of a ``[[yearbook]]`` workbook);
  ``[files]`` entries were already checked by the settings;
- a symbolic link to nothing, a folder, a named pipe (FIFO), a socket or a device in
  place of a file (a FIFO is never opened for reading in a way that blocks);
- a file over the size limit, checked before anything is read (the default is
  :data:`~carbonpath.core.limits.DEFAULT_MAX_FILE_MB` MB; a study sets its own with
  ``[limits] max_file_mb``, read by :func:`max_input_bytes`);
- a binary file where text is expected, recognised from its first bytes
  (:func:`binary_kind`), so that no 2 GB file is read to find that out.

Messages name the file and what it is, never its content.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carbonpath.core.errors import StudyError
from carbonpath.core.limits import DEFAULT_MAX_FILE_MB, MAX_FILE_MB_CEILING

__all__ = [
    "LIMIT_FIX",
    "InputFile",
    "binary_kind",
    "locate_input",
    "max_input_bytes",
    "read_input",
    "sha256_input",
    "size_text",
]

MB = 1024 * 1024
#: bytes looked at to recognise a binary file
HEAD = 8192

#: leading bytes -> what the file is (checked in order)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another ZIP archive"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Excel workbook (.xls) or Word file"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program (ELF executable)"),
    (b"MZ", "a Windows program or library"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)


@dataclass(frozen=True)
class InputFile:
    """One input file as read: where it really is, its bytes and their SHA-256."""

    path: Path
    real: Path
    label: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def max_input_bytes(raw: Mapping[str, Any] | None = None) -> int:
    """The input size limit in bytes: ``[limits] max_file_mb`` of the raw study.toml, or
    :data:`~carbonpath.core.limits.DEFAULT_MAX_FILE_MB` MB.

    The value must be a number greater than 0 and at most
    :data:`~carbonpath.core.limits.MAX_FILE_MB_CEILING`; anything else is a StudyError
    naming the key (so this function is safe to call on unvalidated TOML).
    """
    limits = (raw or {}).get("limits")
    if limits is None:
        return DEFAULT_MAX_FILE_MB * MB
    key = "limits.max_file_mb"
    if not isinstance(limits, Mapping):
        raise StudyError("must be a table", file="study.toml", key="limits", fix="write [limits]")
    value = limits.get("max_file_mb", DEFAULT_MAX_FILE_MB)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise StudyError(
            f"must be a number of megabytes, got {type(value).__name__} {value!r:.40}",
            file="study.toml",
            key=key,
            fix=f"e.g. max_file_mb = {DEFAULT_MAX_FILE_MB}",
        )
    if not 0 < value <= MAX_FILE_MB_CEILING:
        raise StudyError(
            f"must be greater than 0 and at most {MAX_FILE_MB_CEILING}, got {value!r}",
            file="study.toml",
            key=key,
            fix=f"use a value from 1 to {MAX_FILE_MB_CEILING} (the default is "
            f"{DEFAULT_MAX_FILE_MB}; see docs/reliability.md)",
        )
    return int(value * MB)


def binary_kind(head: bytes) -> str | None:
    """What a file is if its first bytes show it is not plain text, else ``None``."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if b"\x00" in head:
        return "a binary file (it holds NUL bytes)"
    return None


def _special(mode: int) -> str | None:
    """The kind of a non-regular file, or ``None`` for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    return "is not a regular file"  # pragma: no cover - door, whiteout ...


def _outside(path: Path, real: Path, label: str) -> StudyError:
    linked = any(p.is_symlink() for p in (path, *path.parents) if p != p.parent)
    how = f"is a symbolic link to '{real}'" if linked else f"resolves to '{real}'"
    return StudyError(
        f"{how}, outside the study folder",
        file=label,
        fix="copy the file into the study folder (inputs must lie inside it)",
    )


def locate_input(path: Path, *, label: str, root: Path | None = None) -> Path | None:
    """The real path of an input that is a regular file, or ``None`` if nothing is there.

    ``root`` (the study folder): the resolved path must lie inside it.  A dangling
    symbolic link, a folder, a FIFO, a socket or a device is a :class:`StudyError`.
    """
    path = Path(path)
    try:
        path.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _os_error(exc, label) from None
    real = Path(os.path.realpath(path))
    if root is not None and not real.is_relative_to(Path(os.path.realpath(root))):
        raise _outside(path, real, label)
    try:
        st = real.stat()
    except FileNotFoundError:
        raise StudyError(
            f"is a symbolic link to '{os.readlink(path) if path.is_symlink() else real}', "
            "which does not exist",
            file=label,
            fix="point the link at the file, or put the file itself there",
        ) from None
    except OSError as exc:
        raise _os_error(exc, label) from None
    special = _special(st.st_mode)
    if special:
        raise StudyError(special, file=label, fix=_SPECIAL_FIX)
    return real


_SPECIAL_FIX = "put the file itself there (a regular file)"


def _os_error(exc: OSError, label: str) -> StudyError:
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ENOTDIR:
        return StudyError(
            "cannot be read: a part of its path is a file, not a folder",
            file=label,
            fix="give the folder that holds it",
        )
    return StudyError(
        f"cannot be read ({reason.lower()})",
        file=label,
        fix="check that the file exists and that you may read it",
    )


def size_text(n: float) -> str:
    """``n`` bytes as a reader wants to see it: 812 bytes, 3.1 KB, 250.0 MB."""
    if n < 1024:
        return f"{n:.0f} bytes"
    if n < MB:
        return f"{n / 1024:.1f} KB"
    return f"{n / MB:.1f} MB"


#: the fix of a file over the limit, for a study input
LIMIT_FIX = (
    "check that this is the right file; a larger limit can be set with "
    "[limits] max_file_mb in study.toml"
)


def _too_large(size: int, limit: int, label: str, fix: str) -> StudyError:
    return StudyError(
        f"is {size_text(size)}, more than the limit of {size_text(limit)} for this file",
        file=label,
        fix=fix,
    )


def _read_fd(fd: int, limit: int, label: str, fix: str) -> bytes:
    """Read at most ``limit`` bytes; more (a file that grows while read) is an error."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise _too_large(total, limit, label, fix)


def read_input(
    path: Path,
    *,
    label: str,
    root: Path | None = None,
    max_bytes: int | None = None,
    text: bool = False,
    limit_fix: str = LIMIT_FIX,
    binary_fix: str | None = None,
) -> InputFile:
    """Read an input file whole, after the checks of :func:`locate_input` and the size.

    ``max_bytes``: the size limit (default :func:`max_input_bytes`), ``limit_fix`` the
    fix shown when it is exceeded.  ``text=True``: a file whose first bytes show a
    binary format is refused before the rest is read (``binary_fix``: the fix shown).  A missing file is a
    :class:`StudyError` ("file is missing").
    """
    limit = max_input_bytes() if max_bytes is None else int(max_bytes)
    real = locate_input(path, label=label, root=root)
    if real is None:
        raise StudyError("file is missing", file=label, fix="check the file name and folder")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(real, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _os_error(exc, label) from None
    try:
        st = os.fstat(fd)
        special = _special(st.st_mode)  # swapped for a FIFO since locate_input?
        if special:
            raise StudyError(special, file=label, fix=_SPECIAL_FIX)
        if st.st_size > limit:
            raise _too_large(st.st_size, limit, label, limit_fix)
        head = os.read(fd, HEAD) if text else b""
        _refuse_binary(binary_kind(head) if text else None, label, binary_fix)
        data = head + _read_fd(fd, limit - len(head), label, limit_fix)
    except OSError as exc:
        raise _os_error(exc, label) from None
    finally:
        os.close(fd)
    return InputFile(
        path=Path(path),
        real=real,
        label=label,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _refuse_binary(kind: str | None, label: str, fix: str | None = None) -> None:
    if kind == "UTF-16 text":
        raise StudyError(
            "is saved as UTF-16 text",
            file=label,
            fix="save it as UTF-8 (in Excel: 'CSV UTF-8 (comma delimited)')",
        )
    if kind is not None:
        raise StudyError(
            f"is {kind}, not a CSV text table",
            file=label,
            fix=fix
            or "export the sheet as CSV (UTF-8) or list the workbook under [files] in study.toml",
        )


def sha256_input(
    path: Path, *, label: str, root: Path | None = None, max_bytes: int | None = None
) -> str:
    """The SHA-256 of an input file, read through the same checks as :func:`read_input`."""
    return read_input(path, label=label, root=root, max_bytes=max_bytes).sha256
