"""Target tracking against hand calculations."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.pathways.targets import compound_rate, intensity_series, track_target


def test_hand_example_on_track() -> None:
    # intensity falls from 100 (2020) to 85 (2022); target: 20% below 2020 by 2025
    s = pd.Series({2020: 100.0, 2021: 92.0, 2022: 85.0})
    r = track_target(s, base_year=2020, target_year=2025, reduction=0.20, trend_years=2)
    assert r.target_value == pytest.approx(80.0, rel=1e-15)
    assert r.progress == pytest.approx(-0.15, rel=1e-12)
    assert r.share_achieved == pytest.approx(15.0 / 20.0, rel=1e-12)
    assert r.required_rate == pytest.approx((80.0 / 85.0) ** (1.0 / 3.0) - 1.0, rel=1e-12)
    assert r.trend_rate == pytest.approx((85.0 / 100.0) ** 0.5 - 1.0, rel=1e-12)
    assert r.trend_meets_requirement is True
    assert r.projected_value == pytest.approx(85.0 * 0.85**1.5, rel=1e-12)
    assert r.projected_meets_target is True
    assert r.status == "on_track"
    assert r.trend_start_year == 2020


def test_hand_example_off_track() -> None:
    s = pd.Series({2019: 101.0, 2020: 100.0, 2021: 99.0, 2022: 98.0})
    r = track_target(s, base_year=2020, target_year=2025, reduction=0.20)  # default 3 years
    assert r.trend_rate == pytest.approx((98.0 / 101.0) ** (1 / 3) - 1.0, rel=1e-12)
    assert r.required_rate == pytest.approx((80.0 / 98.0) ** (1 / 3) - 1.0, rel=1e-12)
    assert r.trend_meets_requirement is False
    assert r.projected_meets_target is False
    assert r.status == "off_track"


def test_target_year_observed() -> None:
    s = pd.Series({2018: 120.0, 2019: 110.0, 2020: 100.0, 2021: 90.0, 2022: 79.0, 2023: 78.0})
    met = track_target(s, base_year=2020, target_year=2022, reduction=0.20)
    assert met.status == "met" and met.observed_target_value == 79.0
    assert met.required_rate is None
    missed = track_target(s, base_year=2020, target_year=2021, reduction=0.20)
    assert missed.status == "missed"


def test_absolute_target_and_record() -> None:
    s = pd.Series({2019: 1000.0, 2020: 900.0, 2021: 880.0, 2022: 870.0})
    r = track_target(s, kind="absolute", base_year=2019, target_year=2030, reduction=0.5, unit="t")
    assert r.required_rate == pytest.approx((500.0 / 870.0) ** (1 / 8) - 1.0, rel=1e-12)
    d = r.to_dict()
    assert d["type"] == "absolute" and d["unit"] == "t" and d["observed_target_value"] is None


def test_errors() -> None:
    s = pd.Series({2020: 100.0, 2021: 92.0, 2022: 85.0})
    with pytest.raises(InputError, match="outside the data"):
        track_target(s, base_year=2015, target_year=2025, reduction=0.2, trend_years=2)
    with pytest.raises(InputError, match="trend window"):
        track_target(s, base_year=2020, target_year=2025, reduction=0.2)  # 3 years needs 2019
    with pytest.raises(InputError, match="0.20"):
        track_target(s, base_year=2020, target_year=2025, reduction=20, trend_years=2)
    with pytest.raises(InputError):
        track_target(s, base_year=2020, target_year=2020, reduction=0.2, trend_years=2)
    with pytest.raises(InputError):
        compound_rate(0.0, 1.0, 2)


def test_intensity_series() -> None:
    co2 = pd.Series({2020: 300.0, 2021: 310.0, 2022: 320.0})
    out = pd.Series({2021: 1e10, 2022: 2e10})
    i = intensity_series(co2, out)
    assert list(i.index) == [2021, 2022]
    assert i.loc[2022] == pytest.approx(320.0 / 2e10, rel=1e-15)
