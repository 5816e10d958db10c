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
#: |value| of a number written in an expression (a larger literal is a typo, not data)
MAX_EXPR_LITERAL = 1e15

#: units: the factor onto the canonical unit ("10^4 t" -> 1e4) must lie in this range;
#: 0, 10^-400 or 10^400 are refused (they would turn every value into 0 or infinity)
MIN_UNIT_SCALE, MAX_UNIT_SCALE = 1e-12, 1e15
#: characters of a unit string
MAX_UNIT_CHARS = 100

#: input files: the default size limit in MB (raised or lowered with [limits] max_file_mb
#: in study.toml) and the most a study may raise it to; checked before a file is read
DEFAULT_MAX_FILE_MB = 200
MAX_FILE_MB_CEILING = 4_096
#: study.toml: size and nesting depth of arrays and tables
MAX_TOML_BYTES = 1_048_576
MAX_TOML_DEPTH = 32
#: one table (a CSV file or a workbook sheet): rows, columns and filled cells
MAX_TABLE_ROWS = 1_048_576
MAX_TABLE_COLUMNS = 1_024
MAX_TABLE_CELLS = 10_000_000
#: characters of one cell (Excel's own limit)
MAX_CELL_CHARS = 32_767
#: XLSX: uncompressed size of one part (sheet XML, shared strings), of all parts read,
#: the compression ratio of a part above 10 MB (a ZIP bomb unpacks 1000:1), and the
#: number of parts in the container
MAX_XLSX_PART_MB = 512
MAX_XLSX_TOTAL_MB = 1_024
MAX_XLSX_RATIO = 200
MAX_XLSX_PARTS = 10_000
#: the `carbonpath weights` matrix: criteria (columns) and alternatives (rows)
MAX_MATRIX_COLUMNS = 1_000_000
MAX_MATRIX_ROWS = 100_000
