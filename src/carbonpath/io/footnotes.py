"""Footnote marks on numbers in printed tables: found, never read as digits.

Yearbooks mark cells with circled numbers (``1,234.5①``), superscripts (``567¹``),
asterisks, daggers or a letter (``89.1a``).  Unicode NFKC folds ``①`` and ``¹`` into
the digit ``1``, so a reader that normalises first turns ``1,234.5①`` into 1234.51 and
``567①`` into 5671 without a word.  :func:`split_mark` separates a trailing mark from
the number before any normalisation; :func:`has_mark` tells whether a cell carries one
anywhere (a CSV cell with a mark is refused; a yearbook entry may strip marks, each
stripped cell flagged).
"""

from __future__ import annotations

import re

__all__ = ["MARK_CHARS", "has_mark", "split_mark"]

#: circled, parenthesised and full-stop numbers, dingbat circles, superscripts, symbols
MARK_CHARS = (
    "\u2460-\u249b"  # ① .. ⑳, ⑴ .. ⒇, ⒈ .. ⒛
    "\u24ea-\u24ff"  # ⓪, ⓫ .. ⓿
    "\u2776-\u2793"  # ❶ .. ➓
    "\u00b9\u00b2\u00b3\u2070\u2074-\u2079"  # ¹ ² ³ ⁰ ⁴ .. ⁹
    "*\u2020\u2021\u203b"  # * † ‡ ※
)
_MARK = re.compile(rf"[{MARK_CHARS}]")
#: a number followed by marks, or by one letter (a, b ... as printed: ``89.1a``, ``89.1 (a)``)
_TRAILING = re.compile(
    rf"^(?P<num>.*?[0-9\uff10-\uff19])(?P<mark>[{MARK_CHARS}]+|\s*\(?[a-zA-Z]\)?)\s*$"
)


def has_mark(text: str) -> bool:
    """Whether ``text`` holds a footnote mark character (①, ¹, *, † ...)."""
    return bool(_MARK.search(text))


def split_mark(text: str) -> tuple[str, str]:
    """``"1,234.5①"`` -> ``("1,234.5", "①")``; ``"89.1 a"`` -> ``("89.1", "a")``;
    text without a trailing mark -> ``(text, "")``.  ``1.2e4`` keeps its exponent."""
    s = text.strip()
    m = _TRAILING.match(s)
    if not m:
        return s, ""
    mark = m.group("mark").strip()
    if mark.strip("()").lower() == "e":  # an exponent without digits is not a mark
        return s, ""
    return m.group("num").strip(), mark
