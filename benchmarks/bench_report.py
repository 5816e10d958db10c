"""Time the report layer on the built-in study: figures, HTML, and a whole ``carbonpath run``.

Measured (median of ``--repeat`` runs each): wall-clock time and CPU time (user + system
of this process and of the processes it waited for: forked figure workers, or the child
for the whole run), since on a shared machine the wall time mostly measures the other
processes; the 1-minute load average is printed before and after:

1. ``write_figures``: every figure as PNG (200 dpi) and SVG into ``figures/``, in one
   process (``CARBONPATH_FIGURE_JOBS=1``) and as a run draws them (forked workers when
   more than one CPU is usable);
2. the floor: what matplotlib alone needs for the same figures -- each built by
   carbonpath's drawing function in the style's rcParams (``matplotlib.rc_context``, no
   other carbonpath code), then one ``FigureCanvasAgg.draw()`` at the report's dpi
   (constrained layout and one Agg rendering; no file written, no second format);
3. ``write_html`` with ``figures/`` present (the SVGs are read, not drawn again);
4. ``write_html`` alone (every figure drawn in memory, SVG only);
5. ``carbonpath run`` of the built-in study with every output, in a subprocess;
6. side by side with 5, alternating run by run: the bare import of carbonpath's own
   stack in a fresh interpreter, (a) the five packages' top levels (``import numpy,
   pandas, scipy, statsmodels, matplotlib``; most of scipy and statsmodels load lazily)
   and (b) every public module of those packages that a default run loads (scipy.stats,
   statsmodels.regression, matplotlib's Agg and SVG backends ...: the same code a run
   needs before it computes anything).  The ratio run / import (b) is the figure that
   issue 17 bounds (at most 2.0); floor / import (b) is the part of that budget the
   figures take however they are saved.

The study is run once; the report writers then work on the same results.  Run from the
repository root::

    PYTHONPATH=src python benchmarks/bench_report.py [--repeat N] [--skip-run]

With ``PYTHONPATH`` pointing at another checkout's ``src`` the same script times that
version (before/after comparisons; a version without forked workers ignores
``CARBONPATH_FIGURE_JOBS``).

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
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
            c0 = _cpu(child)
            start = time.perf_counter()
            func(Path(tmp))
            walls.append(time.perf_counter() - start)
            cpus.append(_cpu(child) - c0)
    return statistics.median(walls), statistics.median(cpus), cpus


def _cpu(child_only: bool = False) -> float:
    """User + system seconds of the waited-for children, and of this process unless
    ``child_only``."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = kids.ru_utime + kids.ru_stime
    if not child_only:
        me = resource.getrusage(resource.RUSAGE_SELF)
        total += me.ru_utime + me.ru_stime
    return total


def figure_floor(results: Any) -> Callable[[Path], None]:
    """Build every drawable figure and draw it once with Agg: matplotlib's own cost."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from carbonpath.report.figures import build_context, figure_specs, report_dpi
    from carbonpath.report.style import rc_params, style_info, use_agg

    d = results.to_dict()
    info = style_info()
    dpi = report_dpi(d)
    use_agg()

    def run(_: Path) -> None:
        with matplotlib.rc_context(rc_params(info.cjk_font)):
            ctx = build_context(d, info)
            for spec in figure_specs(d, info):
                if spec.draw is not None:
                    fig = spec.draw(ctx)
                    fig.dpi = dpi
                    FigureCanvasAgg(fig).draw()

    return run


def _jobs(value: str | None, func: Callable[[Path], Any]) -> Callable[[Path], Any]:
    """``func`` with ``CARBONPATH_FIGURE_JOBS`` set to ``value`` (None: unset)."""

    def run(folder: Path) -> Any:
        before = os.environ.pop("CARBONPATH_FIGURE_JOBS", None)
        if value is not None:
            os.environ["CARBONPATH_FIGURE_JOBS"] = value
        try:
            return func(folder)
        finally:
            os.environ.pop("CARBONPATH_FIGURE_JOBS", None)
            if before is not None:
                os.environ["CARBONPATH_FIGURE_JOBS"] = before

    return run


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
    from carbonpath.report.figures import figure_specs, write_figures
    from carbonpath.report.html import write_html

    load = [os.getloadavg()[0]]

    results = carbonpath.load_study().run()

    def html_with_figures(folder: Path) -> None:
        write_figures(results, folder)
        r0, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        write_html(results, folder)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
        html_only.append((time.perf_counter() - start, cpu))

    html_only: list[tuple[float, float]] = []
    specs = figure_specs(results.to_dict())
    n, drawn = len(specs), sum(1 for s in specs if s.draw is not None)
    ncpu = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    figs = lambda f: write_figures(results, f)  # noqa: E731
    rows: list[tuple[str, Timing]] = [
        (
            f"write_figures ({drawn} of {n} x PNG + SVG), one process",
            _median_time(_jobs("1", figs), args.repeat),
        ),
        (
            f"write_figures, as a run draws them ({ncpu} CPUs usable)",
            _median_time(_jobs(None, figs), args.repeat),
        ),
        (
            f"floor: matplotlib builds and draws the {drawn} once",
            _median_time(figure_floor(results), args.repeat),
        ),
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
    load.append(os.getloadavg()[0])
    print(f"1-minute load average: {load[0]:.2f} at the start, {load[1]:.2f} at the end")
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
        (_, (fw, fc, _f)) = rows[2]
        print(
            f"figure floor / stack import: wall {fw / sw:.2f}x, CPU {fc / sc:.2f}x "
            "(the part of the 2.0x budget the figures take however they are saved)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
