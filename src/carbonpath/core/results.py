"""Typed results: the base every analysis's results object is built on.

A results object is a frozen dataclass whose fields are pandas objects, numbers, strings
and typed sub-results.  :meth:`ResultBase.to_dict` is derived from the fields by one
generic converter (:func:`jsonable`), so results.json is the serialisation of the
objects, never a second hand-kept copy; :meth:`ResultBase.tables` lists the fields that
are tables (for CSV files and the workbook).  Fields that are for Python users only
(bootstrap draws, say) are declared with :func:`internal`.

results.json stays bounded for a large study: a table field of more than
:data:`MAX_JSON_ROWS` rows (a national inventory's per-fuel cells, say) is written as
an empty list and named, with its length, under the section's ``left_out``; the whole
table stays in ``tables()`` (``--formats csv``, the workbook) and in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MAX_JSON_ROWS", "Coverage", "ResultBase", "internal", "jsonable", "table"]

#: the most rows a results table may have in results.json (longer: left out, named)
MAX_JSON_ROWS = 100_000


def internal(default: Any = None) -> Any:
    """A dataclass field kept out of results.json, comparisons and repr."""
    return field(default=default, compare=False, repr=False, metadata={"json": False})


def table(name: str | None = None, *, json: bool = True) -> Any:
    """A DataFrame field that is also written as a table (``name``: the table's name)."""
    return field(metadata={"table": name or True, "json": json})


def _column_values(col: pd.Series) -> list[Any]:
    """A column as JSON values, converted column-wise (numbers without a per-value call;
    NaN and infinities -> None); other dtypes value by value through :func:`jsonable`."""
    dtype = col.dtype
    kind = dtype.kind if isinstance(dtype, np.dtype) else ""
    if kind and kind in "iub":
        return col.to_numpy().tolist()
    if kind == "f":
        a = col.to_numpy()
        values = a.tolist()
        bad = np.flatnonzero(~np.isfinite(a))
        for i in bad.tolist():
            values[i] = None
        return values
    return [jsonable(v) for v in col.tolist()]


def _frame_records(frame: pd.DataFrame) -> list[Any]:
    """Records ``{column: value}`` of a frame (a named index becomes columns)."""
    named = any(n is not None for n in frame.index.names)
    if named:
        frame = frame.reset_index()
    keys = [str(c) for c in frame.columns]
    if not keys:
        return [{} for _ in range(len(frame))]
    columns = [_column_values(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _number(obj: Any) -> Any:
    f = float(obj)
    return f if math.isfinite(f) else None


def _scalar(obj: Any) -> tuple[bool, Any]:
    """(True, JSON value) for a scalar, (False, None) otherwise."""
    if obj is None or isinstance(obj, str):
        return True, obj
    if isinstance(obj, bool | np.bool_):
        return True, bool(obj)
    if isinstance(obj, int | np.integer):
        return True, int(obj)
    if isinstance(obj, float | np.floating):
        return True, _number(obj)
    if obj is pd.NA or obj is pd.NaT:
        return True, None
    return False, None


def jsonable(obj: Any) -> Any:
    """Convert results to JSON-ready Python: numpy/pandas scalars and containers, nested
    results objects (by their ``to_dict``), settings models (by their dump), NaN and
    infinities -> None."""
    done, value = _scalar(obj)
    if done:
        return value
    if isinstance(obj, ResultBase):
        return obj.to_dict()
    if isinstance(obj, dict | pd.Series):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [jsonable(v) for v in (obj.tolist() if isinstance(obj, np.ndarray) else obj)]
    if isinstance(obj, pd.DataFrame):
        return _frame_records(obj)
    if hasattr(obj, "model_dump"):  # a settings model (pydantic)
        return jsonable(obj.model_dump(mode="json"))
    if hasattr(obj, "to_dict"):
        return jsonable(obj.to_dict())
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in fields(obj)}
    return str(obj)


class ResultBase:
    """Mixin for frozen dataclass results: ``to_dict()`` and ``tables()`` from the fields."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data of every field not declared :func:`internal` (results.json);
        a table longer than :data:`MAX_JSON_ROWS` is ``[]``, named under ``left_out``."""
        out: dict[str, Any] = {}
        left: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            if not f.metadata.get("json", True):
                continue
            value = getattr(self, f.name)
            if f.metadata.get("table") and isinstance(value, pd.DataFrame):
                if len(value) > MAX_JSON_ROWS:
                    left[f.name] = {"rows": len(value), "max_rows": MAX_JSON_ROWS}
                    out[f.name] = []
                    continue
            out[f.name] = jsonable(value)
        if left:
            out["left_out"] = left
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{name: DataFrame}`` of the fields declared :func:`table` (and of nested
        results' tables), for tables/*.csv and the workbook."""
        out: dict[str, pd.DataFrame] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            tag = f.metadata.get("table")
            if tag and isinstance(value, pd.DataFrame):
                out[tag if isinstance(tag, str) else f.name] = value
            elif isinstance(value, ResultBase):
                out.update(value.tables())
        return out


@dataclass(frozen=True, kw_only=True)
class Coverage(ResultBase):
    """Which units x years a panel step used: ``units`` x ``years`` of the ``unit`` kind
    (region, sector, aggregate), ``rows_used`` of ``rows_possible``; ``dropped`` lists
    each unit-year left out with the reason (nothing is filled in).  Each step's
    coverage derives from it and names its own ``dropped`` table."""

    unit: str
    units: tuple[str, ...]
    years: tuple[int, ...]
    rows_used: int
    rows_possible: int
    balanced: bool
    units_dropped: tuple[str, ...]
    dropped: pd.DataFrame = table("coverage_dropped")
