"""carbonpath benchmarks (issue 9): wall time and peak memory of the main workloads.

Measured:

1. ``carbonpath run`` of the built-in study, end to end, every output format
   (subprocess: wall time and the child's max RSS);
2. ``carbonpath --help`` (subprocess, median of 5: start-up cost);
3. 10,000 Monte Carlo draws of the emission uncertainty on the built-in study: the bare
   ``accounting.uncertainty.monte_carlo`` call, and the accounting step with the study's
   uncertainty settings, ``carbonpath.load_study().run(only=["emissions"])``
   (in-process, tracemalloc peak);
4. 2,000 case-resampling bootstrap replicates of the built-in STIRPAT ridge fit;
5. a 1,000-value ridge trace on the same design;
6. accounting plus Monte Carlo on a national-scale synthetic inventory (31 regions x
   40 sectors x 20 fuels x 30 years = 744,000 cells), by ``bench_accounting.bench_national``.

Run from the repository root::

    PYTHONPATH=src python benchmarks/run.py [--markdown] [--profile] [--national-draws N]
                                            [--skip-run] [--skip-national] [--profile-only]

``--markdown`` prints the table as Markdown for docs/benchmarks.md; ``--profile`` also
profiles the default run in-process (cProfile) and prints the top 15 functions by
cumulative and by own time.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = REPO / "src"


@dataclass
class Row:
    """One benchmark figure."""

    name: str
    seconds: float
    memory_mib: float | None
    memory_kind: str
    note: str = ""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_subprocess(args: list[str]) -> tuple[float, float, int]:
    """Run ``python -m carbonpath ARGS``; return (wall s, child max RSS MiB, exit code)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "carbonpath", *args],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr is not None:
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        if proc.returncode != 0:
            print(err, file=sys.stderr)
    return wall, usage.ru_maxrss / 1024.0, proc.returncode


def traced(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Call ``fn`` under tracemalloc; return (wall s, peak traced MiB, result)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    t0 = time.perf_counter()
    try:
        out = fn()
        wall = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return wall, peak / 2**20, out


# --------------------------------------------------------------------------- workloads
def bench_default_run(rows: list[Row]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report"
        wall, rss, code = run_subprocess(["run", "--out", str(out), "--quiet"])
        n_files = sum(1 for p in out.rglob("*") if p.is_file()) if out.exists() else 0
    if code != 0:
        raise SystemExit(f"carbonpath run failed with exit code {code}")
    rows.append(
        Row(
            "`carbonpath run` (built-in study, all formats)",
            wall,
            rss,
            "max RSS",
            f"{n_files} output files",
        )
    )


def bench_help(rows: list[Row]) -> None:
    times, rss = [], []
    for _ in range(5):
        wall, mem, code = run_subprocess(["--help"])
        if code != 0:
            raise SystemExit("carbonpath --help failed")
        times.append(wall)
        rss.append(mem)
    rows.append(
        Row(
            "`carbonpath --help` (median of 5)",
            statistics.median(times),
            statistics.median(rss),
            "max RSS",
            f"min {min(times):.2f} s, max {max(times):.2f} s",
        )
    )


def _builtin() -> Any:
    import carbonpath

    return carbonpath.load_study()


def bench_monte_carlo(rows: list[Row], study: Any) -> None:
    from carbonpath.accounting import uncertainty as unc
    from carbonpath.accounting.emissions import compute_emissions

    fs = study.factors  # the study's resolved factor set (with its overrides)
    cells = compute_emissions(study.energy, fs)
    fuels = sorted(cells["fuel"].unique())
    fu = {f: (fs.get(f).relative_uncertainty() or 0.05) for f in fuels}
    sys.path.insert(0, str(HERE))
    from bench_accounting import year_and_sector_groupings

    groupings = year_and_sector_groupings(cells)
    unc.monte_carlo(cells, 0.05, fu, groupings, draws=100, seed=1)  # warm-up
    wall, peak, _ = traced(
        lambda: unc.monte_carlo(cells, 0.05, fu, groupings, draws=10_000, seed=study.seed)
    )
    rows.append(
        Row(
            "Monte Carlo, 10,000 draws (built-in study)",
            wall,
            peak,
            "tracemalloc peak",
            f"{len(cells)} emission cells; year and year x sector totals",
        )
    )
    wall, peak, res = traced(lambda: study.run(only=["emissions"]))
    draws = res.emissions.to_dict()["uncertainty"]["settings"].get("draws")
    rows.append(
        Row(
            "accounting step incl. Monte Carlo (built-in study)",
            wall,
            peak,
            "tracemalloc peak",
            f"{draws:,} draws; approach 1 and 2, rank probabilities",
        )
    )


def _stirpat_design(study: Any) -> tuple[Any, Any, float]:
    """The built-in study's STIRPAT design (ln C, ln drivers) and its chosen ridge k."""
    import numpy as np

    res = study.run(only=["stirpat"]).to_dict()["stirpat"]
    names = [c["term"] for c in res["ridge"]["coefficients"] if c["term"] != "const"]
    data = res["data"]
    y = np.array([r["lnC"] for r in data], dtype=float)
    X = np.array([[r[n] for n in names] for r in data], dtype=float)
    return y, X, float(res["ridge"]["k"])


def bench_ridge(rows: list[Row], study: Any) -> None:
    import numpy as np

    from carbonpath.stirpat.resampling import bootstrap_ridge
    from carbonpath.stirpat.ridge import ridge_trace

    y, X, k = _stirpat_design(study)
    bootstrap_ridge(y, X, k, replications=50, seed=1)  # warm-up
    wall, peak, boot = traced(lambda: bootstrap_ridge(y, X, k, replications=2000, seed=study.seed))
    skipped = boot.replications - boot.valid
    rows.append(
        Row(
            "ridge bootstrap, 2,000 resamples",
            wall,
            peak,
            "tracemalloc peak",
            f"n = {len(y)}, p = {X.shape[1]}, k = {k:g}"
            + (f", {skipped} resamples skipped" if skipped else ""),
        )
    )
    grid = np.linspace(0.0, 1.0, 1000)
    wall, peak, _ = traced(lambda: ridge_trace(y, X, grid=grid))
    rows.append(Row("ridge trace, 1,000 k values", wall, peak, "tracemalloc peak", "k in [0, 1]"))


def bench_national(rows: list[Row], draws: int) -> None:
    sys.path.insert(0, str(HERE))
    import bench_accounting

    buf = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(buf):
        bench_accounting.bench_national(draws)
    wall = time.perf_counter() - t0
    text = buf.getvalue()
    acc = re.search(
        r"accounting \(compute_emissions\): ([\d.]+) s, peak traced memory (\d+) MiB", text
    )
    mc = re.search(
        r"Monte Carlo ([\d,]+) draws.*?: ([\d.]+) s(?: wall)?,.*?peak traced memory (\d+) MiB", text
    )
    rss = re.search(r"process max RSS: (\d+) MiB", text)
    if not (acc and mc):
        print(text)
        raise SystemExit("could not read the output of bench_accounting.bench_national")
    rows.append(
        Row(
            "national inventory: accounting (744,000 cells)",
            float(acc.group(1)),
            float(acc.group(2)),
            "tracemalloc peak",
            "31 regions x 40 sectors x 20 fuels x 30 years",
        )
    )
    rows.append(
        Row(
            f"national inventory: Monte Carlo, {mc.group(1)} draws",
            float(mc.group(2)),
            float(mc.group(3)),
            "tracemalloc peak",
            "year and region x year totals"
            + (f"; process max RSS {rss.group(1)} MiB" if rss else "")
            + f"; whole step incl. data set-up {wall:.1f} s",
        )
    )


# --------------------------------------------------------------------------- output
def machine() -> dict[str, str]:
    import numpy as np

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    load = "unknown"
    with contextlib.suppress(OSError):
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return {
        "date": time.strftime("%Y-%m-%d"),
        "cpus (nproc)": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "load average at start (1/5/15 min)": load,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
    }


def print_table(rows: list[Row], info: dict[str, str], markdown: bool) -> None:
    if markdown:
        for k, v in info.items():
            print(f"- {k}: {v}")
        print()
        print("| workload | wall time | peak memory | notes |")
        print("|---|---:|---:|---|")
        for r in rows:
            mem = f"{r.memory_mib:,.0f} MiB ({r.memory_kind})" if r.memory_mib is not None else "-"
            print(f"| {r.name} | {r.seconds:.2f} s | {mem} | {r.note} |")
        return
    for k, v in info.items():
        print(f"{k}: {v}")
    print()
    w = max(len(r.name) for r in rows)
    print(f"{'workload':<{w}}  {'wall s':>8}  {'peak MiB':>9}  memory kind       notes")
    for r in rows:
        mem = f"{r.memory_mib:9.1f}" if r.memory_mib is not None else f"{'-':>9}"
        print(f"{r.name:<{w}}  {r.seconds:8.3f}  {mem}  {r.memory_kind:<16}  {r.note}")


def profile_default_run(top: int = 15) -> None:
    """cProfile of ``carbonpath run`` (built-in study, all formats), in-process."""
    from carbonpath.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        prof = cProfile.Profile()
        prof.enable()
        code = main(["run", "--out", str(Path(tmp) / "report"), "--quiet"])
        prof.disable()
    if code != 0:
        raise SystemExit(f"profiled run failed with exit code {code}")
    listings = (
        ("cumulative", (), "cumulative time"),
        ("cumulative", (r"carbonpath[/\\]",), "cumulative time, carbonpath's own functions"),
        ("tottime", (), "own time"),
    )
    for key, restrict, title in listings:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(*restrict, top)
        print(f"\n=== profile of `carbonpath run`: top {top} functions by {title} ===")
        lines = buf.getvalue().splitlines()
        start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
        for ln in lines[start:]:
            if ln.strip():
                print(re.sub(r"\S*/(site-packages|src|lib/python[\d.]+)/", "", ln))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--profile", action="store_true", help="cProfile the default run")
    parser.add_argument("--national-draws", type=int, default=1000)
    parser.add_argument("--skip-run", action="store_true", help="skip the end-to-end run")
    parser.add_argument("--skip-national", action="store_true", help="skip the national set")
    parser.add_argument("--profile-only", action="store_true", help="only the profile")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(SRC))
    if args.profile_only:
        profile_default_run()
        return
    info = machine()
    rows: list[Row] = []
    if not args.skip_run:
        bench_default_run(rows)
    bench_help(rows)
    study = _builtin()
    bench_monte_carlo(rows, study)
    bench_ridge(rows, study)
    if not args.skip_national:
        bench_national(rows, args.national_draws)
    print_table(rows, info, args.markdown)
    if args.profile:
        profile_default_run()


if __name__ == "__main__":
    main()
