"""``[stirpat]`` of study.toml as a typed settings model, parsed once at load.

Every key, its type, default and bound is documented in docs/methods/stirpat.md.
Terms (``response``, ``regressors``) are read with a fixed pattern, never evaluated:
``variable[scope]`` or ``variable[scope] / variable[scope]``.  ``k`` is a
:class:`~carbonpath.stirpat.krule.KRule`, ``k_grid`` a
:class:`~carbonpath.stirpat.krule.KGrid`; ``model_dump(mode="json")`` gives them back in
their study.toml form (the ``settings.stirpat`` section of results.json).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PlainSerializer, model_validator

from carbonpath.core.errors import InputError, suggest
from carbonpath.core.limits import MAX_BOOTSTRAP, MAX_LAG, MAX_REGRESSORS
from carbonpath.core.settings import SettingError, SettingsModel, parse
from carbonpath.core.text import display_text
from carbonpath.stirpat.krule import KGrid, KRule

__all__ = [
    "DEFAULT_REGRESSORS",
    "RESPONSE_NAME",
    "StirpatSettings",
    "Term",
    "parse_stirpat",
    "parse_term",
]

#: the name of the response in results (ln of ``response``)
RESPONSE_NAME = "lnC"
TRACE_TOL = 0.05
IDENTITY_TOL = 0.005

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PART = r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\[\s*([^\[\]/]+?)\s*\]\s*"
_SINGLE = re.compile(rf"^{_PART}$")
_RATIO = re.compile(rf"^{_PART}/{_PART}$")
_TERM_FIX = (
    'write "variable[scope]" or "variable[scope] / variable[scope]", '
    'e.g. "output_value[modern] / energy[modern]"'
)


@dataclass(frozen=True)
class Term:
    """``var[scope]`` or ``var[scope] / var[scope]`` as written in study.toml."""

    text: str
    num: tuple[str, str]
    den: tuple[str, str] | None = None

    def parts(self) -> list[tuple[str, str]]:
        """``[(variable, scope)]`` of the numerator (and denominator)."""
        return [self.num] + ([self.den] if self.den else [])

    def default_label(self) -> str:
        """The label a term gets unless ``[stirpat.labels]`` names it: ``ln <term>``."""
        return f"ln({self.text})" if self.den else f"ln {self.text}"


def parse_term(text: object) -> Term:
    """Parse a response/regressor term (regex only); ``SettingError`` when unreadable."""
    if isinstance(text, Term):
        return text
    if not isinstance(text, str):
        raise SettingError(f'expected a string like "employment[modern]", got {text!r}')
    m = _RATIO.match(text)
    if m:
        return Term(text.strip(), (m.group(1), m.group(2)), (m.group(3), m.group(4)))
    m = _SINGLE.match(text)
    if m:
        return Term(text.strip(), (m.group(1), m.group(2)))
    raise SettingError(f"cannot read {text!r}", _TERM_FIX)


DEFAULT_REGRESSORS: dict[str, str] = {
    "lnP": "employment[modern]",
    "lnA": "output_value[modern]",
    "lnT": "output_value[modern] / energy[modern]",
    "lnRE": "rd_expenditure[modern]",
}


def _regressors(value: Any) -> Any:
    """``{name: Term}`` in the order written; names are identifiers other than const."""
    if not isinstance(value, Mapping) or not value:
        raise SettingError('regressors must be a table of name = "variable[scope]"')
    if len(value) > MAX_REGRESSORS:
        raise SettingError(
            f"{len(value)} regressors, more than {MAX_REGRESSORS}",
            "use fewer regressors (the bound is documented in docs/study-format.md)",
        )
    out: dict[str, Term] = {}
    for name, spec in value.items():
        if not _NAME.match(str(name)) or name in ("const", RESPONSE_NAME):
            raise SettingError(
                f"regressor name '{name}' is not a plain identifier (or is 'const' "
                f"or '{RESPONSE_NAME}')",
                "use a name like lnP",
                key=str(name),
            )
        try:
            out[str(name)] = parse_term(spec)
        except SettingError as exc:
            raise SettingError(exc.message, exc.fix, key=str(name)) from None
    return out


def _krule(value: Any) -> KRule:
    try:
        return KRule.coerce(value)
    except InputError as exc:
        raise SettingError(exc.message, exc.fix) from None


def _kgrid(value: Any) -> KGrid:
    if isinstance(value, KGrid):
        return value
    if not isinstance(value, list | tuple) or len(value) != 3:
        raise SettingError(
            f"k_grid must be [start, stop, step] with 0 <= start < stop, step > 0, got {value!r}"
        )
    try:
        return KGrid(*value)
    except InputError as exc:
        raise SettingError(exc.message, exc.fix) from None


def _effects(value: Any) -> Any:
    """A list of "entity" / "time" without repeats, held in that order."""
    if not isinstance(value, list | tuple):
        return value  # the type check words it
    words = ("entity", "time")
    for item in value:
        if item not in words:
            raise SettingError(
                f"{item!r} is not an effect{suggest(str(item), words)}",
                'use ["entity"], ["entity", "time"] or [] (pooled)',
            )
    if len(set(value)) != len(value):
        raise SettingError(f"{list(value)!r} names an effect twice")
    return [w for w in words if w in value]


def _bandwidth(value: Any) -> Any:
    """``"auto"`` or a whole number of lags 0 .. MAX_LAG (checked against T at run time)."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    if value == "auto" or (whole and 0 <= value <= MAX_LAG):
        return value
    raise SettingError(
        f'must be "auto" or a whole number of lags from 0 to {MAX_LAG}, got {value!r}',
        'use bandwidth = "auto" (floor(4 (T/100)^(2/9))) or e.g. 2',
    )


def _labels(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    out = {}
    for name, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise SettingError(
                f"the label must be a non-empty string, got {text!r}",
                'e.g. lnP = "ln employment of the modern sectors"',
                key=str(name),
            )
        out[str(name)] = display_text(text).strip()
    return out


TermField = Annotated[Term, BeforeValidator(parse_term), PlainSerializer(lambda t: t.text)]
Regressors = Annotated[
    dict[str, Term],
    BeforeValidator(_regressors),
    PlainSerializer(lambda d: {k: t.text for k, t in d.items()}),
]
KRuleField = Annotated[KRule, BeforeValidator(_krule), PlainSerializer(lambda r: r.setting())]
KGridField = Annotated[KGrid, BeforeValidator(_kgrid), PlainSerializer(lambda g: g.setting())]
Effects = Annotated[list[Literal["entity", "time"]], BeforeValidator(_effects)]
Bandwidth = Annotated[Literal["auto"] | int, BeforeValidator(_bandwidth)]
Labels = Annotated[dict[str, str], BeforeValidator(_labels)]


class StirpatSettings(SettingsModel):
    """``[stirpat]``: the STIRPAT model, the ridge k rule, bootstrap and the panel model."""

    response: TermField = Field(default_factory=lambda: parse_term("co2[modern]"))
    regressors: Regressors = Field(
        default_factory=lambda: {k: parse_term(v) for k, v in DEFAULT_REGRESSORS.items()}
    )
    k: KRuleField = Field(default_factory=lambda: KRule("trace"))
    k_grid: KGridField = Field(default_factory=KGrid)
    trace_tol: Annotated[float, Field(gt=0, lt=1)] = TRACE_TOL
    bootstrap: Annotated[int, Field(ge=0, le=MAX_BOOTSTRAP)] = 2000
    panel: bool = True
    adf_regression: Literal["c", "ct"] = "c"
    effects: Effects = Field(default_factory=lambda: ["entity"])
    cov: Literal["cluster", "driscoll-kraay", "robust"] = "cluster"
    bandwidth: Bandwidth = "auto"
    identity_tol: Annotated[float, Field(gt=0, lt=1)] = IDENTITY_TOL
    labels: Labels = Field(default_factory=dict)
    #: unit of observation: "aggregate" (one time series, today's default), "sector"
    #: (also the panel over member sectors), "region" (the panel over regions, the
    #: default of a panel study; see :meth:`effective_unit`)
    unit: Literal["aggregate", "sector", "region"] = "aggregate"

    @model_validator(mode="after")
    def _check_together(self) -> StirpatSettings:
        known = [RESPONSE_NAME, *self.regressors]
        for name in self.labels:
            if name not in known:
                raise SettingError(
                    f"'{name}' is not the response or a regressor{suggest(name, known)}",
                    f"label one of: {', '.join(known)}",
                    key=f"labels.{name}",
                )
        if "bandwidth" in self.model_fields_set and self.cov != "driscoll-kraay":
            raise SettingError(
                f'bandwidth applies to cov = "driscoll-kraay" only (cov is "{self.cov}")',
                'remove bandwidth or set cov = "driscoll-kraay"',
                key="bandwidth",
            )
        return self

    def effective_unit(self, panel_study: bool) -> str:
        """The unit used: as written; without ``unit`` "region" in a panel study."""
        if panel_study and "unit" not in self.model_fields_set:
            return "region"
        return self.unit

    def label(self, name: str) -> str:
        """The words for a model term: ``[stirpat.labels]``, else ``ln <term>``."""
        if name in self.labels:
            return self.labels[name]
        term = self.response if name == RESPONSE_NAME else self.regressors[name]
        return term.default_label()

    def all_labels(self) -> dict[str, str]:
        """``{lnC: ..., <regressor>: ...}`` in model order."""
        return {name: self.label(name) for name in (RESPONSE_NAME, *self.regressors)}


def parse_stirpat(raw: Mapping[str, Any] | None) -> StirpatSettings:
    """Validate ``[stirpat]`` (``None``: every default); errors name ``stirpat.<key>``."""
    return parse(StirpatSettings, raw, prefix=("stirpat",))
