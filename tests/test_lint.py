"""The code base stays ruff-clean (lint and format), checked with the test suite."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    exe = shutil.which("ruff")
    if exe:
        return [exe]
    return [sys.executable, "-m", "ruff"]


@pytest.mark.parametrize("args", [["check", "src", "tests"], ["format", "--check", "src", "tests"]])
def test_ruff(args):
    proc = subprocess.run([*_ruff(), *args], cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
