"""User text made safe to show and codes made comparable.

- :func:`display_text` removes bidirectional overrides and isolates (U+202A-U+202E,
  U+2066-U+2069, U+061C), other invisible format characters (zero-width spaces and
  joiners, U+2060-U+206F, the BOM, Hangul fillers, interlinear annotation marks, the
  tag characters U+E0000-U+E007F), lone surrogates and non-characters (U+FFFE, U+FFFF,
  U+FDD0-U+FDEF ...), and turns C0/C1 control characters and the line/paragraph
  separators U+2028/U+2029 into spaces, so that a sector name cannot reorder or hide
  text in HTML, XLSX, a figure or a terminal, and an XML writer never meets a
  character XML forbids.
- :func:`normalise_code` gives a code its NFC form; :func:`is_valid_code` accepts any
  Unicode letters and digits (``北京``, ``BJ``, ``110000``, ``DZA``) and ``_ . + -``
  after the first character (``36+37``).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["display_text", "is_valid_code", "normalise_code", "CODE_RULE"]

#: U+xFFFE and U+xFFFF of every plane are non-characters
_PLANE_ENDS = "".join(chr(p * 0x10000 + 0xFFFE) + chr(p * 0x10000 + 0xFFFF) for p in range(17))
_INVISIBLE = re.compile(
    "[\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff\ufdd0-\ufdef" + _PLANE_ENDS + "]"
)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
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
