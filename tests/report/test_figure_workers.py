"""Figures drawn in worker processes are byte-identical to figures drawn in one process."""

from __future__ import annotations

import hashlib
from pathlib import Path

from carbonpath.report.figures import write_figures
from tests.report.report_fixture import make_results


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((folder / "figures").iterdir())
    }


def test_one_process_and_two_workers_give_the_same_files(tmp_path: Path):
    results = make_results()
    one = write_figures(results, tmp_path / "one", jobs=1)
    two = write_figures(results, tmp_path / "two", jobs=2)
    assert one == two
    assert _digest(tmp_path / "one") == _digest(tmp_path / "two")
    assert len(_digest(tmp_path / "one")) >= 20
