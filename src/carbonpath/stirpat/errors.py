"""Typed errors of the STIRPAT family, so that callers never read message text.

Each is an :class:`~carbonpath.core.errors.InputError` (CLI exit code 2) raised by the
array-level methods for a design they cannot fit; the study step turns them into a
:class:`~carbonpath.core.errors.StudyError` naming the study.toml key.
"""

from __future__ import annotations

from carbonpath.core.errors import InputError

__all__ = [
    "AbsorbedRegressorError",
    "CollinearityError",
    "ConstantColumnError",
    "DesignError",
    "TooFewObservationsError",
]


class DesignError(InputError):
    """The regression design (y, X) cannot be fitted as given."""


class TooFewObservationsError(DesignError):
    """Fewer observations than the model needs (n < p + 2, or no residual df)."""


class ConstantColumnError(DesignError):
    """The response or a regressor does not vary, so its effect cannot be estimated."""


class CollinearityError(DesignError):
    """The regressors are perfectly collinear (one is a linear combination of others)."""


class AbsorbedRegressorError(DesignError):
    """A panel regressor does not vary once the entity (and time) effects are removed."""
