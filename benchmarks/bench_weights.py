"""Benchmark of the weighting methods on a wide decision matrix (issue 12: linear growth).

A synthetic matrix of 10 rows x 200,000 criteria (every 7th criterion constant, every
3rd smaller-is-better) is weighted with each method:

1. in-process, the index functions ``normalise`` -> ``compute_weights`` ->
   ``composite_scores`` (what ``carbonpath weights`` calls after reading the file);
2. end to end, ``carbonpath weights MATRIX.csv --method entropy`` in a subprocess
   (reading the CSV included), unless ``--skip-cli``.

Every step is linear in the number of criteria; CRITIC sums each column's correlations
without forming the m x m matrix once m exceeds ``weights.CRITIC_MATRIX_MAX``.

Run: ``PYTHONPATH=src python benchmarks/bench_weights.py [--columns N] [--rows N]
[--skip-cli] [--cli-methods entropy,critic]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from carbonpath.index.composite import composite_scores
from carbonpath.index.normalise import normalise
from carbonpath.index.weights import compute_weights

METHODS = ("entropy", "critic", "cv", "equal")


def matrix(rows: int, columns: int, seed: int = 0) -> pd.DataFrame:
    """The synthetic matrix: uniform values, every 7th column constant."""
    a = np.random.default_rng(seed).random((rows, columns))
    a[:, ::7] = 1.0
    names = [f"c{j}" for j in range(columns)]
    return pd.DataFrame(a, columns=names, index=pd.Index(range(2000, 2000 + rows), name="year"))


def bench_functions(raw: pd.DataFrame) -> dict[str, float]:
    """Seconds per method for normalise + weights + scores on ``raw``."""
    directions = {c: (-1 if j % 3 == 0 else 1) for j, c in enumerate(raw.columns)}
    out = {}
    for method in METHODS:
        t = time.perf_counter()
        x = normalise(raw, directions, "minmax").values
        res = compute_weights(x, method)
        composite_scores(x, res.weights)
        out[method] = time.perf_counter() - t
    return out


def bench_cli(raw: pd.DataFrame, methods: tuple[str, ...] = ("entropy",)) -> dict[str, float]:
    """Seconds per method for ``carbonpath weights FILE --method M`` (subprocess)."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="carbonpath-bench-") as tmp:
        path = Path(tmp) / "matrix.csv"
        raw.to_csv(path, float_format="%.6f")
        for method in methods:
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "carbonpath", "weights", str(path), "--method", method],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            out[method] = time.perf_counter() - t
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--columns", type=int, default=200_000)
    ap.add_argument("--rows", type=int, default=10)
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--cli-methods", default="entropy", help="comma-separated, for the CLI run")
    args = ap.parse_args(argv)
    raw = matrix(args.rows, args.columns)
    print(f"{args.rows} rows x {args.columns:,} criteria")
    for method, sec in bench_functions(raw).items():
        print(f"  functions  {method:<8} {sec:8.2f} s")
    if not args.skip_cli:
        methods = tuple(m.strip() for m in args.cli_methods.split(",") if m.strip())
        for method, sec in bench_cli(raw, methods).items():
            print(f"  cli        {method:<8} {sec:8.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
