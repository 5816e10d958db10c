"""display_text: what user text may not carry into a report, a workbook or a terminal."""

from __future__ import annotations

import unicodedata

import pytest

from carbonpath.core.text import display_text


@pytest.mark.parametrize(
    "ch",
    [
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",  # bidi embeddings and overrides
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",  # bidi isolates
        "\u061c",
        "\u200b",
        "\u200e",
        "\u200f",
        "\u2060",
        "\ufeff",  # marks, zero width
        "\U000e0041",
        "\U000e007f",  # tag characters (invisible text)
        "\ufffe",
        "\uffff",
        "\U0010ffff",
        "\ufdd0",  # non-characters
        "\ud800",  # a lone surrogate
    ],
)
def test_invisible_characters_are_removed(ch: str) -> None:
    assert display_text(f"a{ch}b") == "ab"


@pytest.mark.parametrize(
    "ch", ["\x00", "\x07", "\x1b", "\t", "\r", "\n", "\x7f", "\x85", "\u2028", "\u2029"]
)
def test_control_characters_become_spaces(ch: str) -> None:
    assert display_text(f"a{ch}b") == "a b"


def test_ordinary_text_is_kept() -> None:
    for text in ("化学原料和化学制品制造业", "Électronique", 'R&D <b> "q"', "36+37", "ﬁ"):
        assert display_text(text) == text
    # every printable character outside the removed classes survives (the Hangul
    # fillers U+115F/U+1160 are letters that show nothing: removed on purpose)
    kept = [
        chr(c)
        for c in range(0x20, 0x3000)
        if unicodedata.category(chr(c))[0] in "LNPS" and c not in (0x115F, 0x1160)
    ]
    assert display_text("".join(kept)) == "".join(kept)
