"""The app served by uvicorn in a background thread, as `carbonpath serve` serves it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from carbonpath.serve.forms import Limits
from carbonpath.serve.security import Guard


@dataclass
class Served:
    base: str
    url: str  # the address with the token, as printed
    guard: Guard
    workspace: Path
    state: object


@contextmanager
def served(workspace: Path, limits: Limits | None = None) -> Iterator[Served]:
    import uvicorn

    from carbonpath.cli.serve_cmd import bind
    from carbonpath.serve.app import create_app

    workspace.mkdir(parents=True, exist_ok=True)
    guard = Guard()
    app = create_app(workspace, guard=guard, limits=limits)
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    try:
        yield Served(
            f"http://127.0.0.1:{port}", guard.url("127.0.0.1", port), guard, workspace, app.state
        )
    finally:
        server.should_exit = True
        thread.join(60)
        sock.close()
