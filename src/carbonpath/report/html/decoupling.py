"""The decoupling tables: Tapio (2005) states per unit and period, and the LMDI effects'
contributions to each elasticity.

``e = (dC / C0) / (dG / G0)`` (CO2 against the driver, GDP or output); the state is
read off e with the boundaries ``weak`` (0.8) and ``strong`` (1.2).  The effort table
splits e into the LMDI effects: ``e_k = (dC_k / C0) / (dG / G0)``, which add up to e.
"""

from __future__ import annotations

from typing import Any

from carbonpath.report.html.summary import effect_name
from carbonpath.report.html.tables import Table, records_table
from carbonpath.report.i18n import has_text, text

__all__ = ["decoupling_tables"]


def _rows(obj: Any) -> list[dict[str, Any]]:
    return [r for r in obj or [] if isinstance(r, dict)] if isinstance(obj, list) else []


def unit_words(row: dict[str, Any], keys: list[str], lang: str) -> dict[str, str]:
    """The unit columns of a row; ``total`` in words (the sum of regions, all sectors)."""
    return {
        k: text("word.all_units", lang) if str(row.get(k)) == "total" else str(row.get(k, ""))
        for k in keys
    }


def state_words(state: Any, lang: str) -> str:
    """A Tapio state in the report language ('weak decoupling' in Chinese ...)."""
    key = "tapio." + str(state).replace(" ", "_")
    return text(key, lang) if has_text(key, lang) else str(state)


def _driver(dc: dict[str, Any], lang: str) -> str:
    key = f"variable.{dc.get('driver', '')}"
    return text(key, lang) if has_text(key, lang) else str(dc.get("driver", ""))


def _states(dc: dict[str, Any], keys: list[str], lang: str) -> Table | None:
    rows = [
        {
            **unit_words(r, keys, lang),
            "period": f"{r.get('period_start')}-{r.get('period_end')}",
            "pct_driver": r.get("pct_driver"),
            "pct_co2": r.get("pct_co2"),
            "elasticity": r.get("elasticity"),
            "state": state_words(r.get("state"), lang),
        }
        for r in _rows(dc.get("states"))
    ]
    return records_table(
        rows,
        text("caption.decoupling", lang, driver=_driver(dc, lang)),
        [*keys, "period", "pct_driver", "pct_co2", "elasticity", "state"],
        headers={"elasticity": text("header.decoupling_e", lang)},
        note=text("note.decoupling", lang, weak=dc.get("weak"), strong=dc.get("strong")),
        decimals={"elasticity": 3},
        lang=lang,
        sheet="decoupling",
    )


def _effort(dc: dict[str, Any], keys: list[str], lang: str) -> Table | None:
    """One row per unit and period, one column per LMDI effect (its e_k)."""
    by: dict[tuple[Any, ...], dict[str, Any]] = {}
    effects: list[str] = []
    for r in _rows(dc.get("effort")):
        k = (*(r.get(c) for c in keys), r.get("period_start"), r.get("period_end"))
        row = by.setdefault(k, {**unit_words(r, keys, lang), "period": f"{k[-2]}-{k[-1]}"})
        name = str(r.get("effect"))
        effects += [] if name in effects else [name]
        row[f"e_{name}"] = r.get("contribution")
    cols = [*keys, "period", *(f"e_{n}" for n in effects)]
    return records_table(
        list(by.values()),
        text("caption.decoupling_effort", lang),
        cols,
        headers={f"e_{n}": effect_name(n, lang) for n in effects},
        note=text("note.decoupling_effort", lang),
        decimals={f"e_{n}": 3 for n in effects},
        lang=lang,
        sheet="decoupling_effort",
    )


def decoupling_tables(d: dict[str, Any], lang: str) -> list[Table]:
    """The decoupling tables of the results (none when the step did not run)."""
    dc = d.get("decoupling")
    if not isinstance(dc, dict):
        return []
    keys = [str(k) for k in dc.get("keys") or []]
    return [t for t in (_states(dc, keys, lang), _effort(dc, keys, lang)) if t is not None]
