"""`carbonpath serve` as a user starts it: the printed address, the token, Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from carbonpath.cli import main

START = "import sys; from carbonpath.cli import main; sys.exit(main(sys.argv[1:]))"


def _start(*args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", START, "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 120
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("open "):
            return proc, line.split()[1]
    proc.kill()
    raise AssertionError(f"no address printed: {lines} {proc.stderr.read()}")


def test_serve_prints_a_local_address_with_a_token_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    ws = tmp_path / "studies"  # created: its parent exists
    proc, url = _start(str(ws), "--port", "0")
    try:
        assert url.startswith("http://127.0.0.1:") and "/?token=" in url
        base = url.split("/?")[0]
        assert httpx.get(base + "/").status_code == 403  # no token
        with httpx.Client() as c:
            r = c.get(url, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/"
            assert c.get(base + "/").status_code == 200
        assert ws.is_dir()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.rstrip().endswith("carbonpath serve: stopped")
    assert "Traceback" not in err
    with socket.socket() as s:  # the port is free again
        s.bind(("127.0.0.1", int(base.rsplit(":", 1)[1])))


def test_a_busy_port_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["serve", str(tmp_path), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot listen on 127.0.0.1:{port} (address already in use)")
    assert err.count("\n") == 1


def test_a_workspace_that_is_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    f = tmp_path / "file.txt"
    f.write_text("x", "utf-8")
    assert main(["serve", str(f), "--port", "0"]) == 2
    assert capsys.readouterr().err == (
        f"error: workspace '{f}' is not a folder; fix: give a folder to hold your studies "
        "(carbonpath serve creates it when its parent exists)\n"
    )
    assert main(["serve", str(tmp_path), "--port", "70000"]) == 2
