"""``carbonpath weights MATRIX.csv``: objective weights and scores for any decision matrix.

First column = row labels (years, regions, alternatives); other columns = criteria.
With ``--normalise minmax`` (default) the paper's range method is applied first
(``--negative`` names the smaller-is-better columns); with ``--normalise none`` the
weights are computed on the raw matrix, which must already be oriented and
non-negative (that is how published entropy vectors are computed: p = x / sum x).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer


def _read_matrix(path: Path):
    import numpy as np
    import pandas as pd

    from carbonpath.core.errors import InputError

    if not path.is_file():
        raise InputError(f"matrix file not found: {path}")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"{path.name}: cannot read as CSV ({' '.join(str(exc).split())})"
        ) from None
    if df.shape[1] < 2:
        raise InputError(f"{path.name}: need a label column and at least one criterion column")
    labels = df.iloc[:, 0].str.strip()
    if labels.duplicated().any():
        raise InputError(
            f"{path.name}: row label '{labels[labels.duplicated()].iloc[0]}' appears twice"
        )
    out = {}
    for col in df.columns[1:]:
        vals = []
        for i, cell in enumerate(df[col], start=2):
            text = cell.strip().replace(",", "")
            try:
                v = float(text)
            except ValueError:
                raise InputError(
                    f"{path.name}, row {i}, column '{col}': '{cell}' is not a number"
                ) from None
            if not np.isfinite(v):
                raise InputError(
                    f"{path.name}, row {i}, column '{col}': value is missing or not finite"
                )
            vals.append(v)
        out[str(col).strip()] = vals
    return pd.DataFrame(out, index=pd.Index(labels.to_list(), name=str(df.columns[0])))


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
        import difflib

        from carbonpath.core.errors import InputError
        from carbonpath.index.composite import composite_scores
        from carbonpath.index.normalise import normalise
        from carbonpath.index.weights import compute_weights

        if method not in ("entropy", "critic", "cv", "equal"):
            close = difflib.get_close_matches(method, ["entropy", "critic", "cv", "equal"], n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise InputError(
                f"unknown method '{method}'{hint}", fix="use entropy, critic, cv or equal"
            )
        if normalise_ not in ("minmax", "none"):
            raise InputError(f"unknown normalisation '{normalise_}'", fix="use minmax or none")
        raw = _read_matrix(matrix)
        cols = list(raw.columns)
        neg = [c.strip() for c in negative.split(",") if c.strip()]
        for c in neg:
            if c not in cols:
                close = difflib.get_close_matches(c, cols, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise InputError(f"--negative: no column '{c}'{hint}")
        if normalise_ == "none":
            if neg:
                raise InputError(
                    "--negative needs normalisation",
                    fix="drop --normalise none, or orient the columns yourself (larger = better)",
                )
            if method == "critic":
                raise InputError(
                    "CRITIC is defined on the min-max normalised matrix",
                    fix="drop --normalise none",
                )
            x = raw
        else:
            x = normalise(raw, {c: (-1 if c in neg else 1) for c in cols}, "minmax").values
        res = compute_weights(x, method, epsilon=epsilon)
        scores = composite_scores(x, res.weights)
        if as_json:
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
            return
        for w in res.warnings:
            typer.echo(f"warning: {w}", err=True)
        typer.echo(f"method: {method}  normalise: {normalise_}  epsilon: {epsilon:g}")
        width = max(len(str(c)) for c in cols)
        typer.echo("weights:")
        for c, v in res.weights.items():
            typer.echo(f"  {str(c):<{width}}  {v:.6f}")
        rw = max(len(str(r)) for r in scores.index)
        typer.echo("scores:")
        for r, v in scores.items():
            typer.echo(f"  {str(r):<{rw}}  {v:.6f}")
