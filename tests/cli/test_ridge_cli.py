"""`carbonpath ridge` on the NAG body-fat example and on bad input.

carbonpath.cli.app may not exist yet, so the command is registered on a local Typer app;
InputError then propagates as the exception (the lead's app turns it into exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from carbonpath.cli.ridge_cmd import register
from carbonpath.core.errors import InputError

BODYFAT = str(Path(__file__).resolve().parents[1] / "data" / "bodyfat_neter.csv")


@pytest.fixture(scope="module")
def app():
    try:
        from carbonpath.cli import app as main_app  # type: ignore[attr-defined]

        return main_app
    except ImportError:
        local = typer.Typer()
        register(local)

        @local.command("noop")
        def _noop() -> None:  # a second command keeps "ridge" as a subcommand
            pass

        return local


def _run(app, args):
    return CliRunner().invoke(app, ["ridge", *args])


def test_json_matches_nag_k002(app):
    res = _run(
        app, [BODYFAT, "--y", "bodyfat", "--x", "triceps,thigh,midarm", "--k", "0.02", "--json"]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["k"] == 0.02 and d["k_rule"] == "fixed" and d["n"] == 20
    terms = [c["term"] for c in d["coefficients"]]
    assert terms == ["const", "triceps", "thigh", "midarm"]
    np.testing.assert_allclose(
        [c["b"] for c in d["coefficients"][1:]], [0.5554, 0.3681, -0.1916], atol=5e-5
    )
    np.testing.assert_allclose(
        [c["vif"] for c in d["coefficients"][1:]], [1.1026, 1.0805, 1.0105], atol=5e-5
    )
    for key in ("r2", "adj_r2", "f", "f_p", "trace"):
        assert key in d
    assert set(d["trace"][0]) == {"k", "r2", "triceps", "thigh", "midarm"}
    assert d["coefficients"][0]["beta"] is None


def test_k0_matches_nag_and_auto_is_trace(app):
    d = json.loads(
        _run(
            app, [BODYFAT, "--y", "bodyfat", "--x", "triceps,thigh,midarm", "--k", "0", "--json"]
        ).output
    )
    assert d["coefficients"][0]["b"] == pytest.approx(117.0847, abs=5e-5)
    np.testing.assert_allclose(
        [c["vif"] for c in d["coefficients"][1:]], [708.8429, 564.3434, 104.6060], atol=5e-5
    )
    auto = json.loads(
        _run(app, [BODYFAT, "--y", "bodyfat", "--x", "triceps,thigh,midarm", "--json"]).output
    )
    assert auto["k_rule"] == "trace"
    hkb = json.loads(
        _run(
            app, [BODYFAT, "--y", "bodyfat", "--x", "triceps,thigh,midarm", "--k", "hkb", "--json"]
        ).output
    )
    assert hkb["k_rule"] == "hkb"


def test_table_output_is_the_summary_table(app):
    from carbonpath.stirpat.ridge import fit_ridge
    from carbonpath.stirpat.summary import spss_table

    res = _run(app, [BODYFAT, "--y", "bodyfat", "--x", "triceps,thigh,midarm", "--k", "0.02"])
    assert res.exit_code == 0, res.output
    for text in (
        "Ridge Regression Results",
        "(Constant)",
        "Std. Error",
        "Beta",
        "Sig.",
        "VIF",
        "R-squared:",
        "0.02 (fixed)",
        "ignore the bias",
        "k rules: trace",
    ):
        assert text in res.output
    import pandas as pd

    d = pd.read_csv(BODYFAT)
    cols = ["triceps", "thigh", "midarm"]
    tab = spss_table(fit_ridge(d["bodyfat"], d[cols], 0.02, cols).coefficients)
    row = next(line for line in res.output.splitlines() if line.startswith("thigh"))
    assert row.split()[1] == f"{tab.loc['thigh', 'B']:.4f}"
    assert row.split()[-1] == f"{tab.loc['thigh', 'VIF']:.3f}"


def test_log_option(app, tmp_path: Path):
    rng = np.random.default_rng(0)
    x1 = np.exp(rng.normal(size=12))
    x2 = np.exp(rng.normal(size=12))
    y = 2.0 * x1**0.5 * x2**-0.3
    path = tmp_path / "d.csv"
    path.write_text(
        "y,a,b\n" + "\n".join(f"{u},{v},{w}" for u, v, w in zip(y, x1, x2, strict=True)),
        encoding="utf-8-sig",
    )
    d = json.loads(
        _run(app, [str(path), "--y", "y", "--x", "a,b", "--log", "--k", "0", "--json"]).output
    )
    np.testing.assert_allclose(
        [c["b"] for c in d["coefficients"]], [np.log(2.0), 0.5, -0.3], atol=1e-9
    )


def _error(res) -> str:
    if isinstance(res.exception, InputError):
        return str(res.exception)
    assert res.exit_code == 2, res.output
    return res.output


def test_missing_column_lists_available(app):
    res = _run(app, [BODYFAT, "--y", "bodyfat", "--x", "triceps,weight"])
    msg = _error(res)
    assert "'weight'" in msg and "available: triceps, thigh, midarm, bodyfat" in msg


def test_bad_inputs(app, tmp_path: Path):
    path = tmp_path / "c.csv"
    path.write_text("y,a,b\n1,1,5\n2,2,5\n3,3,5\n4,5,5\n5,4,5\n", encoding="utf-8")
    assert "constant" in _error(_run(app, [str(path), "--y", "y", "--x", "a,b"]))
    short = tmp_path / "s.csv"
    short.write_text("y,a,b\n1,1,2\n2,2,1\n3,3,5\n", encoding="utf-8")
    assert "too few" in _error(_run(app, [str(short), "--y", "y", "--x", "a,b"]))
    coll = tmp_path / "k.csv"
    coll.write_text("y,a,b\n1,1,2\n2,2,4\n3,3,6\n5,4,8\n4,5,10\n", encoding="utf-8")
    assert "collinear" in _error(_run(app, [str(coll), "--y", "y", "--x", "a,b", "--k", "0"]))
    assert "rule" in _error(_run(app, [BODYFAT, "--y", "bodyfat", "--x", "thigh", "--k", "x"]))
