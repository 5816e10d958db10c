"""The variables carbonpath knows: economy variables with their dimension, and the
variables derived from energy data and emissions."""

from __future__ import annotations

SCOPE_WORDS = ("modern", "reference", "region")

#: economy variables carbonpath knows -> the dimension their unit must have
#: (docs/study-format.md); a study declares others under [variables]
ECONOMY_VARIABLES: dict[str, str] = {
    "output_value": "currency",
    "value_added": "currency",
    "operating_revenue": "currency",
    "employment": "headcount",
    "rd_expenditure": "currency",
    "energy_total": "energy",
    "gdp": "currency",
    "rd_institutions": "count",
    "population": "headcount",
}

#: variables the resolver derives from the energy data and the emissions
DERIVED_VARIABLES = ("co2", "energy", "electricity")
