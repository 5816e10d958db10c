"""Time of the quality step (checks, corrections, gap filling, re-check, inventory checks
and the panel total), CPU and wall, on three cases:

1. ``builtin``: the built-in study (``carbonpath run`` without a folder);
2. ``provinces``: the 30-province CEADs panel, all 47 sectors (``import-ceads --province
   all --sectors all``), when ``../shared/data/ceads`` is present;
3. ``synthetic``: a synthetic energy table of 31 regions x 40 sectors x 20 fuels x 10
   years = 248,000 cells (24,800 series) with planted slips, zeros, runs of zeros,
   missing values and a reallocation, checked region by region as a panel study is.

Run from the repository root::

    python benchmarks/bench_quality.py [builtin] [provinces] [synthetic] [--src DIR]

``--src DIR`` measures another source tree (e.g. ``git archive`` of an older commit
unpacked in DIR, whose ``DIR/src`` holds carbonpath): the same figures before and after
a change.  The quality step of a study is timed inside ``load_study`` (the rest of the
loading is not counted).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
CEADS = HERE.parent.parent / "shared" / "data" / "ceads"


class Clock:
    """Wall and CPU seconds spent in the wrapped functions."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def wrap(self, fn):
        def timed(*args, **kwargs):
            w, c = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall += time.perf_counter() - w
                self.cpu += time.process_time() - c

        return timed


def _quality_of_load(folder: Path | None) -> tuple[Clock, int]:
    """Load a study with its quality functions timed; (clock, number of findings)."""
    from carbonpath import load_study
    from carbonpath.study import builtin_path
    from carbonpath.study import load as load_module

    clock = Clock()
    names = [n for n in ("assure_study", "inventory_flags") if hasattr(load_module, n)]
    saved = {n: getattr(load_module, n) for n in names}
    for n in names:
        setattr(load_module, n, clock.wrap(saved[n]))
    try:
        study = load_study(folder or builtin_path())
    finally:
        for n, fn in saved.items():
            setattr(load_module, n, fn)
    return clock, len(study.flags)


def synthetic_energy(seed: int = 7) -> pd.DataFrame:
    """31 regions x 40 sectors x 20 fuels x 10 years, in t, with planted problems."""
    rng = np.random.default_rng(seed)
    shape = (31, 40, 20, 10)
    v = rng.lognormal(8, 2, size=(*shape[:3], 1)) * np.exp(
        rng.normal(0.03, 0.05, size=(*shape[:3], 1)) * np.arange(shape[3])
        + rng.normal(0, 0.15, size=shape)
    )
    m = rng.random(shape)
    v[m < 0.002] *= 10  # decimal slips
    v[(m >= 0.002) & (m < 0.004)] /= 10
    v[(m >= 0.004) & (m < 0.008)] = 0.0  # single zeros
    v[(m >= 0.008) & (m < 0.010)] = np.nan  # missing values (gap filling)
    v[..., 3:6][rng.random(shape[:3]) < 0.03] = 0.0  # runs of zeros
    v[3, :, :, 4:7] = 0.0  # a region without any fuel for three years
    v[5, 7, :, 5] *= 0.2
    v[5, 8, :, 5] += v[5, 7, :, 5] * 4  # a reallocation
    r, s, f, y = np.meshgrid(*(np.arange(k) for k in shape), indexing="ij")
    return pd.DataFrame(
        {
            "region": np.char.add("R", r.ravel().astype(str)),
            "year": 2010 + y.ravel(),
            "sector": np.char.add("S", s.ravel().astype(str)),
            "fuel": np.char.add("fuel", f.ravel().astype(str)),
            "value": v.ravel(),
            "unit": "t",
            "dimension": "mass",
            "source_unit": "t",
            "file": "energy.csv",
            "line": np.arange(r.size) + 2,
        }
    )


def bench_synthetic() -> tuple[Clock, int]:
    from carbonpath.quality.settings import QualitySettings
    from carbonpath.study.panel_quality import assure_study

    energy = synthetic_energy()
    regions = pd.DataFrame({"code": pd.unique(energy["region"])})
    sectors = pd.DataFrame({"code": pd.unique(energy["sector"]), "role": "member"})
    economy = energy.iloc[:0].rename(columns={"fuel": "variable"})
    settings = SimpleNamespace(lead_years=0, quality=QualitySettings())
    clock = Clock()
    qa = clock.wrap(assure_study)(
        energy, economy, sectors, regions, list(range(2010, 2020)), settings, None, {}
    )
    return clock, len(qa.flags)


def bench_provinces(tmp: Path) -> tuple[Clock, int] | None:
    if not CEADS.is_dir():
        return None
    books = sorted(str(p) for p in CEADS.glob("*rovinces_*.xlsx"))
    folder = tmp / "provinces"
    subprocess.run(
        ["carbonpath", "import-ceads", *books, "--province", "all", "--sectors", "all"]
        + ["--out", str(folder)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    return _quality_of_load(folder)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", default=["builtin", "provinces", "synthetic"])
    ap.add_argument("--src", type=Path, help="a source tree to measure instead")
    args = ap.parse_args()
    src = (args.src / "src") if args.src else HERE.parent / "src"
    sys.path.insert(0, str(src.resolve()))
    print(f"carbonpath from {src}; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases:
            if case == "builtin":
                out = _quality_of_load(None)
            elif case == "provinces":
                out = bench_provinces(Path(tmp))
            else:
                out = bench_synthetic()
            if out is None:
                print(f"{case}: skipped (no ../shared/data/ceads)")
                continue
            clock, n = out
            print(
                f"{case}: quality step {clock.cpu:.2f} s CPU, {clock.wall:.2f} s wall, "
                f"{n} findings (load average {os.getloadavg()[0]:.2f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
