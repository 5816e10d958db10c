"""Normalisation: hand values and linear cost in the number of indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonpath.core.errors import InputError
from carbonpath.index.normalise import normalise


class Label:
    """A column label that counts its equality comparisons (a quadratic scan of the
    columns makes O(m^2) of them; hashing makes O(m))."""

    calls = 0

    def __init__(self, n: int) -> None:
        self.n = n

    def __hash__(self) -> int:
        return hash(self.n)

    def __eq__(self, other: object) -> bool:
        Label.calls += 1
        return isinstance(other, Label) and self.n == other.n

    def __str__(self) -> str:
        return f"c{self.n}"

    __repr__ = __str__


def wide(m: int, rows: int = 6) -> pd.DataFrame:
    a = np.random.default_rng(0).random((rows, m))
    a[:, ::2] = 1.0  # every other column constant
    return pd.DataFrame(a, columns=pd.Index([Label(j) for j in range(m)], dtype=object))


def test_hand_values_all_methods() -> None:
    x = pd.DataFrame({"p": [1.0, 2.0, 4.0], "n": [10.0, 30.0, 20.0]})
    d = {"p": "+", "n": "-"}
    mm = normalise(x, d, "minmax").values
    np.testing.assert_allclose(mm["p"], [0, 1 / 3, 1])
    np.testing.assert_allclose(mm["n"], [1, 0, 0.5])
    ratio = normalise(x, d, "ratio").values
    np.testing.assert_allclose(ratio["p"], [1 / 4, 2 / 4, 1])
    np.testing.assert_allclose(ratio["n"], [1, 10 / 30, 10 / 20])
    z = normalise(x, d, "zscore").values
    sd = np.std([1, 2, 4], ddof=1)
    np.testing.assert_allclose(z["p"], 0.5 + (np.array([1, 2, 4]) - 7 / 3) / sd / 6)
    with pytest.raises(InputError, match="unknown column"):
        normalise(x, {"q": "+"})


def test_directions_are_matched_in_linear_time() -> None:
    m = 3000
    raw = wide(m)
    directions = {Label(j): ("-" if j % 3 else "+") for j in range(m)}  # equal, not identical
    Label.calls = 0
    out = normalise(raw, directions, "minmax")
    assert Label.calls <= 4 * m  # a list scan would make ~ m^2 / 2 = 4.5 million
    assert len(out.constant) == m // 2
    col = raw.columns[1]
    v = raw[col].to_numpy()
    np.testing.assert_allclose(out.values[col], (v.max() - v) / (v.max() - v.min()))
