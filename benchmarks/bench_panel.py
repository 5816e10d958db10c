"""Benchmark of a national-scale panel study run end to end (issue 14).

Builds, in a temporary folder, an energy study of 31 regions x 40 sectors x 20 fuels x
30 years (744,000 energy rows; 16 IPCC 2006 fuels, electricity, heat and two fuels added
through factors.csv), with output value, employment, region-level GDP (USD) and
population, a 3-indicator index over regions and a 3-regressor STIRPAT over regions;
then times ``carbonpath run <study> --out <tmp> --formats json`` in a child process:
wall time, CPU time and the child's peak resident memory (``ru_maxrss``).  Every step runs
(emissions with the IPCC uncertainty per region, index, STIRPAT); decomposition,
targets and scenarios are skipped for panel studies until they are region-aware.

Run from the repository root::

    python benchmarks/bench_panel.py [--draws N] [--regions R] [--sectors S] [--years T]
                                     [--keep DIR]

``--draws`` (default 1000) sets ``[accounting.uncertainty] draws``; the study default of
10,000 makes the Monte Carlo ten times longer.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IPCC_FUELS = {
    "coal": "t", "coke": "t", "crude_oil": "t", "refinery_gas": "t", "anthracite": "t",
    "coking_coal": "t", "other_bituminous_coal": "t", "sub_bituminous_coal": "t",
    "lignite": "t", "gasoline": "t", "jet_kerosene": "t", "kerosene": "t", "diesel": "t",
    "fuel_oil": "t", "lpg": "t", "natural_gas": "10^4 m^3",
}  # fmt: skip
EXTRA_FUELS = {"biogas": "10^4 m^3", "tar": "t"}
CARRIERS = {"electricity": "10^4 kWh", "heat": "GJ"}
FACTORS_CSV = """fuel,label,ncv,ncv_unit,physical_unit,carbon_content,oxidation,source
biogas,Biogas (synthetic),21000,kJ/m3,m3,14.9,1.0,benchmark fuel
tar,Coal tar (synthetic),33500,kJ/kg,t,22.0,1.0,benchmark fuel
"""
TOML = """title = "National panel benchmark (synthetic)"
region = "31 regions"
years = [{first}, {last}]
seed = 1

[groups]
g1 = "Group one"
g2 = "Group two"

[accounting]
factor_set = "ipcc-2006"

[accounting.uncertainty]
draws = {draws}

[[index.indicators]]
name = "intensity"
expr = "co2[modern] / output_value[modern]"
direction = "-"

[[index.indicators]]
name = "gdp_per_capita"
expr = "gdp[*] / population[*]"
direction = "+"

[[index.indicators]]
name = "productivity"
expr = "output_value[modern] / employment[modern]"
direction = "+"

[stirpat]
bootstrap = 200

[stirpat.regressors]
lnP = "employment[modern]"
lnA = "gdp[*] / population[*]"
lnT = "output_value[modern] / electricity[modern]"
"""


def _wiggle(*keys: int) -> float:
    return 1.0 + 0.03 * math.sin(sum((i + 3) * k for i, k in enumerate(keys)))


def write_study(folder: Path, regions: int, sectors: int, years: int, draws: int) -> int:
    """Write the study; returns the number of energy rows."""
    folder.mkdir(parents=True, exist_ok=True)
    first = 1991
    ys = range(first, first + years)
    fuels = {**IPCC_FUELS, **EXTRA_FUELS, **CARRIERS}
    codes = [f"R{r:02d}" for r in range(regions)]
    secs = [f"S{s:02d}" for s in range(sectors)]
    (folder / "study.toml").write_text(
        TOML.format(first=first, last=first + years - 1, draws=draws), encoding="utf-8"
    )
    (folder / "factors.csv").write_text(FACTORS_CSV, encoding="utf-8")
    (folder / "regions.csv").write_text(
        "code,name,group\n" + "".join(f"{c},Region {c},{'east' if i % 2 else 'west'}\n"
                                       for i, c in enumerate(codes)),
        encoding="utf-8",
    )  # fmt: skip
    (folder / "sectors.csv").write_text(
        "code,name,group\n" + "".join(f"{s},Sector {s},g{1 + i % 2}\n" for i, s in enumerate(secs)),
        encoding="utf-8",
    )
    n = 0
    with (folder / "energy.csv").open("w", encoding="utf-8") as fh:
        fh.write("region,year,sector,fuel,value,unit\n")
        for r, code in enumerate(codes):
            for y in ys:
                for s, sec in enumerate(secs):
                    for f, (fuel, unit) in enumerate(fuels.items()):
                        v = (100 + 7 * r + 3 * s + f) * 1.03 ** (y - first) * _wiggle(r, y, s, f)
                        fh.write(f"{code},{y},{sec},{fuel},{v:.3f},{unit}\n")
                        n += 1
    with (folder / "economy.csv").open("w", encoding="utf-8") as fh:
        fh.write("region,year,sector,variable,value,unit\n")
        for r, code in enumerate(codes):
            for y in ys:
                t = y - first
                for s, sec in enumerate(secs):
                    out = (5e4 + 900 * r + 400 * s) * 1.08**t * _wiggle(r, y, s, 1)
                    emp = (2e4 + 300 * r + 100 * s) * 1.01**t * _wiggle(r, y, s, 2)
                    fh.write(f"{code},{y},{sec},output_value,{out:.2f},10^4 yuan\n")
                    fh.write(f"{code},{y},{sec},employment,{emp:.0f},person\n")
                gdp = (80 + 5 * r) * 1.07**t * _wiggle(r, y, 3)
                pop = (2000 + 100 * r) * 1.005**t * _wiggle(r, y, 4)
                fh.write(f"{code},{y},,gdp,{gdp:.4f},billion USD\n")
                fh.write(f"{code},{y},,population,{pop:.1f},10^4 person\n")
    return n


def time_run(study: Path, out: Path) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds (user + system), peak RSS in MB, exit code) of the
    child ``carbonpath run``."""
    cmd = [sys.executable, "-m", "carbonpath", "run", str(study), "--out", str(out),
           "--formats", "json", "-q"]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, check=False, env=os.environ.copy())
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--regions", type=int, default=31)
    ap.add_argument("--sectors", type=int, default=40)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--keep", type=Path, default=None, help="write the study here and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="carbonpath-bench-panel-") as tmp:
        base = args.keep or Path(tmp)
        study = base / "study"
        t0 = time.perf_counter()
        rows = write_study(study, args.regions, args.sectors, args.years, args.draws)
        t_write = time.perf_counter() - t0
        wall, cpu, rss, rc = time_run(study, Path(tmp) / "out")
        size = sum(p.stat().st_size for p in study.iterdir()) / 1e6
        print(
            f"panel study {args.regions} regions x {args.sectors} sectors x 20 fuels x "
            f"{args.years} years: {rows:,} energy rows, {size:.1f} MB of CSV "
            f"(written in {t_write:.1f} s); uncertainty draws {args.draws}"
        )
        print(
            f"carbonpath run --formats json: exit {rc}, wall {wall:.1f} s, CPU {cpu:.1f} s, "
            f"peak RSS {rss:.0f} MB (load average {os.getloadavg()[0]:.1f} at the end)"
        )
        return rc


if __name__ == "__main__":
    raise SystemExit(main())
