"""Number formatting and tables of records."""

from __future__ import annotations

from carbonpath.report import html as report_html


def test_fmt_num() -> None:
    f = report_html.fmt_num
    assert f(None) == "–"
    assert f(float("nan")) == "–"
    assert f(1234567) == "1,234,567"
    assert f(995300.4) == "995,300"
    assert f(13.284) == "13.28"
    assert f(0.2757) == "0.2757"
    assert f(0.00012345) == "1.234e-04"
    assert f(-0.203, 3) == "-0.203"
    assert f(True) == "yes"


def test_fmt_pct_and_p() -> None:
    assert report_html.fmt_pct(0.066) == "6.6 %"
    assert report_html.fmt_pct(None) == "–"
    assert report_html.fmt_p(0.0319) == "0.032"
    assert report_html.fmt_p(0.0002) == "< 0.001"


def test_column_digits() -> None:
    cd = report_html.column_digits
    assert cd([587.79, 3.9986]) == 2  # five significant digits for the largest
    assert cd([0.1837, 0.0657]) == 4  # at most four decimals
    assert cd([984543.2, 12.0]) == 0
    assert cd([1.9027, 2.1622]) == 4
    assert cd([1, 2, 3]) is None  # integers keep their own format
    assert cd([None, "x"]) is None


def test_records_table_units_and_alignment() -> None:
    t = report_html.records_table(
        [{"year": 2015, "output_value_yuan": 1.5e10, "share_of_reference": 0.2}], "cap"
    )
    assert t is not None
    assert t.headers == ["Year", "Output value (10⁸ yuan)", "Share of all manufacturing (%)"]
    assert [c.text for c in t.rows[0]] == ["2015", "150.00", "20.0 %"]
    assert all(c.numeric for c in t.rows[0])
    assert report_html.records_table([], "none") is None


def test_records_table_fixed_decimals() -> None:
    t = report_html.records_table([{"b": 1.23456, "p": 0.0004}], "c", decimals={"b": 3})
    assert t is not None and [c.text for c in t.rows[0]] == ["1.235", "< 0.001"]


def test_unit_root_tables_nested_and_flat() -> None:
    nested = [
        {
            "variable": "lnC",
            "order": 1,
            "adf": {"stat": -3.2, "crit": {"5%": -3.0}, "p": 0.02, "verdict": "stationary"},
        }
    ]
    out = report_html.unit_root_tables(nested)
    assert list(out) == ["ADF"]
    row = out["ADF"][0]
    assert row["differenced"] == "first difference" and row["crit_5"] == -3.0
    assert report_html.unit_root_tables([{"variable": "x", "adf": -1.0}]) == {
        "ADF": [{"variable": "x", "adf": -1.0}]
    }
