"""The analyses' messages in the report language: English templates matched, not code.

The families, the pipeline, the study loader and the quality checks write their warnings,
notes, skip reasons and findings in English (results.json keeps them so).  A report in
another language translates each such message here, from the catalogue
``messages.<lang>.toml``: a list of entries ``{en, <lang>}`` whose ``en`` is the English
template with named placeholders and whose ``<lang>`` is the translation with the same
placeholders.  Each ``en`` template is compiled once to an anchored regular expression:
its literal text escaped, each placeholder a named group.  A placeholder may carry a kind:

- ``{name}``: kept as it is (sector names, file names, codes, numbers as formatted);
- ``{name:int}`` / ``{name:num}``: a whole number / any number, kept as it is (the kind
  only narrows the match);
- ``{name:msg}``: itself a message, translated recursively ("OLS not computed: {reason:msg}");
- ``{name:term}``: a word of a closed vocabulary (a unit dimension, "total"), looked up in
  the catalogue's ``[terms]`` (kept when absent); ``{name:terms}`` a ", "-separated list
  of such words, joined with the language's list separator; ``{name:msgs}`` a ", "-separated
  list of messages, each translated; ``{name:parts}`` a "; "-separated list of messages
  (which may hold commas themselves), each translated; ``{name:years}`` a list of years
  ("1997, 1998"), kept.

When several templates match, the one that keeps the least text untranslated wins,
then the one with the most literal text (the most specific).  A message no template matches stays in English with a visible mark and is
counted (:class:`Translator` ``.missed``), so the report can say how many are left.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "PLACEHOLDER",
    "Entry",
    "Translator",
    "entries",
    "placeholders",
    "terms",
    "translate",
]

HERE = Path(__file__).resolve().parent
#: ``{name}`` or ``{name:kind}`` in a template; ``{{`` and ``}}`` are literal braces
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?\}")
#: how a ``{name:parts}`` list is joined in each language
PART_SEPARATOR = {"zh": "；"}
KINDS = {
    "": r".*?",
    "msg": r".+?",
    "term": r".+?",
    "terms": r".+?",
    "msgs": r".+?",
    "parts": r".+?",
    "years": r"\d{4}(?:, \d{4})*",
    "int": r"-?\d+",
    "num": r"[-+]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|nan|-?inf",
}


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: the English template, its translation and its pattern."""

    en: str
    target: str
    pattern: re.Pattern[str]
    kinds: dict[str, str]
    literal: int  # characters of literal text (the most specific match wins)
    anchor: str  # the longest literal piece: a message must contain it to match


def _literal(piece: str) -> str:
    return piece.replace("{{", "{").replace("}}", "}")


def placeholders(template: str) -> dict[str, str]:
    """{name: kind} of a template's placeholders ('' for the plain kind)."""
    clean = template.replace("{{", "").replace("}}", "")
    return {m.group(1): m.group(2) or "" for m in PLACEHOLDER.finditer(clean)}


def compile_template(en: str, target: str) -> Entry:
    """An entry's anchored pattern: literal text escaped, placeholders as named groups
    (a placeholder used twice must match the same text both times)."""
    parts: list[str] = []
    pieces: list[str] = []
    kinds: dict[str, str] = {}
    pos = 0
    masked = en.replace("{{", "\0\0").replace("}}", "\1\1")
    for m in PLACEHOLDER.finditer(masked):
        lit = _literal(en[pos : m.start()])
        parts.append(re.escape(lit))
        pieces.append(lit)
        name, kind = m.group(1), m.group(2) or ""
        if kind not in KINDS:
            raise ValueError(f"message template {en!r}: unknown placeholder kind '{kind}'")
        if name in kinds:
            parts.append(f"(?P={name})")
        else:
            kinds[name] = kind
            parts.append(f"(?P<{name}>{KINDS[kind]})")
        pos = m.end()
    pieces.append(_literal(en[pos:]))
    parts.append(re.escape(pieces[-1]))
    pattern = re.compile("".join(parts), re.S)
    return Entry(en, target, pattern, kinds, sum(map(len, pieces)), max(pieces, key=len))


def _load(lang: str) -> dict[str, Any]:
    path = HERE / f"messages.{lang}.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


@functools.cache
def entries(lang: str) -> tuple[Entry, ...]:
    """The compiled entries of ``messages.<lang>.toml`` (none for English or a language
    without one); an English template given twice is refused."""
    out: list[Entry] = []
    seen: set[str] = set()
    for item in _load(lang).get("message", []):
        en, target = str(item["en"]), str(item[lang])
        if en in seen:
            raise ValueError(f"messages.{lang}.toml: the template {en!r} is given twice")
        seen.add(en)
        out.append(compile_template(en, target))
    return tuple(out)


@functools.cache
def terms(lang: str) -> dict[str, str]:
    """The closed vocabulary of ``{x:term}`` placeholders: English word -> translation."""
    return {str(k): str(v) for k, v in _load(lang).get("terms", {}).items()}


def _fill(target: str, values: dict[str, str]) -> str:
    """The translation with its placeholders replaced (literal ``{{``/``}}`` kept single)."""
    masked = target.replace("{{", "\0").replace("}}", "\1")
    out = PLACEHOLDER.sub(lambda m: values[m.group(1)], masked)
    return out.replace("\0", "{").replace("\1", "}")


@dataclass
class Translator:
    """Messages of one report in ``lang``; ``missed`` lists those left in English."""

    lang: str
    mark: str = "[EN] "
    separator: str = ", "
    missed: list[str] = field(default_factory=list)

    def __call__(self, message: Any) -> Any:
        """``message`` translated; non-strings and empty strings pass unchanged."""
        if not isinstance(message, str) or not message or self.lang == "en":
            return message
        done = translate(message, self.lang, self.separator)
        if done is None:
            if message not in self.missed:
                self.missed.append(message)
            return self.mark + message
        return done


def _value(kind: str, value: str, lang: str, sep: str) -> str | None:
    """A placeholder's value in ``lang`` (None: a nested message that is not known)."""
    if kind == "msg":
        return translate(value, lang, sep)
    if kind == "term":
        return terms(lang).get(value, value)
    if kind == "terms":
        return sep.join(terms(lang).get(v, v) for v in value.split(", "))
    if kind in ("msgs", "parts"):
        split, join = (", ", sep) if kind == "msgs" else ("; ", PART_SEPARATOR.get(lang, "; "))
        parts = [translate(v, lang, sep) for v in value.split(split)]
        return None if any(p is None for p in parts) else join.join(parts)  # type: ignore[arg-type]
    return value


def _kept(kinds: dict[str, str], m: re.Match[str]) -> int:
    """Characters of the message a match keeps untranslated (its plain placeholders)."""
    return sum(len(m.group(n)) for n, k in kinds.items() if k not in ("msg", "msgs", "parts"))


@functools.lru_cache(maxsize=65536)
def translate(message: str, lang: str, sep: str = ", ") -> str | None:
    """``message`` in ``lang``, or None when no template of the catalogue matches it
    (or a nested message of it is unknown).

    Of several matching templates the one that keeps the least text untranslated wins
    ("after corrections and gap filling: {message:msg}" over "{var} of sector ..." whose
    ``{var}`` would swallow the prefix), then the one with the most literal text.
    """
    best: tuple[tuple[int, int], str] | None = None
    for e in entries(lang):
        if e.anchor not in message:
            continue
        m = e.pattern.fullmatch(message)
        if m is None:
            continue
        score = (-_kept(e.kinds, m), e.literal)
        if best is not None and score <= best[0]:
            continue
        values = {n: _value(k, m.group(n), lang, sep) for n, k in e.kinds.items()}
        if any(v is None for v in values.values()):
            continue
        best = (score, _fill(e.target, values))  # type: ignore[arg-type]
    return None if best is None else best[1]
