"""Study-level low-carbon development index: config validation and :func:`run_index`.

Reads the ``[index]`` table of study.toml, evaluates every indicator expression through
the study's scope resolver, normalises (paper section 3.3.2), weights (eqs. 2-5 or an
alternative), aggregates (eq. 6, subsystems, TOPSIS, coupling coordination, obstacle
degree), and runs the robustness analysis.  Method code lives in ``normalise``,
``weights``, ``composite`` and ``robustness``; this module only feeds them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from carbonpath.core import expr as expr_mod
from carbonpath.core.errors import InputError, StudyError, did_you_mean
from carbonpath.core.results import jsonable
from carbonpath.index.normalise import METHODS as NORMALISATIONS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["IndexResults", "run_index", "validate_config"]

FILE = "study.toml"
WEIGHT_METHODS = ("entropy", "critic", "cv", "equal", "user")
TOP_KEYS = (
    "normalisation",
    "method",
    "epsilon",
    "weights",
    "panel",
    "robustness",
    "bootstrap",
    "coupling_alpha",
    "indicators",
)
INDICATOR_KEYS = ("name", "label", "expr", "direction", "subsystem")
ROBUSTNESS_KEYS = ("draws", "methods", "normalisations", "epsilons", "leave_one_out")
DEFAULT_ROBUSTNESS = {
    "draws": 1000,
    "methods": ["entropy", "critic", "cv", "equal"],
    "normalisations": ["minmax", "zscore", "ratio"],
    "epsilons": [0.0, 1e-4, 1e-3, 1e-2],
    "leave_one_out": True,
}


def _err(message: str, key: str, fix: str | None = None) -> StudyError:
    return StudyError(message, file=FILE, key=key, fix=fix)


def _unknown_keys(table: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for k in table:
        if k not in allowed:
            hint = did_you_mean(str(k), allowed)
            raise _err(
                f"unknown key '{k}'{hint}",
                f"{prefix}.{k}",
                fix=f"allowed keys: {', '.join(allowed)}",
            )


def _choice(value: Any, allowed: tuple[str, ...], key: str, what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        hint = did_you_mean(str(value), allowed)
        raise _err(f"unknown {what} '{value}'{hint}", key, fix=f"use one of {', '.join(allowed)}")
    return value


def _number(value: Any, key: str, *, lo: float = 0.0) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < lo
    ):
        raise _err(f"must be a number >= {lo:g}, got {value!r}", key)
    return float(value)


def _count(value: Any, key: str, *, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise _err(f"must be a whole number >= {lo}, got {value!r}", key)
    return int(value)


def _direction(value: Any, key: str) -> str:
    text = str(value).strip().lower()
    if text in {"+", "positive"}:
        return "+"
    if text in {"-", "negative"}:
        return "-"
    raise _err(
        f"bad direction {value!r}", key, fix="use '+' (larger is better) or '-' (smaller is better)"
    )


def validate_config(raw: dict | None) -> dict:
    """Validate the ``[index]`` table of study.toml and fill defaults.

    Raises :class:`StudyError` (file ``study.toml``, key ``index.<...>``) on unknown keys,
    bad directions, unknown methods and expression syntax errors (naming the indicator).
    Accepts its own output (idempotent).
    """
    raw = dict(raw or {})
    if not isinstance(raw, dict):  # pragma: no cover - guarded by dict() above
        raise _err("must be a table", "index")
    _unknown_keys(raw, TOP_KEYS, "index")
    out: dict[str, Any] = {}
    out["normalisation"] = _choice(
        raw.get("normalisation", "minmax"), NORMALISATIONS, "index.normalisation", "normalisation"
    )
    out["method"] = _choice(
        raw.get("method", "entropy"), WEIGHT_METHODS, "index.method", "weighting method"
    )
    out["epsilon"] = _number(raw.get("epsilon", 0.0), "index.epsilon")
    if out["epsilon"] >= 1:
        raise _err(
            f"epsilon {out['epsilon']:g} is too large (usual: 0.0001, 0.001 or 0.01)",
            "index.epsilon",
        )
    panel = raw.get("panel", False)
    if not isinstance(panel, bool):
        raise _err(f"must be true or false, got {panel!r}", "index.panel")
    out["panel"] = panel

    rob = raw.get("robustness", True)
    if rob is False:
        out["robustness"] = False
    elif rob is True:
        out["robustness"] = {
            k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULT_ROBUSTNESS.items()
        }
    elif isinstance(rob, dict):
        _unknown_keys(rob, ROBUSTNESS_KEYS, "index.robustness")
        r = {k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULT_ROBUSTNESS.items()}
        if "draws" in rob:
            r["draws"] = _count(rob["draws"], "index.robustness.draws", lo=1)
        for k, allowed in (("methods", WEIGHT_METHODS[:-1]), ("normalisations", NORMALISATIONS)):
            if k in rob:
                vals = rob[k]
                if not isinstance(vals, list) or not vals:
                    raise _err("must be a non-empty list", f"index.robustness.{k}")
                r[k] = [_choice(v, allowed, f"index.robustness.{k}", k[:-1]) for v in vals]
        if "epsilons" in rob:
            vals = rob["epsilons"]
            if not isinstance(vals, list) or not vals:
                raise _err("must be a non-empty list", "index.robustness.epsilons")
            r["epsilons"] = [_number(v, "index.robustness.epsilons") for v in vals]
        if "leave_one_out" in rob:
            if not isinstance(rob["leave_one_out"], bool):
                raise _err("must be true or false", "index.robustness.leave_one_out")
            r["leave_one_out"] = rob["leave_one_out"]
        out["robustness"] = r
    else:
        raise _err(
            f"must be false or a table like {{draws = 1000}}, got {rob!r}", "index.robustness"
        )

    boot = raw.get("bootstrap", 1000)
    if boot is True:
        boot = 1000
    elif boot is False:
        boot = 0
    out["bootstrap"] = _count(boot, "index.bootstrap", lo=0)

    inds = raw.get("indicators", [])
    if not isinstance(inds, list):
        raise _err("must be an array of tables ([[index.indicators]])", "index.indicators")
    indicators: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, ind in enumerate(inds, start=1):
        key = f"index.indicators[{i}]"
        if not isinstance(ind, dict):
            raise _err("must be a table with name, expr and direction", key)
        _unknown_keys(ind, INDICATOR_KEYS, key)
        name = ind.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _err("every indicator needs a name", f"{key}.name")
        name = name.strip()
        if name in seen:
            raise _err(f"indicator name '{name}' is used twice", f"{key}.name")
        seen.add(name)
        text = ind.get("expr")
        if not isinstance(text, str) or not text.strip():
            raise _err(
                f"indicator '{name}' needs an expression",
                f"{key}.expr",
                fix='e.g. expr = "output_value[modern] / output_value[reference]"',
            )
        try:
            expr_mod.parse(text, name=name)
        except InputError as exc:
            raise StudyError(exc.message, file=FILE, key=f"{key}.expr", fix=exc.fix) from None
        if "direction" not in ind:
            raise _err(
                f"indicator '{name}' needs a direction",
                f"{key}.direction",
                fix="use '+' (larger is better) or '-' (smaller is better)",
            )
        direction = _direction(ind["direction"], f"{key}.direction")
        label = ind.get("label", name)
        if not isinstance(label, str):
            raise _err("label must be a string", f"{key}.label")
        sub = ind.get("subsystem", "")
        if not isinstance(sub, str):
            raise _err("subsystem must be a string", f"{key}.subsystem")
        indicators.append(
            {
                "name": name,
                "label": label,
                "expr": " ".join(text.split()),
                "direction": direction,
                "subsystem": sub.strip(),
            }
        )
    subs = [d["subsystem"] for d in indicators]
    if any(subs) and not all(subs):
        missing = next(i for i, s in enumerate(subs, start=1) if not s)
        raise _err(
            "either every indicator has a subsystem or none has",
            f"index.indicators[{missing}].subsystem",
        )
    out["indicators"] = indicators

    weights = raw.get("weights")
    if weights is not None:
        if not isinstance(weights, dict):
            raise _err("must be a table {indicator = weight}", "index.weights")
        if out["method"] != "user":
            raise _err(
                'user weights are only used with method = "user"',
                "index.weights",
                fix='set index.method = "user" or remove index.weights',
            )
        for k, v in weights.items():
            if k not in seen:
                hint = did_you_mean(str(k), sorted(seen))
                raise _err(f"weight for unknown indicator '{k}'{hint}", f"index.weights.{k}")
            _number(v, f"index.weights.{k}")
        missing_w = [n for n in seen if n not in weights]
        if missing_w:
            raise _err(
                f"no weight for indicator(s) {', '.join(sorted(missing_w))}", "index.weights"
            )
        if not sum(float(v) for v in weights.values()) > 0:
            raise _err("user weights sum to 0", "index.weights")
        out["weights"] = {k: float(v) for k, v in weights.items()}
    else:
        if out["method"] == "user":
            raise _err(
                'method "user" needs index.weights',
                "index.weights",
                fix="add [index.weights] with a weight per indicator",
            )
        out["weights"] = None

    alpha = raw.get("coupling_alpha")
    if alpha is not None:
        names = sorted({s for s in subs if s})
        if not isinstance(alpha, dict):
            raise _err("must be a table {subsystem = alpha}", "index.coupling_alpha")
        for k, v in alpha.items():
            if k not in names:
                raise _err(
                    f"unknown subsystem '{k}'",
                    f"index.coupling_alpha.{k}",
                    fix=f"subsystems: {', '.join(names) or 'none defined'}",
                )
            _number(v, f"index.coupling_alpha.{k}")
        if set(alpha) != set(names) or not math.isclose(
            sum(float(v) for v in alpha.values()), 1.0, abs_tol=1e-9
        ):
            raise _err(
                "coupling_alpha must give every subsystem a value, summing to 1",
                "index.coupling_alpha",
            )
        out["coupling_alpha"] = {k: float(v) for k, v in alpha.items()}
    else:
        out["coupling_alpha"] = None
    return out


# ------------------------------------------------------------------------ results
def _records(df: pd.DataFrame | None) -> list[dict]:
    if df is None:
        return []
    return jsonable(df)


@dataclass(frozen=True)
class IndexResults:
    """Everything the index computation produced; numbers unrounded."""

    weights: pd.DataFrame
    scores: pd.DataFrame
    subsystems: pd.DataFrame
    coupling: pd.DataFrame
    topsis: pd.DataFrame
    obstacles: pd.DataFrame
    alternative_weights: pd.DataFrame
    sensitivity: pd.DataFrame
    mean_abs_rank_shift: float | None
    weight_intervals: pd.DataFrame
    indicator_values: pd.DataFrame
    panel: dict[str, pd.DataFrame] | None
    settings: dict
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """JSON-ready plain data (lists of records; NaN -> None)."""
        out = {
            "weights": _records(self.weights),
            "scores": _records(self.scores),
            "subsystems": _records(self.subsystems),
            "coupling": _records(self.coupling),
            "topsis": _records(self.topsis),
            "obstacles": _records(self.obstacles),
            "alternative_weights": _records(self.alternative_weights),
            "sensitivity": {
                "per_year": _records(self.sensitivity),
                "mean_abs_rank_shift": jsonable(self.mean_abs_rank_shift),
                "weight_intervals": _records(self.weight_intervals),
                "settings": jsonable(self.settings.get("sensitivity", {})),
            },
            "indicator_values": _records(self.indicator_values),
            "settings": jsonable(self.settings),
            "warnings": list(self.warnings),
        }
        if self.panel is not None:
            out["panel"] = {k: _records(v) for k, v in self.panel.items()}
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables for tables/*.csv and the workbook (long format)."""
        t = {
            "index_weights": self.weights,
            "index_scores": self.scores,
            "index_subsystems": self.subsystems,
            "index_coupling": self.coupling,
            "index_topsis": self.topsis,
            "index_obstacles": self.obstacles,
            "index_alternative_weights": self.alternative_weights,
            "index_sensitivity": self.sensitivity,
            "index_weight_intervals": self.weight_intervals,
            "index_indicator_values": self.indicator_values,
        }
        if self.panel is not None:
            for k, v in self.panel.items():
                t[f"index_panel_{k}"] = v
        return {k: v for k, v in t.items() if v is not None and len(v.columns)}


# ---------------------------------------------------------------------------- run
def _evaluate_all(
    indicators: list[dict],
    resolve: Callable[[str, str], pd.Series],
    years: list[int],
    scope_swap: str | None = None,
) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    cols = {}
    for i, ind in enumerate(indicators, start=1):
        name = ind["name"]
        key = f"index.indicators[{i}].expr"
        tree = expr_mod.parse(ind["expr"], name=name)
        if scope_swap is not None:
            tree = expr_mod.replace_scope(tree, "modern", scope_swap)
        label = f"indicator '{name}'" + (f" (sector {scope_swap})" if scope_swap else "")
        try:
            s = expr_mod.evaluate(tree, resolve, years=years, name=name)
        except InputError as exc:
            msg = (
                exc.message
                if exc.message.startswith("indicator '")
                else f"indicator '{name}': {exc.message}"
            )
            if scope_swap:
                msg = msg.replace(f"indicator '{name}'", label, 1)
            raise StudyError(msg, file=FILE, key=key, fix=exc.fix) from None
        s = s.reindex(years)
        for y, v in s.items():
            if not np.isfinite(v):
                uses_lag = any(f in ind["expr"] for f in ("growth(", "lag("))
                fix = (
                    f"growth/lag need data for the year(s) before {y}; add them to the study data"
                    if uses_lag
                    else "check the variables it uses for that year"
                )
                raise StudyError(f"{label} has no value for year {y}", file=FILE, key=key, fix=fix)
        cols[name] = s.to_numpy(dtype=float)
    return pd.DataFrame(cols, index=pd.Index(years, name="year"))


def run_index(
    config: dict,
    resolve: Callable[[str, str], pd.Series],
    years: list[int],
    seed: int,
    members: list[str] | None = None,
) -> IndexResults:
    """Compute the low-carbon development index for ``years``.

    ``config`` is the ``[index]`` table (validated here if not already), ``resolve``
    the study's scope resolver (it may return years before ``years[0]``, used by
    lag/growth), ``seed`` drives the Monte Carlo and bootstrap, ``members`` are the
    member sector codes (needed for panel mode).
    """
    import numpy as np
    import pandas as pd

    from carbonpath.index.composite import (
        composite_scores,
        coupling_coordination,
        obstacle_degree,
        subsystem_scores,
        topsis_closeness,
    )
    from carbonpath.index.normalise import normalise
    from carbonpath.index.robustness import bootstrap_entropy_weights, monte_carlo
    from carbonpath.index.weights import compute_weights

    cfg = validate_config(config)
    inds = cfg["indicators"]
    if len(inds) < 2:
        raise _err(
            f"the index needs at least 2 indicators, got {len(inds)}",
            "index.indicators",
            fix="add [[index.indicators]] tables",
        )
    years = sorted({int(y) for y in years})
    if len(years) < 3:
        raise InputError(f"the index needs at least 3 study years, got {len(years)}")
    names = [d["name"] for d in inds]
    directions = {d["name"]: d["direction"] for d in inds}
    labels = {d["name"]: d["label"] for d in inds}
    subsys = {d["name"]: d["subsystem"] for d in inds}
    warns: list[str] = []

    def study_error(exc: InputError, key: str) -> StudyError:
        return StudyError(exc.message, file=FILE, key=key, fix=exc.fix)

    raw = _evaluate_all(inds, resolve, years)
    try:
        norm = normalise(raw, directions, cfg["normalisation"])
    except InputError as exc:
        raise study_error(exc, "index.normalisation") from None
    x = norm.values
    method, eps = cfg["method"], cfg["epsilon"]
    try:
        wres = compute_weights(x, method, epsilon=eps, user=cfg["weights"])
    except InputError as exc:
        raise study_error(exc, "index.method") from None
    warns.extend(wres.warnings)
    w = wres.weights

    # Alternative weights on the same normalised matrix (entropy also gives E_j, D_j).
    alt: dict[str, pd.Series] = {}
    ent_diag = None
    for m in ("entropy", "critic", "cv", "equal"):
        try:
            r = compute_weights(x, m, epsilon=eps)
            alt[m] = r.weights
            if m == "entropy":
                ent_diag = r.diagnostics
        except InputError as exc:
            alt[m] = pd.Series(np.nan, index=names)
            warns.append(f"alternative weights '{m}' not computed ({exc.message})")
    rank = w.rank(ascending=False, method="min").astype(int)
    weights_df = pd.DataFrame(
        {
            "indicator": names,
            "label": [labels[n] for n in names],
            "subsystem": [subsys[n] for n in names],
            "direction": [directions[n] for n in names],
            "weight": w.reindex(names).to_numpy(),
            "entropy": ent_diag["entropy"].reindex(names).to_numpy()
            if ent_diag is not None
            else np.nan,
            "divergence": ent_diag["divergence"].reindex(names).to_numpy()
            if ent_diag is not None
            else np.nan,
            "rank": rank.reindex(names).to_numpy(),
            "excluded": [n in wres.excluded for n in names],
        }
    )
    alt_df = pd.DataFrame(
        {"indicator": names, **{m: alt[m].reindex(names).to_numpy() for m in alt}}
    )

    scores = composite_scores(x, w)
    scores_df = pd.DataFrame({"year": years, "score": scores.to_numpy()})
    top = topsis_closeness(x, w)
    topsis_df = pd.DataFrame({"year": years, "closeness": top.to_numpy()})
    obs = obstacle_degree(x, w)
    obstacles_df = (
        obs.rename_axis("year")
        .reset_index()
        .melt(id_vars="year", var_name="indicator", value_name="obstacle")
    )

    has_subs = all(subsys.values())
    sub_names = list(dict.fromkeys(subsys.values())) if has_subs else []
    if has_subs:
        try:
            u = subsystem_scores(x, w, subsys)
        except InputError as exc:
            raise study_error(exc, "index.indicators") from None
        subsystems_df = (
            u.rename_axis("year")
            .reset_index()
            .melt(id_vars="year", var_name="subsystem", value_name="score")
        )
        if len(sub_names) >= 2:
            cc = coupling_coordination(u, cfg["coupling_alpha"])
            for y in cc.index[cc["c"].isna()]:
                warns.append(
                    f"coupling degree undefined in {y}: every subsystem score is 0 (D set to 0)"
                )
            coupling_df = cc.rename_axis("year").reset_index()
        else:
            coupling_df = pd.DataFrame(columns=["year", "c", "t", "d"])
            warns.append("coupling coordination needs at least 2 subsystems; not computed")
    else:
        subsystems_df = pd.DataFrame(columns=["year", "subsystem", "score"])
        coupling_df = pd.DataFrame(columns=["year", "c", "t", "d"])

    values_df = pd.DataFrame(
        {
            "year": np.repeat(years, len(names)),
            "indicator": names * len(years),
            "value": raw[names].to_numpy().ravel(),
            "normalised": x[names].to_numpy().ravel(),
        }
    )

    # Sensitivity: Monte Carlo (seed) and bootstrap of the entropy weights (seed + 1).
    sens_settings: dict[str, Any] = {"robustness": False, "bootstrap": cfg["bootstrap"]}
    sens_df = pd.DataFrame(columns=["year"])
    shift = None
    rob = cfg["robustness"]
    if rob:
        base_scores = scores if method == "user" else None
        mc = monte_carlo(
            raw,
            directions,
            baseline=(method, cfg["normalisation"], eps),
            draws=rob["draws"],
            seed=seed,
            methods=rob["methods"],
            normalisations=rob["normalisations"],
            epsilons=rob["epsilons"],
            leave_one_out=rob["leave_one_out"],
            baseline_scores=base_scores,
        )
        warns.extend(mc.warnings)
        sens_df = mc.summary.rename_axis("year").reset_index()
        shift = mc.mean_abs_rank_shift
        sens_settings["robustness"] = mc.settings
    intervals_df = pd.DataFrame(columns=["indicator", "weight", "median", "p5", "p95"])
    if cfg["bootstrap"] > 0:
        bs = bootstrap_entropy_weights(
            raw, directions, draws=cfg["bootstrap"], seed=seed + 1, epsilon=eps
        )
        base_ent = compute_weights(
            normalise(raw, directions, "minmax").values, "entropy", epsilon=eps
        ).weights
        intervals_df = pd.DataFrame(
            {
                "indicator": names,
                "weight": base_ent.reindex(names).to_numpy(),
                "median": bs["median"].reindex(names).to_numpy(),
                "p5": bs["lower"].reindex(names).to_numpy(),
                "p95": bs["upper"].reindex(names).to_numpy(),
            }
        )
        sens_settings["bootstrap_seed"] = seed + 1
        sens_settings["bootstrap_weights"] = (
            f"min-max + entropy (epsilon {eps:g}), years resampled with replacement, 5-95 % percentile"
        )

    panel = None
    if cfg["panel"]:
        panel = _run_panel(cfg, resolve, years, members, directions, warns)

    settings = {
        "normalisation": cfg["normalisation"],
        "method": method,
        "epsilon": eps,
        "years": years,
        "seed": int(seed),
        "directions": directions,
        "excluded": list(wres.excluded),
        "constant": list(norm.constant),
        "user_weights": cfg["weights"],
        "coupling_alpha": cfg["coupling_alpha"],
        "subsystem_weights": "global weights renormalised within each subsystem",
        "panel": cfg["panel"],
        "sensitivity": sens_settings,
    }
    return IndexResults(
        weights=weights_df,
        scores=scores_df,
        subsystems=subsystems_df,
        coupling=coupling_df,
        topsis=topsis_df,
        obstacles=obstacles_df,
        alternative_weights=alt_df,
        sensitivity=sens_df,
        mean_abs_rank_shift=shift,
        weight_intervals=intervals_df,
        indicator_values=values_df,
        panel=panel,
        settings=settings,
        warnings=tuple(dict.fromkeys(warns)),
    )


def _run_panel(
    cfg: dict,
    resolve: Callable[[str, str], pd.Series],
    years: list[int],
    members: list[str] | None,
    directions: dict[str, str],
    warns: list[str],
) -> dict[str, pd.DataFrame]:
    """Panel mode: ``modern`` -> each member sector; pooled normalisation and weights."""
    import pandas as pd

    from carbonpath.index.composite import composite_scores
    from carbonpath.index.normalise import normalise
    from carbonpath.index.weights import compute_weights

    if not members:
        raise _err(
            "panel mode needs the study's member sectors",
            "index.panel",
            fix="define member sectors or set index.panel = false",
        )
    frames = []
    for m in members:
        f = _evaluate_all(cfg["indicators"], resolve, years, scope_swap=str(m))
        f.index = pd.MultiIndex.from_product([[str(m)], f.index], names=["sector", "year"])
        frames.append(f)
    raw = pd.concat(frames)
    try:
        norm = normalise(raw, directions, cfg["normalisation"])
        wres = compute_weights(
            norm.values, cfg["method"], epsilon=cfg["epsilon"], user=cfg["weights"]
        )
    except InputError as exc:
        raise StudyError(
            f"panel: {exc.message}", file=FILE, key="index.panel", fix=exc.fix
        ) from None
    warns.extend(f"panel: {m}" for m in wres.warnings)
    scores = composite_scores(norm.values, wres.weights)
    names = list(raw.columns)
    wdf = pd.DataFrame({"indicator": names, "weight": wres.weights.reindex(names).to_numpy()})
    if wres.diagnostics is not None and "entropy" in wres.diagnostics:
        wdf["entropy"] = wres.diagnostics["entropy"].reindex(names).to_numpy()
        wdf["divergence"] = wres.diagnostics["divergence"].reindex(names).to_numpy()
    sdf = scores.rename("score").reset_index()
    vdf = raw.stack().rename("value").reset_index().rename(columns={"level_2": "indicator"})
    vdf["normalised"] = norm.values.stack().to_numpy()
    return {"weights": wdf, "scores": sdf, "indicator_values": vdf}
