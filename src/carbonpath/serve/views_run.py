"""Running the assessment, its progress, the report in the page and the downloads.

The output of a study goes to ``reports/<study>/`` in the workspace through
:meth:`carbonpath.Results.write` (the --out rules: checked, locked, replaced whole).
Only the files the output's manifest lists are served; the report is shown in a
sandboxed frame with its own strict policy (no script, its embedded images only).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from carbonpath.core.errors import InputError
from carbonpath.serve.context import AppState, redirect
from carbonpath.serve.security import REPORT_CSP
from carbonpath.serve.views_new import study_url

__all__ = ["download", "output_file", "report_page", "run_page", "status"]

#: downloads offered on the report page: name -> (file in the output, what it is)
DOWNLOADS = {
    "results.xlsx": "the workbook: one sheet per table",
    "report.docx": "the report as a Word document",
    "report.html": "the report as one HTML file",
    "results.json": "every result, machine-readable",
}
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _state(request: Request) -> AppState:
    return request.app.state.cp


def _manifest(out: Path) -> list[str]:
    """The files of a finished output (its manifest), or [] when there is none."""
    from carbonpath.io.outdir import read_manifest

    if not out.is_dir():
        return []
    try:
        manifest = read_manifest(out)
    except InputError:
        return []
    return sorted(str(p) for p in (manifest or {}).get("files", {}))


async def run_page(request: Request) -> Response:
    """GET: the run page with the progress display; POST: start a run."""
    state = _state(request)
    name = request.path_params["study"]
    view = await run_in_threadpool(state.view, name)
    out = state.workspace.report_dir(name)
    if request.method == "POST":
        await state.form(request)
        if view.study is None and view.error is not None:
            raise InputError(view.error.line)
        state.runs.start(name, view.folder, out, None, on_done=lambda: state.cache.forget(out))
        return redirect(study_url(name, "run"))
    run = state.runs.status(name)
    return state.render(
        request,
        "run.html",
        study=view,
        page="run",
        run=run.as_json() if run else None,
        busy=state.runs.busy(),
        out=str(out),
        has_output=bool(_manifest(out)),
    )


async def status(request: Request) -> Response:
    """The progress of the study's latest run as JSON (polled by the run page)."""
    state = _state(request)
    name = request.path_params["study"]
    state.workspace.study_dir(name)
    run = state.runs.status(name)
    return JSONResponse(run.as_json() if run else {"state": "none"})


def _summary(out: Path) -> list[tuple[str, str]]:
    from carbonpath.report.summary import summary_lines

    path = out / "results.json"
    if not path.is_file():
        return []
    try:
        return summary_lines(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError):
        return []


async def report_page(request: Request) -> Response:
    """The report in the page, its summary and the downloads."""
    state = _state(request)
    name = request.path_params["study"]
    view = await run_in_threadpool(state.view, name)
    out = state.workspace.report_dir(name)
    files = _manifest(out)
    figures = sorted(f for f in files if f.startswith("figures/"))
    return state.render(
        request,
        "report.html",
        study=view,
        page="report",
        files=files,
        downloads=[(f, what) for f, what in DOWNLOADS.items() if f in files],
        figures=figures,
        docx_known="docx" in _formats(),
        summary=await run_in_threadpool(_summary, out) if files else [],
        out=str(out),
    )


def _listed(state: AppState, name: str, path: str) -> Path:
    """A file of the study's output that its manifest lists; InputError otherwise."""
    out = state.workspace.report_dir(name)
    if path not in _manifest(out):
        raise InputError(
            f"the output of '{name}' has no file '{path[:80]}'",
            fix="run the study, then choose a file from its report page",
        )
    return state.workspace.inside(out / path)


async def output_file(request: Request) -> Response:
    """One file of the output (the report shown in the frame, a figure, a table)."""
    state = _state(request)
    name = request.path_params["study"]
    state.workspace.study_dir(name)
    path = _listed(state, name, request.path_params["path"])
    media = _TYPES.get(path.suffix.lower(), "application/octet-stream")
    headers = (
        {"content-security-policy": REPORT_CSP} if path.suffix.lower() in (".html", ".svg") else {}
    )
    attach = request.query_params.get("download") == "1"
    return FileResponse(
        path,
        media_type=media,
        headers=headers,
        filename=path.name if attach else None,
        content_disposition_type="attachment" if attach else "inline",
    )


def _formats() -> tuple[str, ...]:
    from carbonpath.study.core_settings import REPORT_FORMATS

    return tuple(REPORT_FORMATS)


def _zip(out: Path, files: list[str], prefix: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in files:
            info = zipfile.ZipInfo(f"{prefix}/{rel}", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, (out / rel).read_bytes())
    return buf.getvalue()


async def download(request: Request) -> Response:
    """``figures.zip``, ``output.zip`` (the whole folder) or one listed file."""
    state = _state(request)
    name = request.path_params["study"]
    what = request.path_params["what"]
    state.workspace.study_dir(name)
    out = state.workspace.report_dir(name)
    files = _manifest(out)
    if what in ("figures.zip", "output.zip"):
        chosen = [f for f in files if f.startswith("figures/")] if what == "figures.zip" else files
        if what == "output.zip":
            chosen = [*chosen, ".carbonpath-output.json"]
        if not chosen:
            raise InputError(f"there is nothing to put in {what}", fix="run the study first")
        data = await run_in_threadpool(_zip, out, chosen, f"{name}-report")
        return Response(
            data,
            media_type="application/zip",
            headers={"content-disposition": f'attachment; filename="{_ascii(name)}-{what}"'},
        )
    path = _listed(state, name, what)
    return FileResponse(path, media_type=_TYPES.get(path.suffix.lower()), filename=path.name)


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in name)
