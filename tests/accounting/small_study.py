"""A small study computed by hand, shared by the accounting tests.

Sectors 26, 27, 35 (members; 26 and 35 in group "other", 27 in "pharma"), C (the
reference row) and R (the region); 2020-2021; coal, diesel, fuel oil, natural gas and
electricity.  The CO2 factors of the paper's Table 5 are written out below.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from carbonpath.accounting.factors import load_factor_set
from carbonpath.accounting.overrides import resolve_factor_set
from carbonpath.accounting.settings import parse_accounting
from carbonpath.accounting.step import run as run_step

FS = load_factor_set("cn-provincial-2011")

# factors of the paper's Table 5 written out (t CO2 per t / per m3)
F_COAL = 20.934 * 0.02637 * 0.94 * 44 / 12
F_DIESEL = 42.705 * 0.0202 * 0.98 * 44 / 12
F_FO = 41.816 * 0.0211 * 0.98 * 44 / 12
F_GAS = 0.038979 * 0.0153 * 0.99 * 44 / 12

SECTORS = pd.DataFrame(
    {
        "code": ["26", "27", "35", "C", "R"],
        "name": ["chem", "pharma", "special", "manufacturing", "region"],
        "group": ["other", "pharma", "other", "", ""],
        "role": ["member", "member", "member", "reference", "region"],
    }
)


def energy_table(extra=()):
    rows = [
        (2020, "26", "coal", 100.0, "t"),
        (2020, "26", "electricity", 3600.0, "GJ"),
        (2020, "27", "diesel", 10.0, "t"),
        (2020, "35", "natural_gas", 10_000.0, "m3"),
        (2020, "C", "coal", 1000.0, "t"),
        (2021, "26", "coal", 80.0, "t"),
        (2021, "26", "fuel_oil", 50.0, "t"),
        (2021, "26", "electricity", 7200.0, "GJ"),
        (2021, "27", "diesel", 12.0, "t"),
        (2021, "35", "natural_gas", 10_000.0, "m3"),
        (2021, "C", "coal", 900.0, "t"),
        *extra,
    ]
    df = pd.DataFrame(rows, columns=["year", "sector", "fuel", "value", "unit"])
    df["dimension"] = df["unit"].map({"t": "mass", "m3": "volume", "GJ": "energy"})
    return df


OUTPUT = {
    (2020, "26"): 1e8,
    (2020, "27"): 2e8,
    (2020, "35"): 5e7,
    (2020, "C"): 1e10,
    (2021, "26"): 2e8,
    (2021, "27"): 2e8,
    (2021, "35"): 5e7,
    (2021, "C"): 1e10,
}
EMPLOYMENT = {k: 100.0 for k in OUTPUT}
ENERGY_TOTAL_TCE = {k: 50.0 for k in OUTPUT}


def economy_table(output=OUTPUT, energy_total=True):
    rows = []
    for (y, s), v in output.items():
        rows.append((y, s, "output_value", v, "yuan"))
        rows.append((y, s, "employment", EMPLOYMENT[(y, s)], "person"))
        if energy_total:
            rows.append((y, s, "energy_total", ENERGY_TOTAL_TCE[(y, s)] * 29.3076, "GJ"))
    return pd.DataFrame(rows, columns=["year", "sector", "variable", "value", "unit"])


def study(energy=None, economy=None, inventory=None, corrections=()):
    """The attributes of a loaded study that the accounting step reads."""
    return SimpleNamespace(
        sectors=SECTORS,
        energy=energy,
        economy=economy_table() if economy is None else economy,
        emissions_inventory=inventory,
        corrections=list(corrections),
        seed=7,
    )


def run_accounting(energy, economy, sectors, config, seed, factors_override=None, inventory=None):
    """The accounting step on these tables with ``config`` as the [accounting] table."""
    settings = parse_accounting(config)
    factors = resolve_factor_set(settings.factor_set, factors_override)
    st = study(energy, economy, inventory)
    st.sectors = sectors
    return run_step(st, settings, factors=factors, seed=seed)


def run(config=None, energy=None, economy=None, **kw):
    """The step on the small study (2,000 draws unless ``config`` says otherwise)."""
    return run_accounting(
        energy_table() if energy is None else energy,
        economy_table() if economy is None else economy,
        SECTORS,
        config if config is not None else {"uncertainty": {"draws": 2000}},
        seed=7,
        **kw,
    )


def rec(records, **where):
    """The one record of ``records`` matching ``where``."""
    hits = [r for r in records if all(r.get(k) == v for k, v in where.items())]
    assert len(hits) == 1, where
    return hits[0]
