"""Compare two results.json files number by number (a refactoring check).

    python scripts/compare_results.py OLD/results.json NEW/results.json [--allow PATH ...]

Every key of OLD must be in NEW with the same value: strings, booleans and nulls equal,
numbers equal to the last bit (``--rtol`` relaxes that).  Keys that only NEW has are
listed as additions (allowed).  ``--allow`` names key paths (prefixes, ``a.b[3].c`` form)
whose values may differ; they are listed but do not fail.  Exit 0 when nothing else
differs, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any


def _walk(old: Any, new: Any, path: str, out: dict[str, list[str]], rtol: float) -> None:
    if isinstance(old, dict):
        if not isinstance(new, dict):
            out["changed"].append(f"{path}: was a table, now {type(new).__name__}")
            return
        for key, value in old.items():
            sub = f"{path}.{key}" if path else str(key)
            if key not in new:
                out["missing"].append(sub)
            else:
                _walk(value, new[key], sub, out, rtol)
        for key in new:
            if key not in old:
                out["added"].append(f"{path}.{key}" if path else str(key))
        return
    if isinstance(old, list):
        if not isinstance(new, list):
            out["changed"].append(f"{path}: was a list, now {type(new).__name__}")
            return
        if len(old) != len(new):
            out["changed"].append(f"{path}: {len(old)} entries, now {len(new)}")
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            _walk(a, b, f"{path}[{i}]", out, rtol)
        return
    same = old == new
    if not same and isinstance(old, int | float) and isinstance(new, int | float):
        if not isinstance(old, bool) and not isinstance(new, bool):
            same = math.isclose(old, new, rel_tol=rtol, abs_tol=0.0) if rtol else old == new
    if not same:
        out["changed"].append(f"{path}: {old!r} -> {new!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--allow", action="append", default=[], help="key path prefix that may differ")
    ap.add_argument("--rtol", type=float, default=0.0)
    ap.add_argument("--quiet", action="store_true", help="do not list additions")
    args = ap.parse_args(argv)
    with open(args.old, encoding="utf-8") as fh:
        old = json.load(fh)
    with open(args.new, encoding="utf-8") as fh:
        new = json.load(fh)
    out: dict[str, list[str]] = {"missing": [], "changed": [], "added": []}
    for key in ("carbonpath_version",):
        old.pop(key, None)
        new.pop(key, None)
    _walk(old, new, "", out, args.rtol)

    def allowed(line: str) -> bool:
        return any(line.startswith(a) for a in args.allow)

    bad = [x for x in out["missing"] + out["changed"] if not allowed(x)]
    ok = [x for x in out["missing"] + out["changed"] if allowed(x)]
    for x in ok:
        print(f"allowed   {x}")
    if not args.quiet:
        for x in out["added"]:
            print(f"added     {x}")
    for x in out["missing"]:
        if not allowed(x):
            print(f"MISSING   {x}")
    for x in out["changed"]:
        if not allowed(x):
            print(f"CHANGED   {x}")
    print(
        f"{len(bad)} differences, {len(ok)} allowed, {len(out['added'])} additions",
        file=sys.stderr,
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
