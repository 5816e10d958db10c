"""The app's changes to a study, each one a plain file written safely and checked.

A change is written to a temporary file next to its target and moved over it in one
step (a crash leaves the old or the new file, never half of one).  Then the study is
loaded with :func:`carbonpath.load_study`; when the change itself is what makes the
study fail (the error names the changed file), the old file is put back and the error
is returned, so a form never leaves a study broken that loaded before.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from carbonpath.core.errors import InputError, StudyError
from carbonpath.serve.loaded import ErrorInfo, Loaded, error_info, load

__all__ = ["CORRECTION_COLUMNS", "add_correction", "apply_change", "atomic_write"]

CORRECTION_COLUMNS = ["year", "sector", "variable", "value", "unit", "reason"]


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` in one step (temporary sibling, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def apply_change(
    folder: Path, target: Path, data: bytes, *, blames: Callable[[ErrorInfo], bool]
) -> tuple[Loaded, ErrorInfo | None]:
    """Write ``data`` to ``target``, load the study; undo when ``blames(error)``.

    Returns (the study as loaded now, the error that undid the change or None).
    """
    before = target.read_bytes() if target.exists() else None
    try:
        atomic_write(target, data)
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        info = ErrorInfo(f"{target.name}: cannot be written ({reason}); fix: check the folder")
        return load(folder), info
    loaded = load(folder)
    if loaded.error is not None and blames(loaded.error):
        if before is None:
            target.unlink(missing_ok=True)
        else:
            atomic_write(target, before)
        return load(folder), loaded.error
    return loaded, None


# ----------------------------------------------------------------- corrections.csv
def _read_csv(path: Path, label: str) -> tuple[list[list[str]], str, bool]:
    """(rows, encoding, had a BOM) of an existing CSV, read like a study input."""
    from carbonpath.io.files import read_input
    from carbonpath.io.tables import decode_bytes

    data = read_input(path, label=label, root=path.parent, text=True).data
    text, used = decode_bytes(data, label, "auto")
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    return rows, used, data.startswith(b"\xef\xbb\xbf")


def _csv_bytes(rows: list[list[str]], encoding: str, bom: bool) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def correction_rows(path: Path, label: str, record: dict[str, str]) -> bytes:
    """The bytes of corrections.csv with ``record`` added (header extended if needed)."""
    if path.exists():
        rows, encoding, bom = _read_csv(path, label)
    else:
        rows, encoding, bom = [], "utf-8", False
    if not rows:
        rows = [[c for c in CORRECTION_COLUMNS if c != "sector" or record.get("sector", "") != ""]]
        if "region" in record:
            rows[0].insert(0, "region")
    header = [h.strip().lower() for h in rows[0]]
    body = rows[1:]
    for column, value in record.items():
        if value != "" and column not in header:
            header.append(column)
            body = [r + [""] for r in body]
    rows = [header, *body, [record.get(h, "") for h in header]]
    return _csv_bytes(rows, "gb18030" if encoding == "gb18030" else "utf-8", bom)


def add_correction(
    folder: Path, file_setting: str, record: dict[str, str]
) -> tuple[Loaded, ErrorInfo | None]:
    """Append a correction to the study's corrections file and load the study again."""
    if file_setting.partition("#")[0].lower().endswith((".xlsx", ".xlsm")):
        raise InputError(
            f"the study's corrections are in the workbook {file_setting}",
            fix="add the row in that workbook, or name a CSV under [files] corrections",
        )
    if not record.get("reason", "").strip():
        raise StudyError(
            "a correction needs a reason",
            file=file_setting,
            column="reason",
            fix="say in one sentence why the published value is replaced",
        )
    target = folder / file_setting
    try:
        data = correction_rows(target, file_setting, record)
    except InputError as exc:
        return load(folder), error_info(exc)
    return apply_change(
        folder, target, data, blames=lambda e: (e.file or "").partition("#")[0] == file_setting
    )
