"""Scale benchmarks (issue 18), each figure and ratio measured in the same run.

1. ``facility``: a facility inventory of 400,000 enterprises x 20 fuels x 10 years
   (80 M rows; 31 regions, 40 sectors) written as Parquet by DuckDB in a temporary
   folder, then the engine's aggregation (activity x factor with the variance sums, by
   region, year, sector, fuel) on DuckDB out of core from the file, in a child process
   (wall time and the child's peak resident memory), then the ``sums`` Monte Carlo of
   the resulting cells (10,000 draws; year and region x year totals);
2. ``national``: the Monte Carlo of the national case (31 x 40 x 20 x 30 = 744,000
   cells, 1,000 draws): the ``cells`` method against the ``sums`` method;
3. ``growth``: the resolver's series for every sector (what the STIRPAT panel reads),
   200 against 2,000 sectors.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_scale.py [facility] [national] [growth]
        [--enterprises N] [--memory-limit 4GB] [--keep DIR] [--run | --csv]

``--run`` (with ``facility``): instead of the engine alone, time ``carbonpath run
--formats json`` on the whole study around the file (regions.csv, sectors.csv,
factors.csv for the 20 fuels, economy.csv; 10,000 draws), wall, CPU and the child's
peak resident memory.

``--csv`` (with ``facility``): instead, the loader's out-of-core fold of the facility
table into sector cells (:func:`carbonpath.study.facilities.fold_facility_file`, with
all its checks) from the Parquet file and from the same rows written as CSV by DuckDB,
each in a child process: wall, CPU, the child's peak resident memory, and the largest
relative difference between the two folds' cells.  ``--enterprises 40000`` gives 8 M
rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

REGIONS, SECTORS, FUELS, YEARS = 31, 40, 20, 10


def _units_factors() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Units (t only) and 20 synthetic fuels with CO2 factors 1.0 .. 2.9 t/t."""
    units = pd.DataFrame({"unit": ["t"], "factor": [1.0], "dimension": ["mass"]})
    factors = pd.DataFrame(
        {
            "fuel": [f"fuel{i:02d}" for i in range(FUELS)],
            "dimension": "mass",
            "co2_per_unit": [1.0 + 0.1 * i for i in range(FUELS)],
        }
    )
    return units, factors


def write_inventory(path: Path, enterprises: int) -> float:
    """Write the facility Parquet file with DuckDB; returns the seconds it took."""
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect(config={"memory_limit": "4GB", "preserve_insertion_order": False})
    rel = con.sql(
        f"""
        SELECT 'R' || lpad(CAST(e % {REGIONS} AS VARCHAR), 2, '0') AS region,
               CAST(2011 + y AS INTEGER) AS year,
               'S' || lpad(CAST((e // {REGIONS}) % {SECTORS} AS VARCHAR), 2, '0') AS sector,
               'F' || lpad(CAST(e AS VARCHAR), 6, '0') AS facility,
               'fuel' || lpad(CAST(f AS VARCHAR), 2, '0') AS fuel,
               1.0 + (hash(e, f, y) % 100000) / 1000.0 AS value,
               't' AS unit
        FROM range({enterprises}) r(e), range({FUELS}) g(f), range({YEARS}) h(y)
        """
    )
    rel.write_parquet(str(path), compression="zstd")
    con.close()
    return time.perf_counter() - t0


def _child_aggregate(path: str, memory_limit: str, out: str) -> None:
    """In the child: aggregate the file on DuckDB, save the cells, print the timings."""
    from carbonpath.engine.aggregate import aggregate
    from carbonpath.engine.settings import EngineSettings

    units, factors = _units_factors()
    t0 = time.perf_counter()
    cells = aggregate(
        Path(path), units, factors, EngineSettings(kind="duckdb", memory_limit=memory_limit)
    )
    dt = time.perf_counter() - t0
    cells.to_parquet(out, index=False)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(
        "RESULT",
        json.dumps(
            {"seconds": dt, "cells": len(cells), "rows": int(cells["n"].sum()), "rss_gib": rss}
        ),
    )


class _Stop(Exception):
    """Raised in the fold child once the loader has handed over the fold's arguments."""


def _child_fold(folder: str, fmt: str, out: str) -> None:
    """In the child: load the study up to its facility fold (the Parquet file's header,
    the study's codes and rules), then time the fold of ``energy.<fmt>``."""
    from carbonpath.engine.csvfile import csv_header
    from carbonpath.study import load
    from carbonpath.study.facilities import fold_facility_file

    got: dict = {}

    def capture(inputs, role, path, rules, value="value"):
        got.update(inputs=inputs, rules=rules)
        raise _Stop

    load._fold_file = capture
    try:
        load.load_study(folder)
    except _Stop:
        pass
    path = Path(folder) / f"energy.{fmt}"
    columns = got["inputs"].columns["energy"]
    if fmt == "csv":
        columns = {c.strip().lower(): c for c in csv_header(path)}
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    t0, c0 = time.perf_counter(), time.process_time()
    cells, _ = fold_facility_file(
        path, columns, got["rules"], got["inputs"].settings.engine, label=path.name
    )
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    cells.drop(columns=["line", "file"]).to_parquet(out, index=False)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    res = {"wall": wall, "cpu": cpu, "cells": len(cells), "rss0": rss0, "rss": rss}
    print("RESULT", json.dumps({**res, "rows": int(cells["facilities"].sum())}))


def bench_fold(folder: Path) -> None:
    """The fold from Parquet and from CSV (see ``--csv`` in the module docstring)."""
    import duckdb

    write_study(folder)
    toml = folder / "study.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '[engine]\nkind = "duckdb"\n', "utf-8")
    csv = folder / "energy.csv"
    if not csv.exists():
        t0 = time.perf_counter()
        con = duckdb.connect()
        con.read_parquet(str(folder / "energy.parquet")).write_csv(str(csv), header=True)
        con.close()
        print(
            f"  wrote the rows as CSV with DuckDB in {time.perf_counter() - t0:.1f} s, "
            f"{csv.stat().st_size / 2**20:.0f} MiB"
        )
    folds = {}
    for fmt in ("parquet", "csv"):
        out = folder / f"cells-{fmt}.parquet"
        code = (
            "import sys; sys.path.insert(0, {!r}); sys.path.insert(0, {!r}); import bench_scale; "
            "bench_scale._child_fold({!r}, {!r}, {!r})"
        ).format(str(HERE.parent / "src"), str(HERE), str(folder), fmt, str(out))
        load0 = os.getloadavg()[0]
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        if run.returncode:
            raise SystemExit(run.stderr[-3000:])
        res = json.loads([x for x in run.stdout.splitlines() if x.startswith("RESULT ")][-1][7:])
        print(
            f"  fold from {fmt}: {res['wall']:.1f} s wall, {res['cpu']:.1f} s CPU (this "
            f"process; DuckDB's threads included), {res['rows']:,} rows -> {res['cells']:,} "
            f"cells, peak RSS {res['rss']:.2f} GiB ({res['rss0']:.2f} GiB before the fold); "
            f"load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after"
        )
        folds[fmt] = pd.read_parquet(out)
    a, b = folds["parquet"], folds["csv"]
    keys = ["region", "year", "sector", "fuel"]
    a, b = a.sort_values(keys).reset_index(drop=True), b.sort_values(keys).reset_index(drop=True)
    assert a[keys].equals(b[keys]) and a["facilities"].equals(b["facilities"])
    diff = float((abs(a["value"] - b["value"]) / abs(a["value"])).max())
    print(f"  the two folds' cells: the same keys and counts, value max relative diff {diff:.1e}")


def bench_facility(
    enterprises: int,
    memory_limit: str,
    keep: Path | None,
    run: bool = False,
    csv: bool = False,
) -> None:
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="carbonpath-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free / 2**30
    print(f"facility inventory in {folder} ({free:.0f} GiB free)")
    if free < 8:
        print("  skipped: needs 8 GiB free")
        return
    path = folder / "energy.parquet"
    try:
        if not path.exists():
            gen = write_inventory(path, enterprises)
            print(
                f"  wrote {enterprises * FUELS * YEARS:,} rows with DuckDB in {gen:.1f} s, "
                f"{path.stat().st_size / 2**20:.0f} MiB"
            )
        if run:
            bench_run(folder)
            return
        if csv:
            bench_fold(folder)
            return
        cells_path = folder / "cells.parquet"
        code = (
            "import sys; sys.path.insert(0, {!r}); sys.path.insert(0, {!r}); import bench_scale; "
            "bench_scale._child_aggregate({!r}, {!r}, {!r})"
        ).format(str(HERE.parent / "src"), str(HERE), str(path), memory_limit, str(cells_path))
        t0 = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - t0
        if run.returncode:
            raise SystemExit(run.stderr[-2000:])
        res = json.loads([x for x in run.stdout.splitlines() if x.startswith("RESULT ")][-1][7:])
        print(
            f"  DuckDB aggregation from Parquet (memory_limit {memory_limit}): {res['seconds']:.1f} s "
            f"({wall:.1f} s with start-up), {res['rows']:,} rows -> {res['cells']:,} cells, "
            f"peak RSS {res['rss_gib']:.2f} GiB; {res['seconds'] / res['rows'] * 1e9:.0f} ns/row"
        )
        _mc_of_cells(pd.read_parquet(cells_path), draws=10_000)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def write_study(folder: Path) -> None:
    """The study around ``folder/energy.parquet``: 31 regions, 40 sectors, the 20 fuels
    as factors.csv rows (coal-like: NCV 20,908 kJ/kg, 26.37 tC/TJ, oxidation 0.94),
    output value and employment per region, sector and year, 10,000 draws."""
    regions = [f"R{i:02d}" for i in range(REGIONS)]
    sectors = [f"S{i:02d}" for i in range(SECTORS)]
    (folder / "regions.csv").write_text(
        "code,name\n" + "".join(f"{r},Region {r}\n" for r in regions), encoding="utf-8"
    )
    (folder / "sectors.csv").write_text(
        "code,name,group\n" + "".join(f"{s},Sector {s},g{int(s[1:]) % 4}\n" for s in sectors),
        encoding="utf-8",
    )
    (folder / "factors.csv").write_text(
        "fuel,ncv,ncv_unit,physical_unit,carbon_content,oxidation\n"
        + "".join(f"fuel{i:02d},{20908 + 100 * i},kJ/kg,t,26.37,0.94\n" for i in range(FUELS)),
        encoding="utf-8",
    )
    rng = np.random.default_rng(5)
    eco = pd.MultiIndex.from_product(
        [regions, range(2011, 2011 + YEARS), sectors, ["output_value", "employment"]],
        names=["region", "year", "sector", "variable"],
    ).to_frame(index=False)
    growth = 1.06 ** (eco["year"] - 2011)
    base = eco.groupby(["region", "sector", "variable"]).ngroup().to_numpy()
    level = rng.uniform(1e4, 1e6, base.max() + 1)[base]
    eco["value"] = level * growth * rng.uniform(0.99, 1.01, len(eco))  # smooth series
    eco["unit"] = np.where(eco["variable"] == "output_value", "10^4 yuan", "person")
    whole = pd.MultiIndex.from_product(
        [regions, range(2011, 2011 + YEARS), [""], ["gdp", "population"]],
        names=["region", "year", "sector", "variable"],
    ).to_frame(index=False)
    whole["value"] = np.where(whole["variable"] == "gdp", 5e3, 3e3) * (
        1.05 ** (whole["year"] - 2011)
    )
    whole["unit"] = np.where(whole["variable"] == "gdp", "10^8 yuan", "10^4 person")
    pd.concat([eco, whole], ignore_index=True).to_csv(folder / "economy.csv", index=False)
    groups = "".join(f'g{i} = "Group {i}"\n' for i in range(4))
    (folder / "study.toml").write_text(
        f'title = "national facility inventory"\nregion = "Country"\n'
        f"years = [2011, {2010 + YEARS}]\nseed = 1\n[groups]\n{groups}"
        '[files]\nenergy = "energy.parquet"\n[limits]\nmax_file_mb = 2048\n'
        "[accounting.uncertainty]\ndraws = 10000\n",
        encoding="utf-8",
    )


_PHASES = (  # (module, class or "", attribute, phase name): what the child's timer wraps
    ("carbonpath.pipeline", "", "load_study", "load"),
    ("carbonpath.study.load", "", "_fold_file", "load: facility fold (DuckDB)"),
    ("carbonpath.study.load", "", "assure_study", "load: quality checks"),
    ("carbonpath.pipeline", "Study", "run", "run"),
    ("carbonpath.report.output", "", "write_outputs", "write outputs"),
    ("carbonpath.results", "Results", "to_dict", "write outputs: to_dict"),
    ("json", "", "dumps", "write outputs: JSON text (json.dumps)"),
)


def _child_phases(argv: list[str]) -> None:
    """In the child: ``carbonpath run`` with a wall and CPU timer around each phase of
    :data:`_PHASES`; prints ``PHASES {json}`` on stderr at the end."""
    import functools
    import importlib

    from carbonpath.cli import main as cli_main

    spent: dict[str, list[float]] = {}

    def timed(fn, name):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **k)
            finally:
                acc = spent.setdefault(name, [0.0, 0.0, 0])
                acc[0] += time.perf_counter() - t0
                acc[1] += time.process_time() - c0
                acc[2] += 1

        return wrapper

    for module, cls, attr, name in _PHASES:
        owner = importlib.import_module(module)
        owner = getattr(owner, cls) if cls else owner
        setattr(owner, attr, timed(getattr(owner, attr), name))
    t0, c0 = time.perf_counter(), time.process_time()
    code = cli_main(argv)
    spent["carbonpath run (in the child)"] = [
        time.perf_counter() - t0,
        time.process_time() - c0,
        1,
    ]
    print("PHASES " + json.dumps(spent), file=sys.stderr)
    raise SystemExit(code)


def bench_run(folder: Path) -> None:
    """``carbonpath run --formats json`` on the facility study, in a child process:
    wall and CPU seconds and the child's peak resident memory (``RUSAGE_CHILDREN``),
    then the wall and CPU seconds of each phase (:data:`_PHASES`)."""
    write_study(folder)
    out = folder.parent / f"{folder.name}-out"
    argv = ["run", str(folder), "--out", str(out), "--formats", "json"]
    code = (
        "import sys; sys.path.insert(0, {!r}); sys.path.insert(0, {!r}); import bench_scale; "
        "bench_scale._child_phases({!r})"
    ).format(str(HERE.parent / "src"), str(HERE), argv)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(HERE.parent / "src")},
    )
    wall = time.perf_counter() - t0
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode:
        raise SystemExit(
            f"carbonpath run failed ({run.returncode}) after {wall:.1f} s:\n{run.stderr[-3000:]}"
        )
    print(
        f"  carbonpath run --formats json (10,000 draws): {wall:.1f} s wall, "
        f"{use.ru_utime + use.ru_stime:.1f} s CPU, peak RSS {use.ru_maxrss / 2**20:.2f} GiB; "
        f"results.json {(out / 'results.json').stat().st_size / 2**20:.1f} MiB; 1-minute "
        f"load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    line = [x for x in run.stderr.splitlines() if x.startswith("PHASES ")]
    for name, (w, c, n) in json.loads(line[-1][7:]).items() if line else ():
        print(f"    {name}: {w:.1f} s wall, {c:.1f} s CPU" + (f" ({n} calls)" if n > 1 else ""))


def _groupings(cells: pd.DataFrame, unc):
    years = sorted(cells["year"].unique())
    regions = sorted(cells["region"].unique())
    y = cells["year"].map({v: i for i, v in enumerate(years)}).to_numpy(dtype=np.intp)
    r = cells["region"].map({v: i for i, v in enumerate(regions)}).to_numpy(dtype=np.intp)
    return [
        unc.Grouping("region_year", r * len(years) + y, list(range(len(regions) * len(years)))),
        unc.Grouping("year", y, years),
    ]


def _mc_of_cells(cells: pd.DataFrame, draws: int) -> None:
    from carbonpath.accounting import uncertainty as unc
    from carbonpath.accounting.uncertainty_sums import monte_carlo_sums

    fu = {f"fuel{i:02d}": 0.05 for i in range(FUELS)}
    scale = np.sqrt(cells["co2_sq"].to_numpy()) / cells["co2_t"].to_numpy()
    t0 = time.perf_counter()
    monte_carlo_sums(cells, 0.05 * scale, fu, _groupings(cells, unc), draws=draws, seed=1)
    print(
        f"  sums Monte Carlo of the {len(cells):,} cells, {draws:,} draws: {time.perf_counter() - t0:.2f} s"
    )


def national_cells(seed: int = 2) -> tuple[pd.DataFrame, np.ndarray, int, int]:
    """744,000 CO2 cells (31 regions x 40 sectors x 20 fuels x 30 years), their region
    index, the number of regions and of years."""
    regions, sectors, fuels, years = 31, 40, 20, 30
    rng = np.random.default_rng(seed)
    n = regions * sectors * fuels * years
    k = np.arange(n)
    fuel_names = np.array([f"fuel{i:02d}" for i in range(fuels)], dtype=object)
    cells = pd.DataFrame(
        {
            "year": 1991 + k % years,
            "sector": (k // years // fuels).astype(str),
            "fuel": fuel_names[(k // years) % fuels],
            "co2_t": rng.lognormal(8.0, 1.5, n),
        }
    )
    region = (k // years // fuels) // sectors
    return cells, region.astype(np.intp), regions, years


def bench_national(draws: int = 1000) -> None:
    from carbonpath.accounting import uncertainty as unc
    from carbonpath.accounting.uncertainty_sums import monte_carlo_sums

    cells, region, n_r, n_y = national_cells()
    yr = (cells["year"] - 1991).to_numpy(dtype=np.intp)
    fu = {f"fuel{i:02d}": 0.02 + 0.005 * i for i in range(FUELS)}
    groupings = [
        unc.Grouping("region_year", region * n_y + yr, list(range(n_r * n_y))),
        unc.Grouping("year", yr, list(range(1991, 1991 + n_y))),
    ]
    t0 = time.perf_counter()
    s = monte_carlo_sums(cells, 0.05, fu, groupings, draws=draws, seed=3)
    t_sums = time.perf_counter() - t0
    t0 = time.perf_counter()
    c = unc.monte_carlo(cells, 0.05, fu, groupings, draws=draws, seed=3)
    t_cells = time.perf_counter() - t0
    sd = [g.groups["year"].std(axis=0).mean() for g in (s, c)]
    print(
        f"national Monte Carlo, {len(cells):,} cells x {draws:,} draws: sums {t_sums:.2f} s, "
        f"cells {t_cells:.2f} s (x{t_cells / t_sums:.1f}); mean sd of the year totals "
        f"{sd[0]:.4g} (sums) vs {sd[1]:.4g} (cells)"
    )


def _resolver_study(n: int):
    from carbonpath.study.resolver import Resolver

    sectors = pd.DataFrame(
        {
            "code": [f"S{i:04d}" for i in range(n)],
            "name": "s",
            "group": "g",
            "name_zh": "",
            "role": "member",
        }
    )
    years = list(range(2001, 2021))
    idx = pd.MultiIndex.from_product(
        [years, sectors["code"], ["output_value", "employment"]],
        names=["year", "sector", "variable"],
    ).to_frame(index=False)
    idx["value"] = np.random.default_rng(1).uniform(1, 2, len(idx))
    idx["unit"] = np.where(idx["variable"] == "output_value", "yuan", "person")
    idx["region"] = ""
    return Resolver(idx, None, sectors), list(sectors["code"])


def bench_growth() -> None:
    times = {}
    for n in (200, 2000):
        t0 = time.perf_counter()
        res, codes = _resolver_study(n)
        for code in codes:
            res("output_value", code)
            res("employment", code)
        res("output_value", "modern")
        times[n] = time.perf_counter() - t0
    print(
        f"resolver, every sector's series: 200 sectors {times[200]:.2f} s, 2,000 sectors "
        f"{times[2000]:.2f} s (x{times[2000] / times[200]:.1f} for 10x the sectors)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", default=["national", "growth", "facility"])
    parser.add_argument("--enterprises", type=int, default=400_000)
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument(
        "--run", action="store_true", help="facility: time `carbonpath run` on the whole study"
    )
    parser.add_argument(
        "--csv", action="store_true", help="facility: the fold from Parquet against CSV"
    )
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    if "national" in args.parts:
        bench_national()
    if "growth" in args.parts:
        bench_growth()
    if "facility" in args.parts:
        bench_facility(args.enterprises, args.memory_limit, args.keep, args.run, args.csv)


if __name__ == "__main__":
    main()
