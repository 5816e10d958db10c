"""The report shows B under every k rule side by side and states the identity check."""

from __future__ import annotations

from carbonpath.report.html import drivers

ROWS = [
    {
        "term": "lnP",
        "label": "ln employment[modern]",
        "b_trace": 2.1837618,
        "b_hkb": -5.9089914,
        "b_lw": 1.6128801,
        "b_gcv": 2.2178153,
        "sign_change": True,
    },
    {
        "term": "lnT",
        "label": "ln(output_value[modern] / energy[modern])",
        "b_trace": -0.82996,
        "b_hkb": -3.53008,
        "b_lw": -1.23651,
        "b_gcv": -0.88058,
        "sign_change": False,
    },
]


def _sp(identity: dict | None = None) -> dict:
    return {
        "ridge": {"k_sensitivity": ROWS, "k_sensitivity_notes": ["lnP's sign depends on k"]},
        "identity": identity or {"holds": False, "message": None},
    }


def test_every_rule_side_by_side_with_words_and_sign_changes() -> None:
    t = drivers.k_sensitivity_table(_sp(), "en")
    assert t is not None
    assert t.headers == [
        "Symbol",
        "Meaning",
        "B (trace)",
        "B (HKB)",
        "B (L-W)",
        "B (GCV)",
        "Sign changes",
    ]
    first = [c.text for c in t.rows[0]]
    # three decimals, as the coefficient tables
    assert first == [
        "lnP",
        "ln of employment of the studied industries",
        "2.184",
        "-5.909",
        "1.613",
        "2.218",
        "yes",
    ]
    second = [c.text for c in t.rows[1]]
    assert second[1].startswith("ln of output value") and second[-1] == "no"


def test_chinese_headers() -> None:
    t = drivers.k_sensitivity_table(_sp(), "zh")
    assert (
        t is not None
        and t.caption == "各 k 规则下的岭回归弹性系数 B"
        and t.headers[-1] == "符号改变"
    )


def test_identity_is_stated_only_when_it_holds() -> None:
    assert drivers._identity_warning(_sp()) == []
    said = "lnC = const + lnP + lnA: elasticities near 1 by construction"
    assert drivers._identity_warning(_sp({"holds": True, "message": said})) == [said]
