"""The figures' words (titles, captions, axes, legends) in the report's language.

The words are data: ``figures.<lang>.toml`` next to this module, nested tables read as
dotted keys under ``fig.`` (``fig.axis.year``).  Their layout is the report
catalogue's (``<part>.<lang>.toml``), so the files can join it unchanged and
:func:`text` can become that catalogue's ``text``.  A key missing in a language falls
back to English; a key missing in English is a ``KeyError`` (a bug, found by the tests).
Sentences carry named fields (``"Source: {source}"``) that :func:`text` fills with
``str.format_map``; the templates are ours, never user text.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

#: the languages the figures speak (study.toml ``[report] language``)
LANGUAGES = ("en", "zh")
HERE = Path(__file__).resolve().parent


def _flatten(table: dict[str, Any], prefix: str, out: dict[str, str]) -> None:
    for key, value in table.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}{key}.", out)
        else:
            out[f"{prefix}{key}"] = str(value)


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """Every figure key of ``lang`` -> its text (read once per process)."""
    out: dict[str, str] = {}
    with (HERE / f"figures.{lang}.toml").open("rb") as fh:
        _flatten(tomllib.load(fh), "", out)
    return out


def text(key: str, lang: str = "en", /, **fields: Any) -> str:
    """The words of ``key`` in ``lang`` (English when missing there), fields filled."""
    lang = lang if lang in LANGUAGES else "en"
    words = catalogue(lang).get(key)
    if words is None:
        words = catalogue("en")[key]
    return words.format_map(fields) if fields else words


def has_text(key: str, lang: str = "en") -> bool:
    """True when ``key`` is in the figures' words (in ``lang`` or in English)."""
    return key in catalogue(lang if lang in LANGUAGES else "en") or key in catalogue("en")


def language_of(d: dict[str, Any]) -> str:
    """The report language of plain results ``d`` (``settings.report.language``; "en")."""
    settings = d.get("settings") if isinstance(d, dict) else None
    report = settings.get("report") if isinstance(settings, dict) else None
    lang = report.get("language") if isinstance(report, dict) else None
    return lang if lang in LANGUAGES else "en"
