"""Shared test fixtures: paths and a writable copy of the built-in study."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def beijing_copy(tmp_path: Path) -> Path:
    """A copy of the built-in Beijing study in a temporary folder."""
    from carbonpath.study import builtin_path

    dest = tmp_path / "study"
    shutil.copytree(builtin_path(), dest)
    return dest
