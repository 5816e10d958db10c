"""Serialisation of results objects (results.json): column-wise records and the bound.

References: the per-value conversion ``frame.to_dict(orient="records")`` + ``jsonable``
(the rule results.json followed before records were converted column-wise), and
hand-written expectations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonpath.core import results as core_results
from carbonpath.core.results import ResultBase, jsonable, table


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": np.array([2015, 2016, 2017], dtype=np.int64),
            "sector": ["A", "B", None],
            "value": [1.5, np.nan, -np.inf],
            "flag": [True, False, True],
            "n": pd.array([1, None, 3], dtype="Int64"),
            "small": np.array([0.1, 2.0, 3.0], dtype=np.float32),
            "mixed": [np.float64(2.5), "x", np.int64(7)],
        }
    )


def test_records_equal_the_per_value_conversion() -> None:
    frame = _frame()
    want = [{str(k): jsonable(v) for k, v in r.items()} for r in frame.to_dict(orient="records")]
    got = jsonable(frame)
    assert got == want
    assert got[1]["value"] is None and got[2]["value"] is None  # NaN, -inf -> null
    assert got[1]["n"] is None and got[0]["n"] == 1
    assert type(got[0]["year"]) is int and type(got[0]["flag"]) is bool
    assert got[0]["small"] == float(np.float32(0.1))


def test_a_named_index_becomes_columns() -> None:
    frame = pd.DataFrame({"v": [1.0, 2.0]}, index=pd.Index([2015, 2016], name="year"))
    assert jsonable(frame) == [{"year": 2015, "v": 1.0}, {"year": 2016, "v": 2.0}]


@dataclass(frozen=True)
class _Res(ResultBase):
    cells: pd.DataFrame = table()
    total: pd.DataFrame = table()


def test_a_table_above_the_bound_is_left_out_and_named(monkeypatch) -> None:
    monkeypatch.setattr(core_results, "MAX_JSON_ROWS", 3)
    res = _Res(cells=pd.DataFrame({"x": range(4)}), total=pd.DataFrame({"x": range(3)}))
    d = res.to_dict()
    assert d["cells"] == []
    assert d["left_out"] == {"cells": {"rows": 4, "max_rows": 3}}
    assert d["total"] == [{"x": 0}, {"x": 1}, {"x": 2}]
    assert len(res.tables()["cells"]) == 4  # the whole table stays for CSV and Python


def test_no_left_out_key_when_every_table_fits() -> None:
    res = _Res(cells=pd.DataFrame({"x": [1]}), total=pd.DataFrame({"x": [2]}))
    assert "left_out" not in res.to_dict()
