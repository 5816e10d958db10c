"""Benchmark of emission accounting and its Monte Carlo uncertainty.

1. Study-sized input (9 sectors x 8 years x 7 fuels = 504 cells): 10,000 Monte Carlo
   draws (vectorised) and the accounting step of the built-in study with its uncertainty
   (``carbonpath.load_study().run(only=["emissions"])``).
2. National-scale synthetic inventory (31 regions x 40 sectors x 20 fuels x 30 years =
   744,000 cells): accounting (``compute_emissions``) and a chunked Monte Carlo with
   year totals and region x year totals (and first the ``sums`` method of issue 18, drawing
   the region x year x fuel bin sums, median of 5), reporting wall and CPU time, the Monte
   Carlo's own peak memory (tracemalloc: Python/numpy allocations above its inputs)
   and the process's resident-memory high-water mark before and after it.  The
   Monte Carlo's time is mostly its random numbers: one normal variate per cell and
   draw (744 million for 1,000 draws).

Run: ``PYTHONPATH=src python benchmarks/bench_accounting.py [--national-draws N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc
from typing import Any

import numpy as np
import pandas as pd

from carbonpath.accounting import uncertainty as unc
from carbonpath.accounting.emissions import compute_emissions
from carbonpath.accounting.factors import FactorSet, Fuel, load_factor_set
from carbonpath.accounting.uncertainty_sums import monte_carlo_sums


def study_inputs(seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    fs = load_factor_set("cn-provincial-2011")
    members = ["26", "27", "34", "35", "36", "37", "38", "39", "40"]
    sectors = pd.DataFrame(
        {
            "code": [*members, "C"],
            "name": [*members, "manufacturing"],
            "group": ["g1", "g2", "g3", "g3", "g3", "g4", "g4", "g3", "g3", ""],
            "role": ["member"] * 9 + ["reference"],
        }
    )
    rows, eco = [], []
    for y in range(2015, 2023):
        for s in members:
            for f in fs.fuels:
                unit = fs.get(f).physical_unit
                rows.append(
                    (y, s, f, float(rng.uniform(10, 1000)) * (1e3 if unit == "m3" else 1), unit)
                )
            eco.append((y, s, "output_value", float(rng.uniform(1e9, 1e10)), "yuan"))
            eco.append((y, s, "employment", float(rng.uniform(1e3, 1e4)), "person"))
    energy = pd.DataFrame(rows, columns=["year", "sector", "fuel", "value", "unit"])
    economy = pd.DataFrame(eco, columns=["year", "sector", "variable", "value", "unit"])
    return energy, economy, sectors


def year_and_sector_groupings(cells: pd.DataFrame) -> list[Any]:
    """Monte Carlo groupings of emission cells: totals per year and per year x sector."""
    from carbonpath.accounting import uncertainty as unc

    years = sorted(cells["year"].unique())
    keys = list(dict.fromkeys(zip(cells["year"], cells["sector"], strict=True)))
    pos = {k: i for i, k in enumerate(keys)}
    groupings = [
        unc.Grouping(
            "year", cells["year"].map({y: i for i, y in enumerate(years)}).to_numpy(), years
        ),
        unc.Grouping(
            "sector",
            np.array([pos[k] for k in zip(cells["year"], cells["sector"], strict=True)]),
            keys,
        ),
    ]
    return groupings


def bench_study() -> None:
    energy, economy, sectors = study_inputs()
    fs = load_factor_set("cn-provincial-2011")
    cells = compute_emissions(energy, fs)
    fu = {f: 0.05 for f in fs.fuels}
    groupings = year_and_sector_groupings(cells)
    unc.monte_carlo(cells, 0.05, fu, groupings, draws=100, seed=1)  # warm-up (imports)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        unc.monte_carlo(cells, 0.05, fu, groupings, draws=10_000, seed=1)
        times.append(time.perf_counter() - t0)
    print(
        f"study-sized Monte Carlo: {len(cells)} cells x 10,000 draws: "
        f"best {min(times):.3f} s, median {float(np.median(times)):.3f} s"
    )
    import carbonpath

    study = carbonpath.load_study()  # the built-in study: 9 industries, 7 fuels, 8 years
    study.run(only=["emissions"])  # warm-up (imports)
    t0 = time.perf_counter()
    res = study.run(only=["emissions"])
    draws = res.emissions.to_dict()["uncertainty"]["settings"].get("draws")
    print(
        f"accounting step of the built-in study (load_study().run(only=['emissions']), "
        f"{draws:,}-draw uncertainty): {time.perf_counter() - t0:.3f} s"
    )


def _max_rss_mib() -> float:
    """High-water mark of this process's resident memory (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def national_inputs() -> tuple[pd.DataFrame, FactorSet, dict[str, int], dict[str, int]]:
    """Synthetic activity table (31 regions x 40 sectors x 20 fuels x 30 years), its
    factor set, the region of each sector name and the dimensions.

    Sector and fuel names are references to one string per name (an object array
    indexed by code), not one string per row, so building the table stays small.
    """
    rng = np.random.default_rng(2)
    regions, sectors, n_fuels, years = 31, 40, 20, 30
    fuels = [f"fuel{i:02d}" for i in range(n_fuels)]
    base = load_factor_set("ipcc-2006").get("coal")
    fs = FactorSet(
        name="synthetic",
        entries={
            f: Fuel(
                fuel=f,
                label=f,
                ncv=base.ncv * (0.5 + i / n_fuels),
                ncv_unit="kJ/kg",
                physical_unit="t",
                carbon_content=base.carbon_content,
                oxidation=1.0,
                tce_factor=base.tce_factor,
                ncv_lo=base.ncv_lo,
                ncv_hi=base.ncv_hi,
                cc_lo=base.cc_lo,
                cc_hi=base.cc_hi,
            )
            for i, f in enumerate(fuels)
        },
    )
    n = regions * sectors * n_fuels * years
    r_idx, s_idx, f_idx, y_idx = np.unravel_index(np.arange(n), (regions, sectors, n_fuels, years))
    sector_names = np.array([f"{r}-{s}" for r in range(regions) for s in range(sectors)], object)
    activity = pd.DataFrame(
        {
            "year": 1991 + y_idx,
            "sector": sector_names[r_idx * sectors + s_idx],
            "fuel": np.asarray(fuels, dtype=object)[f_idx],
            "value": rng.uniform(0, 1e4, n),
            "unit": "t",
        }
    )
    region_of = {str(name): i // sectors for i, name in enumerate(sector_names)}
    dims = {"regions": regions, "sectors": sectors, "fuels": n_fuels, "years": years}
    return activity, fs, region_of, dims


def bench_national(draws: int) -> None:
    activity, fs, region_of, dims = national_inputs()
    n = len(activity)
    tracemalloc.start()
    t0 = time.perf_counter()
    cells = compute_emissions(activity, fs)
    t_acc = time.perf_counter() - t0
    _, peak_acc = tracemalloc.get_traced_memory()
    del activity
    region = cells["sector"].map(region_of).to_numpy(dtype=np.intp)
    yr = (cells["year"] - 1991).to_numpy(dtype=np.intp)
    fu = {f: fs.get(f).relative_uncertainty() for f in fs.fuels}
    groupings = [
        unc.Grouping("year", yr, list(range(1991, 1991 + dims["years"]))),
        unc.Grouping(
            "region_year",
            region * dims["years"] + yr,
            list(range(dims["regions"] * dims["years"])),
        ),
    ]
    sums = []
    for _ in range(5):  # the sums method (issue 18 target: <= 1 s), median of 5
        t0, c0 = time.perf_counter(), time.process_time()
        monte_carlo_sums(cells, 0.05, fu, groupings[::-1], draws=draws, seed=3)
        sums.append((time.perf_counter() - t0, time.process_time() - c0))
    sums.sort()
    print(
        f"  Monte Carlo on sums (region x year bins, {draws:,} draws), median of 5: "
        f"{sums[2][0]:.2f} s wall, {sums[2][1]:.2f} s CPU (min {sums[0][0]:.2f} s, "
        f"max {sums[-1][0]:.2f} s); 1-minute load average {os.getloadavg()[0]:.1f}"
    )
    rss_before = _max_rss_mib()
    tracemalloc.reset_peak()
    base_mem, _ = tracemalloc.get_traced_memory()
    t0 = time.perf_counter()
    c0 = time.process_time()
    mc = unc.monte_carlo(cells, 0.05, fu, groupings, draws=draws, seed=3)
    t_mc = time.perf_counter() - t0
    c_mc = time.process_time() - c0
    _, peak_mc = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"national synthetic inventory: {n:,} cells ({dims['regions']} regions x "
        f"{dims['sectors']} sectors x {dims['fuels']} fuels x {dims['years']} years)"
    )
    print(
        f"  accounting (compute_emissions): {t_acc:.2f} s, peak traced memory {peak_acc / 2**20:.0f} MiB"
    )
    print(
        f"  Monte Carlo {draws:,} draws (chunks of {mc.settings['chunk_draws']} draws), year and "
        f"region x year totals: {t_mc:.2f} s wall, {c_mc:.2f} s CPU, "
        f"peak traced memory {(peak_mc - base_mem) / 2**20:.0f} MiB above its inputs"
    )
    print(
        f"  process max RSS: {rss_before:.0f} MiB before the Monte Carlo, "
        f"{_max_rss_mib():.0f} MiB after"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national-draws", type=int, default=1000)
    args = parser.parse_args()
    bench_study()
    bench_national(args.national_draws)


if __name__ == "__main__":
    main()
