"""The ridge parameter as the user gives it: a fixed k or the name of a rule, and the k grid.

This is the one place where k is parsed (study.toml ``[stirpat] k``, the ``ridge`` CLI's
``--k`` and the array-level :func:`~carbonpath.stirpat.kselect.choose_k` all go through
:meth:`KRule.coerce`).  Plain Python only, so that the settings model can use it without
loading numpy.

- ``KRule``: ``fixed`` with a value k >= 0 (SPSS correlation-form scale), or one of the
  rules ``trace``, ``hkb``, ``lw``, ``gcv`` (``auto`` is ``trace``).
- ``KGrid``: ``[start, stop, step]`` with ``0 <= start < stop``, ``step > 0`` and at most
  :data:`~carbonpath.core.limits.MAX_K_GRID_POINTS` points
  ``start, start + step, ..., <= stop``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from carbonpath.core.errors import InputError
from carbonpath.core.limits import MAX_K_GRID_POINTS

__all__ = ["RULES", "KGrid", "KRule", "RULE_FIX"]

#: the k rules, in the order they are reported
RULES: tuple[str, ...] = ("trace", "hkb", "lw", "gcv")
RULE_FIX = "use a number >= 0 or one of: trace, hkb, lw, gcv"

RuleName = Literal["fixed", "trace", "hkb", "lw", "gcv"]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class KRule:
    """A fixed ridge parameter (``rule == "fixed"``, ``value`` = k) or a k rule's name."""

    rule: RuleName
    value: float | None = None

    @classmethod
    def fixed(cls, k: float) -> KRule:
        """A fixed k; ``InputError`` unless k is a finite number >= 0."""
        if not _is_number(k) or not math.isfinite(k) or k < 0:
            raise InputError(f"k must be a number >= 0 or a rule name, got {k!r}")
        return cls("fixed", float(k))

    @classmethod
    def named(cls, name: str) -> KRule:
        """A rule by name (case and surrounding space ignored; ``auto`` = ``trace``)."""
        key = name.strip().lower()
        key = "trace" if key == "auto" else key
        if key not in RULES:
            raise InputError(f"unknown k rule '{name}'", fix=RULE_FIX)
        return cls(key)  # type: ignore[arg-type]

    @classmethod
    def coerce(cls, value: object) -> KRule:
        """A KRule from a setting: a KRule, a rule name, or a number (study.toml form)."""
        if isinstance(value, KRule):
            return value
        if isinstance(value, str):
            return cls.named(value)
        return cls.fixed(value)  # type: ignore[arg-type]

    @classmethod
    def from_text(cls, text: str) -> KRule:
        """A KRule from command-line text: a rule name, else a number (``--k 0.1``)."""
        key = text.strip().lower()
        if key in (*RULES, "auto"):
            return cls.named(key)
        try:
            value = float(key)
        except ValueError:
            raise InputError(
                f"--k {text!r} is neither a number nor a rule",
                fix="use a number >= 0 or one of: auto, trace, hkb, lw, gcv",
            ) from None
        if not (math.isfinite(value) and value >= 0):
            raise InputError(f"--k {text!r} must be a finite number >= 0")
        return cls("fixed", value)

    @property
    def is_fixed(self) -> bool:
        return self.rule == "fixed"

    def setting(self) -> str | float:
        """The study.toml / results.json form: the rule name, or k as a float."""
        return float(self.value) if self.is_fixed else self.rule  # type: ignore[arg-type]

    def __str__(self) -> str:
        return f"{self.value:g}" if self.is_fixed else self.rule


@dataclass(frozen=True)
class KGrid:
    """The k grid ``[start, stop, step]`` of the ridge trace (bounded, see module doc)."""

    start: float = 0.0
    stop: float = 1.0
    step: float = 0.01

    def __post_init__(self) -> None:
        values = (self.start, self.stop, self.step)
        if not all(_is_number(v) and math.isfinite(v) for v in values) or not (
            0 <= self.start < self.stop and self.step > 0
        ):
            raise InputError(
                "k_grid must be [start, stop, step] with 0 <= start < stop, step > 0, "
                f"got {list(values)!r}"
            )
        if self.count > MAX_K_GRID_POINTS:
            raise InputError(
                f"k_grid {list(values)!r} has {self.count:,} points, more than "
                f"{MAX_K_GRID_POINTS:,}",
                fix="use a larger step or a shorter range",
            )

    @property
    def count(self) -> int:
        """Number of grid points: floor((stop - start) / step) + 1."""
        return int(math.floor((self.stop - self.start) / self.step + 1e-9)) + 1

    def setting(self) -> list[float]:
        """The study.toml / results.json form ``[start, stop, step]``."""
        return [float(self.start), float(self.stop), float(self.step)]
