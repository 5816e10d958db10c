"""Sector labels: study order, label choice, CJK fallback, display-safe user text."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from carbonpath.report import figures, style
from tests.report.studies import CJK_NAMES, HOSTILE_NAMES, MEMBERS, results_for


def test_members_and_groups_in_study_order(full: dict[str, Any]) -> None:
    ctx = figures.build_context(full, style.StyleInfo(cjk_font=None))
    assert ctx.members == MEMBERS
    assert ctx.groups == [("g1", "Group one"), ("g2", "Group two")]
    assert ctx.group_of["A"] == "g1" and ctx.group_of["D"] == "g2"
    assert ctx.labels["B"] == "Beta electronics"
    assert ctx.colour("A") != ctx.colour("B")


def test_label_choice_code_and_name_zh(full: dict[str, Any]) -> None:
    d = copy.deepcopy(full)
    d["settings"]["report"]["labels"] = "code"
    assert figures.build_context(d, style.StyleInfo("x")).labels["D"] == "D"
    cjk = results_for("cjk").to_dict()
    cjk["settings"]["report"]["labels"] = "name_zh"
    assert (
        figures.build_context(cjk, style.StyleInfo("Noto Sans CJK SC")).labels["D"] == "医药制造业"
    )


def test_without_cjk_font_labels_fall_back_with_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    d = results_for("cjk").to_dict()
    assert d["study"]["sectors"][0]["name"] == CJK_NAMES["A"]
    ctx = figures.build_context(d, style.style_info())
    assert ctx.labels["A"] == "Sector A"
    assert ctx.notes and "CJK" in ctx.notes[0]
    d["settings"]["report"]["labels"] = "name_zh"
    d["study"]["sectors"][0]["name"] = "General equipment"
    ctx = figures.build_context(d, style.style_info())
    assert ctx.labels["A"] == "General equipment"


def test_user_text_is_display_safe_and_never_mathtext() -> None:
    d = results_for("hostile").to_dict()
    ctx = figures.build_context(d, style.StyleInfo(cjk_font=None))
    assert "\u202e" in HOSTILE_NAMES["D"] and "\u202e" in ctx.labels["D"]  # stored as given
    shown = ctx.label("D", width=200)
    assert "\u202e" not in shown and shown.endswith(" evil")
    assert ctx.label("A", width=200) == r"Cost \$5 and \$\$ \frac{"
    assert figures.plain("a\u200bb\x07c$") == r"ab c\$"
