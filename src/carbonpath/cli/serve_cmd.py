"""``carbonpath serve [WORKSPACE] [--port N] [--host ADDR]``: the local web app.

Binds 127.0.0.1 unless ``--host`` says otherwise, prints the address with a one-time
token (the browser trades it for a session cookie), and stops cleanly on Ctrl-C (a run
in progress is cancelled; its output folder keeps what it held).  The socket is bound
before the address is printed, so ``--port 0`` prints the port the system chose.
"""

from __future__ import annotations

import socket
from pathlib import Path

import typer

DEFAULT_PORT = 8765
_WILDCARDS = ("0.0.0.0", "::", "")


def _workspace(path: Path | None) -> Path:
    """The workspace folder (created when its parent exists)."""
    from carbonpath.core.errors import InputError

    folder = Path(path if path is not None else Path.cwd()).expanduser()
    if not folder.exists() and folder.parent.is_dir():
        folder.mkdir()
    if not folder.is_dir():
        raise InputError(
            f"workspace '{folder}' is not a folder",
            fix="give a folder to hold your studies (carbonpath serve creates it when its "
            "parent exists)",
        )
    return folder


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on (host, port); InputError when that fails."""
    from carbonpath.core.errors import InputError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets that say they are TCP
    # (with proto 0 every answer of more than one write waits ~40 ms for a delayed ACK)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = (exc.strerror or type(exc).__name__).lower()
        raise InputError(
            f"cannot listen on {host}:{port} ({reason})",
            fix="choose another --port (or --port 0 for any free port)",
        ) from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def _host_names(host: str) -> list[str]:
    """The names a browser may put in the Host header for this address."""
    if host not in _WILDCARDS:
        return [host, f"[{host}]"] if ":" in host else [host]
    names = [socket.gethostname(), socket.getfqdn()]
    try:
        names += [str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)]
    except OSError:
        pass
    return names


def serve(workspace: Path | None, host: str, port: int, echo: bool = True) -> None:
    """Start the app and serve until Ctrl-C."""
    import uvicorn

    from carbonpath.serve.app import create_app
    from carbonpath.serve.security import Guard

    folder = _workspace(workspace)
    guard = Guard()
    guard.allow_hosts(_host_names(host))
    app = create_app(folder, guard=guard)
    sock = bind(host, port)
    shown = "127.0.0.1" if host in _WILDCARDS else host
    url = guard.url(shown, sock.getsockname()[1])
    if echo:
        typer.echo(f"carbonpath serve: workspace {folder}")
        typer.echo(f"open {url}")
        typer.echo("(the address carries a one-time token; press Ctrl-C to stop)")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shut down cleanly, then passes Ctrl-C on
        pass
    finally:
        sock.close()
    if echo:
        typer.echo("carbonpath serve: stopped")


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        workspace: Path | None = typer.Argument(
            None, help="Folder holding the studies (default: the current folder)."
        ),
        port: int = typer.Option(DEFAULT_PORT, "--port", help="Port (0: any free port)."),
        host: str = typer.Option(
            "127.0.0.1",
            "--host",
            help="Address to listen on (default 127.0.0.1: this machine only).",
        ),
    ) -> None:
        """Start the local web app on a workspace folder of studies."""
        from carbonpath.core.errors import InputError

        if not 0 <= port <= 65535:
            raise InputError(f"--port {port} is not a port", fix="give a number 0-65535")
        try:
            import uvicorn  # noqa: F401
        except ModuleNotFoundError:
            raise InputError(
                "carbonpath serve needs the web app's packages",
                fix="pip install 'carbonpath[serve]'",
            ) from None
        serve(workspace, host, port)
