"""LMDI-I on arrays against hand calculations (Ang 2004, 2015; Ang & Liu 2007)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonpath.core.errors import InputError
from carbonpath.decomposition import lmdi


def L(a: float, b: float) -> float:
    """Logarithmic mean written out for the tests."""
    return a if a == b else (a - b) / (math.log(a) - math.log(b))


def test_logmean_values() -> None:
    assert lmdi.logmean(2.0, 1.0) == pytest.approx(1.0 / math.log(2.0), rel=1e-15)
    assert lmdi.logmean(3.0, 3.0) == 3.0
    assert lmdi.logmean(5.0, 2.0) == pytest.approx(3.0 / math.log(2.5), rel=1e-15)
    # close arguments: series L = sqrt-ish mean; compare with the defining formula in mpmath-free
    # form: L(1+e, 1) = e / log1p(e)
    e = 1e-12
    assert lmdi.logmean(1.0 + e, 1.0) == pytest.approx(e / math.log1p(e), rel=1e-12)
    with pytest.raises(InputError):
        lmdi.logmean(0.0, 1.0)


def test_zero_limit_by_hand_and_small_value_converges_to_it() -> None:
    """One sector, two fuels; fuel b appears in year T (Ang & Liu 2007 limit: mix gets C_b^T)."""
    c0 = np.array([[10.0, 0.0]])
    ct = np.array([[12.0, 3.0]])
    e0 = np.array([[100.0, 0.0]])
    et = np.array([[110.0, 40.0]])
    q0, qt = np.array([50.0]), np.array([60.0])
    eff = lmdi.decompose_pair_energy(c0, ct, e0, et, q0, qt)
    w = L(12.0, 10.0)
    hand = {
        "activity": w * math.log(60 / 50),
        "structure": 0.0,
        "intensity": w * math.log((150 / 60) / (100 / 50)),
        "mix": w * math.log((110 / 150) / (100 / 100)) + 3.0,
        "emission_factor": w * math.log((12 / 110) / (10 / 100)),
    }
    for x, v in hand.items():
        assert float(eff[x].sum()) == pytest.approx(v, rel=1e-12, abs=1e-12)
    # the pure small-value strategy approaches this limit as delta -> 0, slowly (1/ln delta)
    err = []
    for d in (1e-10, 1e-300):
        sv = lmdi.decompose_pair_energy(c0, ct, e0, et, q0, qt, delta=d, zero_limits=False)
        err.append(max(abs(float(sv[x].sum()) - hand[x]) for x in hand))
    assert err[1] < err[0]
    assert err[1] < 0.05 * 3.0


positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    c=st.lists(positive, min_size=12, max_size=12),
    e_scale=st.lists(st.floats(min_value=1.0, max_value=100.0), min_size=12, max_size=12),
    q=st.lists(positive, min_size=4, max_size=4),
)
def test_property_additive_sum_equals_change(
    c: list[float], e_scale: list[float], q: list[float]
) -> None:
    c_arr = np.array(c).reshape(2, 2, 3)  # year x sector x fuel
    e_arr = c_arr * np.array(e_scale).reshape(2, 2, 3)
    q_arr = np.array(q).reshape(2, 2)
    eff = lmdi.decompose_pair_energy(c_arr[0], c_arr[1], e_arr[0], e_arr[1], q_arr[0], q_arr[1])
    total = sum(float(v.sum()) for v in eff.values())
    change = float(c_arr[1].sum() - c_arr[0].sum())
    scale = float(max(c_arr[0].sum(), c_arr[1].sum()))
    assert abs(total - change) <= 1e-12 * scale + 1e-9
    big_l = L(float(c_arr[1].sum()), float(c_arr[0].sum()))
    prod = math.exp(sum(float(v.sum()) for v in eff.values()) / big_l)
    assert prod == pytest.approx(float(c_arr[1].sum() / c_arr[0].sum()), rel=1e-12)
