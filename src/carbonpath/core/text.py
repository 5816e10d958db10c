"""User text made safe to show and codes made comparable.

- :func:`display_text` removes bidirectional overrides and isolates (U+202A-U+202E,
  U+2066-U+2069), other invisible format characters (zero-width spaces and joiners,
  U+2060-U+2064, the BOM) and turns C0/C1 control characters into spaces, so that a
  sector name cannot reorder or hide text in HTML, XLSX or a figure.
- :func:`normalise_code` gives a code its NFC form; :func:`is_valid_code` accepts any
  Unicode letters and digits (``北京``, ``BJ``, ``110000``, ``DZA``) and ``_ . + -``
  after the first character (``36+37``).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["display_text", "is_valid_code", "normalise_code", "CODE_RULE"]

_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_MAX_CODE = 64

CODE_RULE = (
    "a code is letters and digits of any script (e.g. 39, C, BJ, 北京, 110000), "
    "optionally with '_', '.', '+' or '-' after the first character, at most "
    f"{_MAX_CODE} characters"
)


def display_text(text: object) -> str:
    """``text`` without invisible format characters, with control characters as spaces."""
    s = _INVISIBLE.sub("", str(text))
    return _CONTROL.sub(" ", s)


def normalise_code(text: object) -> str:
    """The NFC form of a code, without surrounding white space."""
    return unicodedata.normalize("NFC", str(text)).strip()


def _is_alnum(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("L", "N")


def is_valid_code(code: str) -> bool:
    """Whether ``code`` (already normalised) follows :data:`CODE_RULE`."""
    if not code or len(code) > _MAX_CODE or not _is_alnum(code[0]):
        return False
    return all(_is_alnum(ch) or ch in "_.+-" for ch in code[1:])
