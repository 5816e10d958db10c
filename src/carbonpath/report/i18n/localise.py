"""The results as a report in another language reads them: every message translated.

:func:`localised` returns a copy of ``results.to_dict()`` whose message fields (the
warnings of the run and of each step, the decomposition's notes, the skip reasons, the
quality findings' messages, the test verdicts, the conventions' sentences, the peaks'
notes) are in the report language (:mod:`carbonpath.report.i18n.messages`); every other
value is the same object.  The report builds its pages from that copy, so a warning is
translated wherever it shows (the summary, next to its table, in a figure's note).  In
English the results are returned as they are (the report is unchanged byte for byte).
"""

from __future__ import annotations

from typing import Any

from carbonpath.core.steps import STEPS
from carbonpath.report.i18n import language_of, text
from carbonpath.report.i18n.messages import Translator

__all__ = ["MESSAGE_PARTS", "localised", "messages_of"]

#: result parts whose ``warnings`` (and for decomposition ``notes``) the report shows
MESSAGE_PARTS = STEPS
_NOTED = ("decomposition",)
#: keys of a unit-root or cointegration test whose values are sentences
_TEST_TEXT = ("verdict", "status", "message", "p_bound")


def translator(d: dict[str, Any]) -> Translator:
    """A translator into the language of ``d``, marking unknown messages as the
    catalogue says."""
    lang = language_of(d)
    return Translator(lang, text("report.untranslated_mark", lang), text("word.list_sep", lang))


def _list(v: Any, tr: Translator) -> Any:
    return [tr(x) for x in v] if isinstance(v, list) else v


def _test(v: Any, tr: Translator) -> Any:
    """A test record ({stat, verdict, ...}) with its sentences translated."""
    if not isinstance(v, dict):
        return v
    return {k: tr(x) if k in _TEST_TEXT else x for k, x in v.items()}


def _stirpat(sp: dict[str, Any], tr: Translator) -> dict[str, Any]:
    """STIRPAT: the identity check, the k notes and convention, the test verdicts."""
    out = dict(sp)
    ident = sp.get("identity")
    if isinstance(ident, dict):
        out["identity"] = {**ident, "message": tr(ident.get("message"))}
    ridge = sp.get("ridge")
    if isinstance(ridge, dict):
        ridge = {**ridge, "k_sensitivity_notes": _list(ridge.get("k_sensitivity_notes"), tr)}
        conv = ridge.get("k_convention")
        if isinstance(conv, dict):
            ridge["k_convention"] = {**conv, "text": tr(conv.get("text"))}
        elif isinstance(conv, str):
            ridge["k_convention"] = tr(conv)
        out["ridge"] = {k: v for k, v in ridge.items() if k in sp["ridge"]}
    ur = sp.get("unit_roots")
    if isinstance(ur, list):
        out["unit_roots"] = [
            {k: _test(v, tr) for k, v in r.items()} if isinstance(r, dict) else r for r in ur
        ]
    co = sp.get("cointegration")
    out["cointegration"] = [_test(c, tr) for c in co] if isinstance(co, list) else _test(co, tr)
    panel = sp.get("panel")
    if isinstance(panel, dict) and isinstance(panel.get("model"), str):
        out["panel"] = {**panel, "model": tr(panel["model"])}
    return out


def _part(name: str, v: Any, tr: Translator) -> Any:
    """One step's results with its warnings (and notes, conventions) translated."""
    if not isinstance(v, dict):
        return v
    out = dict(v)
    if "warnings" in v:
        out["warnings"] = _list(v["warnings"], tr)
    if name in _NOTED and "notes" in v:
        out["notes"] = _list(v["notes"], tr)
    if name == "decomposition" and isinstance(v.get("zero_handling"), str):
        out["zero_handling"] = tr(v["zero_handling"])
    if name == "stirpat":
        out = _stirpat(out, tr)
    if name == "emissions" and isinstance(v.get("scope2"), dict):
        out["scope2"] = {**v["scope2"], "reason": tr(v["scope2"].get("reason"))}
    if name == "scenarios" and isinstance(v.get("peaks"), list):
        out["peaks"] = [
            {**r, "note": tr(r.get("note"))} if isinstance(r, dict) and "note" in r else r
            for r in v["peaks"]
        ]
    return out


def _quality(q: Any, tr: Translator) -> Any:
    if not isinstance(q, dict) or not isinstance(q.get("flags"), list):
        return q
    flags = [
        {**f, "message": tr(f.get("message"))} if isinstance(f, dict) else f for f in q["flags"]
    ]
    return {**q, "flags": flags}


def localised(d: dict[str, Any], tr: Translator | None = None) -> tuple[dict[str, Any], Translator]:
    """``d`` with its messages in the report language, and the translator (its
    ``missed`` lists the messages left in English); ``d`` itself in English."""
    tr = tr or translator(d)
    if tr.lang == "en":
        return d, tr
    out = dict(d)
    out["warnings"] = _list(d.get("warnings"), tr)
    if isinstance(d.get("skipped"), dict):
        out["skipped"] = {k: tr(v) for k, v in d["skipped"].items()}
    out["quality"] = _quality(d.get("quality"), tr)
    for name in MESSAGE_PARTS:
        if name in d:
            out[name] = _part(name, d[name], tr)
    return out, tr


def messages_of(d: dict[str, Any]) -> list[str]:
    """Every distinct message of ``d`` a report shows (in English), in first-seen order:
    what :func:`localised` translates."""
    seen: list[str] = []

    class _Collect(Translator):
        def __call__(self, message: Any) -> Any:
            if isinstance(message, str) and message and message not in seen:
                seen.append(message)
            return message

    localised(d, _Collect("zh"))
    return seen
