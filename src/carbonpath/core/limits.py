"""Upper bounds of every count and size a study may ask for (checked when study.toml
is parsed; documented in docs/study-format.md).

The bounds keep a run finite and its memory bounded whatever the input says: a value
above a bound is an input error naming the key and the bound, never a MemoryError or a
run that does not end.
"""

from __future__ import annotations

#: study years
YEAR_MIN, YEAR_MAX = 1900, 2200
#: rows before the first study year that growth()/lag() may read
MAX_LEAD_YEARS = 20
#: seeds of numpy's generator: 0 .. 2**63 - 1
MAX_SEED = 2**63 - 1

#: Monte Carlo draws of the emission uncertainty ([accounting.uncertainty] draws)
MIN_DRAWS, MAX_DRAWS = 100, 100_000
#: bootstrap resamples ([stirpat] bootstrap, [index] bootstrap)
MAX_BOOTSTRAP = 100_000
#: Monte Carlo draws of the index robustness analysis ([index.robustness] draws)
MAX_ROBUSTNESS_DRAWS = 100_000
#: points on the ridge k grid ([stirpat] k_grid)
MAX_K_GRID_POINTS = 100_001
#: figure resolution ([report] dpi)
MIN_DPI, MAX_DPI = 50, 1200
#: years a scenario may project beyond the last study year ([scenarios] horizon)
MAX_HORIZON_YEARS = 100

#: indicators, regressors, scenarios, targets, periods a study may declare
MAX_INDICATORS = 200
MAX_REGRESSORS = 50
MAX_SCENARIOS = 50
MAX_TARGETS = 200
MAX_PERIODS = 200

#: expressions: characters, nesting depth, |exponent| of a power, lag in years
MAX_EXPR_CHARS = 2_000
MAX_EXPR_DEPTH = 40
MAX_EXPONENT = 100
MAX_LAG = 100
