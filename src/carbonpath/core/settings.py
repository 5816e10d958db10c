"""Typed settings: the base model every study.toml section is parsed into, once.

Each method family owns a pydantic v2 model of its section (``accounting/settings.py``,
``stirpat/settings.py`` ...), built on :class:`SettingsModel`: unknown keys are refused,
types are strict (a TOML string is never read as a number), numbers are finite and every
count has a declared upper bound (:mod:`carbonpath.core.limits`).  :func:`parse` turns
pydantic's errors into carbonpath's one-line form::

    study.toml, key 'stirpat.k_grid': must be a list of 3 numbers, got str 'x'; fix: ...

A validator that needs its own words raises :class:`SettingError` (message and fix);
the key path is added by :func:`parse`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator

from carbonpath.core.errors import StudyError, suggest

__all__ = [
    "FILE",
    "Pair",
    "SettingError",
    "SettingsModel",
    "UnknownKeyError",
    "key_path",
    "parse",
    "settings_error",
]

FILE = "study.toml"

M = TypeVar("M", bound=BaseModel)


class SettingError(ValueError):
    """A setting's value cannot be used; ``message`` and ``fix`` are shown as written."""

    def __init__(self, message: str, fix: str | None = None, *, key: str | None = None) -> None:
        self.message = message
        self.fix = fix
        #: a sub-key below the validated field the message is about (e.g. a table entry)
        self.key = key
        super().__init__(message)


class UnknownKeyError(SettingError):
    """A table holds a key its model does not define."""

    def __init__(self, key: str, allowed: Sequence[str]) -> None:
        self.allowed = tuple(allowed)
        super().__init__(
            f"unknown key{suggest(key, self.allowed)}",
            f"remove it or check the spelling (keys here: {', '.join(self.allowed)}); "
            "see docs/study-format.md",
            key=key,
        )


def _tuple_from_list(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


#: ``[first, last]`` as TOML writes it, held as a tuple
Pair = Annotated[tuple[int, int], BeforeValidator(_tuple_from_list)]


class SettingsModel(BaseModel):
    """Base of every settings model: frozen, strict, finite, no unknown keys.

    Unknown keys are caught before field validation so that the message can name the
    key and suggest the closest known one.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        allow_inf_nan=False,
        populate_by_name=True,
        validate_default=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            allowed = [f.alias or name for name, f in cls.model_fields.items()]
            for key in data:
                if str(key) not in allowed and str(key) not in cls.model_fields:
                    raise UnknownKeyError(str(key), allowed)
        return data


def key_path(loc: Sequence[Any]) -> str:
    """``('index', 'indicators', 3, 'expr')`` -> ``'index.indicators[4].expr'``.

    ``loc`` holds 0-based list positions (pydantic's); the key counts from 1, as a user
    counts the ``[[index.indicators]]`` entries of study.toml.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_TYPE_WORDS = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "set_type": "a list",
}

_BOUND_WORDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _got(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return f"list {_shown(list(value))}"
    return f"{type(value).__name__} {_shown(value)}"


def _message(err: Mapping[str, Any]) -> tuple[str, str | None, tuple[Any, ...]]:
    """(message, fix, extra key parts) for one pydantic error."""
    etype = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    exc = ctx.get("error")
    if isinstance(exc, SettingError):
        return exc.message, exc.fix, ((exc.key,) if exc.key is not None else ())
    if etype == "missing":
        return "is required", "add it (see docs/study-format.md)", ()
    if etype == "extra_forbidden":  # safety net; SettingsModel names unknown keys itself
        return "unknown key", "remove it or check the spelling; see docs/study-format.md", ()
    if etype in _TYPE_WORDS:
        return f"must be {_TYPE_WORDS[etype]}, got {_got(value)}", None, ()
    if etype == "finite_number":
        return f"must be a finite number, got {_shown(value)}", None, ()
    if etype in _BOUND_WORDS:
        name, words = _BOUND_WORDS[etype]
        bound = ctx.get(name)
        fix = None
        if name in ("le", "lt"):
            fix = f"use a value {words} {bound} (the bound is documented in docs/study-format.md)"
        return f"must be {words} {bound}, got {_shown(value)}", fix, ()
    if etype == "literal_error":
        expected = str(ctx.get("expected", ""))
        words = [w.strip().strip("'\"") for w in expected.replace(" or ", ", ").split(",")]
        words = [w for w in words if w]
        return (
            f"{_shown(value)} is not allowed{suggest(str(value), words)}",
            f"use one of {', '.join(words)}",
            (),
        )
    if etype in ("too_short", "too_long"):
        lo, hi = ctx.get("min_length"), ctx.get("max_length")
        what = (
            f"exactly {lo}"
            if lo == hi
            else (f"at least {lo}" if etype == "too_short" else f"at most {hi}")
        )
        return f"must have {what} entries, got {ctx.get('actual_length')}", None, ()
    return " ".join(str(err.get("msg", "is invalid")).split()), None, ()


def settings_error(
    exc: ValidationError, *, prefix: Sequence[Any] = (), file: str = FILE
) -> StudyError:
    """The first of pydantic's errors as a located one-line :class:`StudyError`."""
    errors = exc.errors(include_url=False)
    err = errors[0]
    message, fix, extra = _message(err)
    loc = [p for p in (*prefix, *err["loc"], *extra) if not _is_union_tag(p)]
    return StudyError(message, file=file, key=key_path(loc) or None, fix=fix)


def _is_union_tag(part: Any) -> bool:
    """Pydantic adds the union member (``'int'``, ``'function-after[...]'``) to the location."""
    text = str(part)
    return text.startswith(("function-", "constrained-")) or text in (
        "int",
        "float",
        "str",
        "bool",
        "list[float]",
        "list[int]",
        "list[str]",
        "dict[str,float]",
        "tuple[int, int]",
    )


def parse(
    model: type[M], raw: Mapping[str, Any] | None, *, prefix: Sequence[Any] = (), file: str = FILE
) -> M:
    """Validate ``raw`` (a TOML table) into ``model``; errors become one-line StudyErrors.

    ``prefix`` is the key path of the table inside study.toml (``("stirpat",)``).
    """
    data = {} if raw is None else raw
    if not isinstance(data, Mapping):
        where = key_path(prefix) or None
        raise StudyError(f"must be a table, got {_got(data)}", file=file, key=where)
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise settings_error(exc, prefix=prefix, file=file) from None
