"""Shared test fixtures: paths and a writable copy of the built-in study."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
CEADS = SHARED / "data" / "ceads"

needs_ceads = pytest.mark.skipif(
    not CEADS.is_dir(), reason=f"the real CEADs inventories are not here ({CEADS}); CI has them"
)


@pytest.fixture
def beijing_copy(tmp_path: Path) -> Path:
    """A copy of the built-in Beijing study in a temporary folder."""
    from carbonpath.study import builtin_path

    dest = tmp_path / "study"
    shutil.copytree(builtin_path(), dest)
    return dest
