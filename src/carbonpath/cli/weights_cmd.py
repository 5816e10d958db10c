"""``carbonpath weights MATRIX.csv``: objective weights and scores for any decision matrix.

First column = row labels (years, regions, alternatives); other columns = criteria.
With ``--normalise minmax`` (default) the paper's range method is applied first
(``--negative`` names the smaller-is-better columns); with ``--normalise none`` the
weights are computed on the raw matrix, which must already be oriented and
non-negative (that is how published entropy vectors are computed: p = x / sum x).

The file is read through :func:`carbonpath.io.files.read_input` (a regular file, at
most the input size limit, not binary) and parsed in one linear pass, so a matrix of
200,000 columns takes seconds; at most :data:`~carbonpath.core.limits.MAX_MATRIX_ROWS`
rows and :data:`~carbonpath.core.limits.MAX_MATRIX_COLUMNS` columns.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

METHODS = ("entropy", "critic", "cv", "equal")


def _rows(path: Path) -> list[list[str]]:
    """The CSV rows of the matrix file (bounded, decoded as UTF-8)."""
    import csv
    import io

    from carbonpath.core.errors import InputError
    from carbonpath.core.limits import MAX_MATRIX_COLUMNS, MAX_MATRIX_ROWS
    from carbonpath.io.files import locate_input, read_input

    if locate_input(path, label=path.name) is None:
        raise InputError(f"matrix file not found: {path}")
    data = read_input(
        path,
        label=path.name,
        text=True,
        limit_fix="check that this is the right file",
        binary_fix="export the matrix as CSV (UTF-8)",
    ).data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path.name}, row {line}: is not UTF-8 text", fix="save it as UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) > MAX_MATRIX_ROWS or len(row) > MAX_MATRIX_COLUMNS + 1:
                raise InputError(
                    f"{path.name}: more than {MAX_MATRIX_ROWS:,} rows or "
                    f"{MAX_MATRIX_COLUMNS:,} columns",
                    fix="give a smaller matrix",
                )
            if any(c.strip() for c in row):
                rows.append(row)
    except csv.Error as exc:
        raise InputError(
            f"{path.name}: cannot read as CSV ({' '.join(str(exc).split())})"
        ) from None
    return rows


def _number(cell: str, where: str) -> float:
    import math

    from carbonpath.core.errors import InputError

    text = cell.strip().replace(",", "")
    try:
        v = float(text)
    except ValueError:
        raise InputError(f"{where}: '{cell[:40]}' is not a number") from None
    if not math.isfinite(v):
        raise InputError(f"{where}: value is missing or not finite")
    return v


def _read_matrix(path: Path) -> Any:
    """The matrix as a DataFrame: row labels as index, one float column per criterion."""
    import numpy as np
    import pandas as pd

    from carbonpath.core.errors import InputError

    rows = _rows(path)
    if not rows:
        raise InputError(f"{path.name}: cannot read as CSV (the file is empty)")
    header, body = rows[0], rows[1:]
    if len(header) < 2:
        raise InputError(f"{path.name}: need a label column and at least one criterion column")
    names = [h.strip() for h in header[1:]]
    if len(set(names)) != len(names):
        seen: set[str] = set()
        dup = next(n for n in names if n in seen or seen.add(n))  # type: ignore[func-returns-value]
        raise InputError(f"{path.name}: column '{dup}' appears twice")
    width = len(header)
    values = np.empty((len(body), width - 1), dtype=float)
    labels = []
    for i, row in enumerate(body):
        cells = (row + [""] * width)[:width]
        labels.append(cells[0].strip())
        try:  # the common case in one call; any doubt goes cell by cell for the message
            values[i] = np.array(cells[1:], dtype=float)
            ok = bool(np.isfinite(values[i]).all())
        except ValueError:
            ok = False
        if not ok:
            for j, cell in enumerate(cells[1:]):
                values[i, j] = _number(cell, f"{path.name}, row {i + 2}, column '{names[j]}'")
    index = pd.Index(labels, name=header[0].strip())
    if index.duplicated().any():
        raise InputError(f"{path.name}: row label '{index[index.duplicated()][0]}' appears twice")
    return pd.DataFrame(values, index=index, columns=names)


def _check_options(method: str, normalise_: str, neg: list[str], cols: list[str]) -> None:
    import difflib

    from carbonpath.core.errors import InputError

    if method not in METHODS:
        close = difflib.get_close_matches(method, METHODS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise InputError(f"unknown method '{method}'{hint}", fix="use entropy, critic, cv or equal")
    if normalise_ not in ("minmax", "none"):
        raise InputError(f"unknown normalisation '{normalise_}'", fix="use minmax or none")
    known = set(cols)
    for c in neg:
        if c not in known:
            close = difflib.get_close_matches(c, cols[:10_000], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise InputError(f"--negative: no column '{c}'{hint}")
    if normalise_ == "none" and neg:
        raise InputError(
            "--negative needs normalisation",
            fix="drop --normalise none, or orient the columns yourself (larger = better)",
        )
    if normalise_ == "none" and method == "critic":
        raise InputError(
            "CRITIC is defined on the min-max normalised matrix", fix="drop --normalise none"
        )


def _print(method: str, normalise_: str, epsilon: float, res: Any, scores: Any) -> None:
    for w in res.warnings:
        typer.echo(f"warning: {w}", err=True)
    typer.echo(f"method: {method}  normalise: {normalise_}  epsilon: {epsilon:g}")
    width = max(len(str(c)) for c in res.weights.index)
    lines = ["weights:"] + [f"  {str(c):<{width}}  {v:.6f}" for c, v in res.weights.items()]
    rw = max(len(str(r)) for r in scores.index)
    lines += ["scores:"] + [f"  {str(r):<{rw}}  {v:.6f}" for r, v in scores.items()]
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    @app.command("weights")
    def weights(
        matrix: Path = typer.Argument(
            ..., help="CSV: first column = row labels, other columns = criteria."
        ),
        method: str = typer.Option("entropy", "--method", help="entropy | critic | cv | equal."),
        negative: str = typer.Option(
            "", "--negative", help="Comma-separated smaller-is-better columns."
        ),
        normalise_: str = typer.Option("minmax", "--normalise", help="minmax | none."),
        epsilon: float = typer.Option(
            0.0, "--epsilon", help="Entropy: shift X by epsilon before p."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Objective criterion weights (entropy, CRITIC, CV, equal) and weighted scores."""
        from carbonpath.index.composite import composite_scores
        from carbonpath.index.normalise import normalise
        from carbonpath.index.weights import compute_weights

        neg = [c.strip() for c in negative.split(",") if c.strip()]
        if method not in METHODS or normalise_ not in ("minmax", "none"):
            _check_options(method, normalise_, neg, [])
        raw = _read_matrix(matrix)
        _check_options(method, normalise_, neg, list(raw.columns))
        if normalise_ == "none":
            x = raw
        else:
            # only the negative columns are named: the direction check is then linear
            x = normalise(raw, {c: -1 for c in neg} or None, "minmax").values
        res = compute_weights(x, method, epsilon=epsilon)
        scores = composite_scores(x, res.weights)
        if not as_json:
            _print(method, normalise_, epsilon, res, scores)
            return
        payload = {
            "method": method,
            "normalise": normalise_,
            "epsilon": float(epsilon),
            "negative": neg,
            "weights": {str(k): float(v) for k, v in res.weights.items()},
            "scores": {str(k): float(v) for k, v in scores.items()},
            "excluded": list(res.excluded),
            "warnings": list(res.warnings),
        }
        typer.echo(
            json.dumps(payload, indent=2, sort_keys=False, allow_nan=False, ensure_ascii=False)
        )
