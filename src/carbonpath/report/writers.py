"""The report formats beyond JSON/CSV, looked up lazily (they import matplotlib etc.)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from carbonpath.report.contract import ResultsLike as Results

#: format -> "module:function"; order matters (figures before html, which embeds them)
WRITERS: dict[str, str] = {
    "figures": "carbonpath.report.figures:write_figures",
    "xlsx": "carbonpath.report.xlsx:write_xlsx",
    "html": "carbonpath.report.html:write_html",
    "docx": "carbonpath.report.docx:write_docx",
}


def available_writers() -> dict[str, Callable[[Results, Path], Any]]:
    """The extra writers present in this installation, in output order."""
    out: dict[str, Callable[[Results, Path], Any]] = {}
    for fmt, target in WRITERS.items():
        module_name, func = target.split(":")
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        out[fmt] = getattr(module, func)
    return out
