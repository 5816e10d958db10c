"""Time the report layer on the built-in study: figures, HTML, and a whole ``carbonpath run``.

Measured (median of ``--repeat`` runs each): wall-clock time and CPU time (user + system
of this process, or of the child for the whole run), since on a shared machine the wall
time mostly measures the other processes:

1. ``write_figures``: the 17 figures as PNG (200 dpi) and SVG into ``figures/``;
2. ``write_html`` with ``figures/`` present (the SVGs are read, not drawn again);
3. ``write_html`` alone (every figure drawn in memory, SVG only);
4. ``carbonpath run`` of the built-in study with every output, in a subprocess;
5. side by side with 4, alternating run by run: the bare import of carbonpath's own
   stack in a fresh interpreter, (a) the five packages' top levels (``import numpy,
   pandas, scipy, statsmodels, matplotlib``; most of scipy and statsmodels load lazily)
   and (b) every public module of those packages that a default run loads (scipy.stats,
   statsmodels.regression, matplotlib's Agg and SVG backends ...: the same code a run
   needs before it computes anything).  The ratio run / import (b) is the figure that
   issue 17 bounds (at most 2.0).

The study is run once; the report writers then work on the same results.  Run from the
repository root::

    PYTHONPATH=src python benchmarks/bench_report.py [--repeat N] [--skip-run]

With ``PYTHONPATH`` pointing at another checkout's ``src`` the same script times that
version (before/after comparisons).  ``CARBONPATH_FIGURE_JOBS=1`` kept the 0.1.0 figure
writer in one process; the current writer always draws in one process.

The figures are printed, never asserted (times depend on the machine).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Timing = tuple[float, float, list[float]]  # median wall, median CPU, all CPU times


def _median_time(func: Callable[[Path], Any], repeat: int, child: bool = False) -> Timing:
    """Median wall and CPU seconds of ``func(fresh_folder)`` over ``repeat`` calls."""
    walls, cpus = [], []
    who = resource.RUSAGE_CHILDREN if child else resource.RUSAGE_SELF
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
            r0 = resource.getrusage(who)
            start = time.perf_counter()
            func(Path(tmp))
            walls.append(time.perf_counter() - start)
            r1 = resource.getrusage(who)
            cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return statistics.median(walls), statistics.median(cpus), cpus


def _run_cli(out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "carbonpath", "run", "--quiet", "--out", str(out / "out")],
        check=True,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
    )


STACK = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib")


def stack_modules() -> list[str]:
    """The public modules of the stack a default run loads (found by running one)."""
    code = (
        "import sys, tempfile, pathlib\n"
        "from carbonpath.cli import main\n"
        "with tempfile.TemporaryDirectory() as t:\n"
        "    main(['run', '--quiet', '--out', str(pathlib.Path(t) / 'o')])\n"
        f"top = {STACK!r}\n"
        "mods = sorted(m for m in sys.modules if m.split('.')[0] in top\n"
        "              and not any(p.startswith('_') for p in m.split('.'))\n"
        "              and 'tests' not in m.split('.'))\n"
        "print(' '.join(mods))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    return out.stdout.split()


def _import(modules: list[str]) -> Callable[[Path], None]:
    code = f"import importlib\nfor m in {modules!r}:\n    importlib.import_module(m)\n"

    def run(_: Path) -> None:
        subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ))

    return run


def side_by_side(repeat: int) -> list[tuple[str, Timing]]:
    """The whole run and the bare stack imports, alternating, each in a fresh interpreter."""
    used = stack_modules()
    work = {
        "import numpy, pandas, scipy, statsmodels, matplotlib": _import(list(STACK)),
        f"import the stack a run loads ({len(used)} modules)": _import(used),
        "carbonpath run (all outputs)": _run_cli,
    }
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in work}
    for _ in range(repeat):
        for name, func in work.items():
            wall, cpu, _cpus = _median_time(func, 1, child=True)
            times[name].append((wall, cpu))
    return [
        (
            name,
            (
                statistics.median(w for w, _ in t),
                statistics.median(c for _, c in t),
                [c for _, c in t],
            ),
        )
        for name, t in times.items()
    ]


def main(argv: list[str] | None = None) -> int:
    """Print one line per measurement: name, median seconds and the single runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-run", action="store_true", help="skip the whole-run timing")
    args = parser.parse_args(argv)

    import carbonpath
    from carbonpath.report.figures import write_figures
    from carbonpath.report.html import write_html

    results = carbonpath.load_study().run()

    def html_with_figures(folder: Path) -> None:
        write_figures(results, folder)
        r0, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        write_html(results, folder)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
        html_only.append((time.perf_counter() - start, cpu))

    html_only: list[tuple[float, float]] = []
    rows: list[tuple[str, Timing]] = [
        (
            "write_figures (17 x PNG + SVG)",
            _median_time(lambda f: write_figures(results, f), args.repeat),
        )
    ]
    _median_time(html_with_figures, args.repeat)
    walls = [w for w, _ in html_only]
    cpus = [c for _, c in html_only]
    html_timing = (statistics.median(walls), statistics.median(cpus), cpus)
    rows.append(("write_html, figures/ present", html_timing))
    rows.append(
        (
            "write_html, figures drawn in memory",
            _median_time(lambda f: write_html(results, f), args.repeat),
        )
    )
    if not args.skip_run:
        rows += side_by_side(args.repeat)
    w = max(len(name) for name, _ in rows)
    print(f"{'':{w}s} {'wall':>8s} {'CPU':>8s}")
    print("CPU is user + system time; its smallest run is the least disturbed one.")
    for name, (wall, cpu, times) in rows:
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"{name:{w}s} {wall:6.2f} s {cpu:6.2f} s  (CPU runs: {runs})")
    if not args.skip_run:
        (_, (rw, rc, _r)), (_, (sw, sc, _s)) = rows[-1], rows[-2]
        (_, (tw, tc, _t)) = rows[-3]
        print(
            f"run / stack import: wall {rw / sw:.2f}x, CPU {rc / sc:.2f}x "
            f"(against the top levels only: wall {rw / tw:.2f}x, CPU {rc / tc:.2f}x; "
            "target <= 2.0x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
