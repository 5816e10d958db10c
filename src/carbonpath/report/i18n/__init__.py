"""The report's words in each language: one catalogue, data not code.

Every heading, table header, caption, sentence and warning the report writes is looked
up here by a dotted key (``"section.summary"``, ``"header.co2_t"``). The words live in
TOML files next to this module: ``<lang>.toml`` (the report's catalogue) and any
``<part>.<lang>.toml`` (for example ``figures.en.toml``, the figures' words); all files
of a language are merged and a key defined twice is an error. Sentences carry named
fields (``"In {year} the most carbon-intensive industry was {name}"``) that
:func:`text` fills with ``str.format_map``; the templates are ours, never user text.

The analyses' own messages (warnings, notes, skip reasons, quality findings; English
in results.json) are translated by :mod:`.messages` from ``messages.<lang>.toml``.

A key missing in a language falls back to English (tests/report/test_i18n.py checks
that ``zh`` has every ``en`` key); a key missing in English is a ``KeyError``.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["LANGUAGES", "catalogue", "has_text", "language_of", "text"]

#: the report languages (study.toml ``[report] language``)
LANGUAGES = ("en", "zh")
HERE = Path(__file__).resolve().parent


def _flatten(table: dict[str, Any], prefix: str, out: dict[str, str], source: str) -> None:
    """Nested TOML tables as dotted keys; a key defined in two files is refused."""
    for k, v in table.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            _flatten(v, key + ".", out, source)
            continue
        if key in out:
            raise ValueError(f"catalogue key '{key}' defined twice (again in {source})")
        out[key] = str(v)


def _files(lang: str) -> list[Path]:
    """``<lang>.toml`` first, then every ``<part>.<lang>.toml`` in name order (not
    ``messages.<lang>.toml``: the analyses' messages, :mod:`.messages`)."""
    main = HERE / f"{lang}.toml"
    parts = sorted(
        p for p in HERE.glob(f"*.{lang}.toml") if p != main and not p.name.startswith("messages.")
    )
    return ([main] if main.is_file() else []) + parts


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of language ``lang`` (merged from its files) -> its text."""
    if lang not in LANGUAGES:
        raise ValueError(f"language '{lang}' is not one of {', '.join(LANGUAGES)}")
    out: dict[str, str] = {}
    for path in _files(lang):
        with path.open("rb") as fh:
            _flatten(tomllib.load(fh), "", out, path.name)
    return out


def has_text(key: str, lang: str = "en") -> bool:
    """True when ``key`` is in the catalogue (in ``lang`` or in English)."""
    return key in catalogue(lang) or key in catalogue("en")


def text(key: str, lang: str = "en", /, **fields: Any) -> str:
    """The text of ``key`` in ``lang`` (English when that language lacks it), fields filled.

    ``text("section.summary", "zh")`` -> ``"主要结论"``;
    ``text("find.peak_past", "en", scenario="low", year=2015)`` fills ``{scenario}``
    and ``{year}``. Unknown languages fall back to English.
    """
    lang = lang if lang in LANGUAGES else "en"
    words = catalogue(lang).get(key)
    if words is None:
        words = catalogue("en")[key]
    return words.format_map(fields) if fields else words


def language_of(d: dict[str, Any]) -> str:
    """The report language of plain results ``d`` (settings.report.language; 'en')."""
    settings = d.get("settings") if isinstance(d, dict) else None
    report = settings.get("report") if isinstance(settings, dict) else None
    lang = report.get("language") if isinstance(report, dict) else None
    return lang if lang in LANGUAGES else "en"
