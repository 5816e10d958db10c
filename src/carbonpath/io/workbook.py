"""Open workbooks safely and read a study's tables from sheets.

:func:`read_workbook_table` reads one sheet laid out like a study CSV (a header row,
then one record per row) into the same :class:`~carbonpath.io.tables.Table` the CSV
reader returns, so the loader treats both alike (same header rules, line numbers =
spreadsheet row numbers).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from carbonpath.core.errors import StudyError
from carbonpath.io import xlsx
from carbonpath.io.files import locate_input
from carbonpath.io.tables import Table, table_from_rows
from carbonpath.io.xlsx import Workbook, sheet_rows


def open_workbook(
    path: Path,
    *,
    label: str | None = None,
    root: Path | None = None,
    max_bytes: int | None = None,
) -> Workbook:
    """Open an .xlsx workbook with the safe reader (:mod:`carbonpath.io.xlsx`).

    A missing file, an .xls, a non-workbook, a file outside ``root`` or over
    ``max_bytes``, a ZIP or XML bomb and malformed XML are each a StudyError.
    """
    label = label or Path(path).name
    if locate_input(Path(path), label=label, root=root) is None:
        raise StudyError("file is missing", file=label, fix="check the file name and folder")
    return xlsx.open_workbook(Path(path), label=label, root=root, max_bytes=max_bytes)


def read_workbook_table(
    path: Path,
    sheet: str | int | None,
    label: str | None = None,
    required: list[str] | tuple[str, ...] = (),
    optional: list[str] | tuple[str, ...] = (),
    *,
    root: Path | None = None,
    max_bytes: int | None = None,
) -> Table:
    """Read one sheet laid out like a study CSV into a :class:`Table` (rows = sheet rows).

    ``root``: the study folder the workbook must lie in; ``max_bytes``: the size limit.
    The table's ``sha256`` is the workbook's.
    """
    path = Path(path)
    label = label or f"{path.name} [{sheet}]"
    with open_workbook(path, label=path.name, root=root, max_bytes=max_bytes) as wb:
        rows = sheet_rows(wb.sheet(sheet))
        digest = wb.sha256
    table = table_from_rows(
        rows, path=path, label=label, encoding="xlsx", required=required, optional=optional
    )
    return dataclasses.replace(table, sha256=digest)
