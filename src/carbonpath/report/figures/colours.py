"""Fixed colours: a series keeps its colour across figures and studies.

- :data:`FILL`: 20 qualitative colours for bars and areas; the first eight are the
  Okabe-Ito palette (Okabe & Ito 2008), safe for the common forms of colour blindness,
  the other twelve are muted, mutually distinct hues for studies with more series.
- :data:`LINE`: the same for lines and markers, with yellow darkened (a thin yellow
  line vanishes on white) and black moved back, so that the first colours contrast.
- Sectors, indicators, subsystems and scenarios take colours by their position in the
  study's declared order (sectors.csv, the ``[[index.indicators]]`` list, the
  scenarios' order), never by name or size, so that the same study order gives the
  same colours in every figure and every study.
- Fuels have a fixed colour each (:data:`FUEL_COLOURS`), chosen so that the fuels of
  each factor set and of a CEADs inventory (17 fuels and cement process) all differ
  (three IPCC coal kinds take colours outside FILL for that);
  equivalent names (``coal``/``raw_coal``, ``diesel``/``diesel_oil``) share one.
  A fuel not in the map takes the first colour no fuel of the figure uses.
"""

from __future__ import annotations

FILL: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
    "#882255",  # wine
    "#44AA99",  # teal
    "#999933",  # olive
    "#AA4499",  # magenta
    "#332288",  # indigo
    "#DDCC77",  # sand
    "#117733",  # dark green
    "#88CCEE",  # cyan
    "#661100",  # brown
    "#999999",  # grey
    "#6699CC",  # steel blue
    "#AA4466",  # rose
)
LINE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#56B4E9",
    "#CC79A7",
    "#000000",
    "#B59B00",  # dark yellow
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#332288",
    "#117733",
    "#88CCEE",
    "#661100",
    "#999999",
    "#6699CC",
    "#AA4466",
    "#DDCC77",
)
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">")
DASHES: tuple[str, ...] = ("-", "--", "-.", ":")

#: fixed fuel colours (see the module docstring)
FUEL_COLOURS: dict[str, str] = {
    "coal": "#0072B2",
    "raw_coal": "#0072B2",
    "gasoline": "#E69F00",
    "kerosene": "#009E73",
    "diesel": "#D55E00",
    "diesel_oil": "#D55E00",
    "fuel_oil": "#56B4E9",
    "lpg": "#CC79A7",
    "natural_gas": "#F0E442",
    "coke": "#000000",
    "crude_oil": "#882255",
    "cleaned_coal": "#44AA99",
    "other_washed_coal": "#999933",
    "briquettes": "#AA4499",
    "coke_oven_gas": "#332288",
    "other_gas": "#DDCC77",
    "other_coking_products": "#117733",
    "refinery_gas": "#88CCEE",
    "other_petroleum_products": "#661100",
    "process": "#999999",
    "anthracite": "#6699CC",
    "coking_coal": "#AA4466",
    # coal kinds only the IPCC set lists: colours outside FILL, so that they differ
    # from the CEADs coal products the same set also carries
    "other_bituminous_coal": "#2F4F4F",  # dark slate
    "sub_bituminous_coal": "#9467BD",  # purple
    "lignite": "#C49C94",  # light brown
    "jet_kerosene": "#DDCC77",
    "electricity": "#6699CC",
    "heat": "#AA4466",
}

#: fixed colours of the index weighting methods
METHOD_COLOURS: dict[str, str] = {
    "entropy": "#0072B2",
    "critic": "#E69F00",
    "cv": "#009E73",
    "equal": "#999999",
    "user": "#CC79A7",
    "pca": "#D55E00",
}


def line_colour(i: int) -> str:
    """The line colour of the ``i``-th series of a declared order."""
    return LINE[i % len(LINE)]


def fill_colour(i: int) -> str:
    """The fill colour of the ``i``-th series of a declared order."""
    return FILL[i % len(FILL)]


def fuel_colours(fuels: list[str]) -> dict[str, str]:
    """Each fuel's colour: the fixed one, else the first colour no other fuel here uses."""
    out = {f: FUEL_COLOURS[f] for f in fuels if f in FUEL_COLOURS}
    free = [c for c in FILL if c not in out.values()]
    for i, f in enumerate(f for f in fuels if f not in out):
        out[f] = free[i % len(free)] if free else FILL[i % len(FILL)]
    return out


def fuel_order(fuels: list[str]) -> list[str]:
    """Fuels in the fixed order of :data:`FUEL_COLOURS`, unknown ones after (as given)."""
    known = {f: i for i, f in enumerate(FUEL_COLOURS)}
    return sorted(fuels, key=lambda f: known.get(f, len(known)))  # stable: unknown as given
