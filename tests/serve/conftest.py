"""Fixtures of the web app's tests (skipped when the serve extra is not installed)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("python_multipart")
pytest.importorskip("tomlkit")

from tests.serve.client import App, make_app  # noqa: E402


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> App:
    """An app whose workspace holds a copy of the built-in example named ``bj``."""
    app = make_app(tmp_path_factory.mktemp("ws"))
    r = app.post("/new/example", data={"_csrf": app.csrf, "name": "bj"})
    assert r.status_code == 200, r.text
    return app


@pytest.fixture
def fresh(tmp_path: Path) -> App:
    return make_app(tmp_path / "ws")
