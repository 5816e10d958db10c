"""The three engines give the same aggregates as a hand loop, to 1e-9 relative."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.engine.aggregate import aggregate, aggregate_sql, u_scale
from carbonpath.engine.settings import EngineSettings, parse_engine
from carbonpath.engine.spark import spark_missing

UNITS = pd.DataFrame(
    {
        "unit": ["t", "10^4 t", "10^4 m^3", "tce", "10^4 kWh"],
        "factor": [1.0, 1e4, 1e4, 29.3076, 36.0],
        "dimension": ["mass", "mass", "volume", "energy", "energy"],
    }
)
FACTORS = pd.DataFrame(
    {
        "fuel": ["coal", "coal", "natural_gas", "natural_gas", "electricity"],
        "dimension": ["mass", "energy", "volume", "energy", "energy"],
        "co2_per_unit": [1.9003, 0.0900, 0.0021650, 0.0560, 0.0],
    }
)
CHOICES = [("coal", "t"), ("coal", "10^4 t"), ("coal", "tce"), ("natural_gas", "10^4 m^3")]
CHOICES += [("natural_gas", "tce"), ("electricity", "10^4 kWh")]


def _fixture(n: int = 600, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(CHOICES), n)
    return pd.DataFrame(
        {
            "region": rng.choice(["BJ", "TJ", "山西"], n),
            "year": rng.integers(2015, 2018, n),
            "sector": rng.choice(["A", "B", "C", "D"], n),
            "facility": [f"F{i:04d}" for i in range(n)],
            "fuel": [CHOICES[k][0] for k in pick],
            "value": rng.lognormal(3.0, 1.5, n),
            "unit": [CHOICES[k][1] for k in pick],
        }
    )


def _by_hand(act: pd.DataFrame) -> dict[tuple, list[float]]:
    """Sums by (region, year, sector, fuel) with a plain loop over the rows."""
    unit = {u: (f, d) for u, f, d in UNITS.itertuples(index=False)}
    ef = {(f, d): c for f, d, c in FACTORS.itertuples(index=False)}
    out: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0.0])
    for r in act.itertuples(index=False):
        factor, dim = unit[r.unit]
        x = r.value * factor
        e = x * ef[(r.fuel, dim)]
        acc = out[(r.region, int(r.year), r.sector, r.fuel)]
        acc[0] += 1
        acc[1] += x
        acc[2] += x * x
        acc[3] += e
        acc[4] += e * e
    return out


def _check(got: pd.DataFrame, act: pd.DataFrame) -> None:
    ref = _by_hand(act)
    assert len(got) == len(ref)
    for r in got.itertuples(index=False):
        want = ref[(r.region, r.year, r.sector, r.fuel)]
        assert r.n == want[0]
        for name, w in zip(("value", "value_sq", "co2_t", "co2_sq"), want[1:], strict=True):
            assert math.isclose(getattr(r, name), w, rel_tol=1e-9, abs_tol=0.0), (r, name)


@pytest.mark.parametrize("kind", ["pandas", "duckdb"])
def test_engines_match_a_hand_loop(kind: str) -> None:
    act = _fixture()
    got = aggregate(act, UNITS, FACTORS, EngineSettings(), kind=kind)
    _check(got, act)
    assert list(got.columns) == [
        "region",
        "year",
        "sector",
        "fuel",
        "n",
        "value",
        "value_sq",
        "co2_t",
        "co2_sq",
    ]


def test_duckdb_reads_parquet_out_of_core(tmp_path: Path) -> None:
    act = _fixture()
    act.to_parquet(tmp_path / "a.parquet", index=False)
    settings = EngineSettings(kind="duckdb", memory_limit="256MB", threads=1)
    got = aggregate(tmp_path / "a.parquet", UNITS, FACTORS, settings)
    _check(got, act)
    pd.testing.assert_frame_equal(
        got, aggregate(act, UNITS, FACTORS, settings, kind="pandas"), rtol=1e-12
    )


def test_kept_facilities_only() -> None:
    act = _fixture()
    kept = ["F0001", "F0007", "F0100"]
    for kind in ("pandas", "duckdb"):
        got = aggregate(
            act,
            UNITS,
            FACTORS,
            EngineSettings(),
            by=("year", "facility", "fuel"),
            kept=kept,
            kind=kind,
        )
        assert sorted(got["facility"]) == kept
        sub = act[act["facility"].isin(kept)]
        for r in got.itertuples(index=False):
            row = sub[sub["facility"] == r.facility].iloc[0]
            x = row["value"] * dict(zip(UNITS["unit"], UNITS["factor"], strict=True))[row["unit"]]
            assert math.isclose(r.value, x, rel_tol=1e-12)


def test_u_scale_is_ipcc_eq_3_2_for_equal_u() -> None:
    sums = pd.DataFrame({"co2_t": [3.0 + 4.0, 5.0, 0.0], "co2_sq": [9.0 + 16.0, 25.0, 0.0]})
    got = u_scale(sums).to_numpy()
    assert got[0] == pytest.approx(5.0 / 7.0, rel=1e-15)  # sqrt(3^2 + 4^2) / (3 + 4)
    assert got[1] == 1.0 and np.isnan(got[2])


def test_sql_text_has_no_user_text() -> None:
    sql = aggregate_sql(("region", "year", "sector", "fuel"), keep=True)
    assert "JOIN kept k ON a.facility = k.facility" in sql
    with pytest.raises(Exception, match="cannot group by"):
        aggregate_sql(("sector; DROP TABLE x",))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"kind": "polars"}, "engine.kind"),
        ({"memory_limit": "lots"}, "is not a size"),
        ({"master": "http://x"}, "is not a master URL"),
        ({"spark_conf": {"x": "1"}}, "is not a Spark option"),
        ({"colour": 1}, "engine.colour"),
    ],
)
def test_engine_settings_errors_are_one_line(raw: dict, message: str) -> None:
    with pytest.raises(StudyError, match=message) as exc:
        parse_engine(raw)
    assert "\n" not in exc.value.one_line()


def test_auto_switches_to_duckdb_above_the_threshold() -> None:
    s = EngineSettings(threshold_rows=100)
    assert (s.engine_for(100), s.engine_for(101)) == ("pandas", "duckdb")


@pytest.mark.skipif(spark_missing() is not None, reason=f"Spark unavailable: {spark_missing()}")
def test_spark_local_mode_matches(tmp_path: Path) -> None:
    act = _fixture(n=300)
    settings = EngineSettings(kind="spark", master="local[2]")
    _check(aggregate(act, UNITS, FACTORS, settings), act)
    act.to_parquet(tmp_path / "a.parquet", index=False)
    _check(aggregate(tmp_path / "a.parquet", UNITS, FACTORS, settings), act)
