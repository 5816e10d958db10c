"""Benchmark of ``carbonpath serve``: how fast each page of the app answers.

The app is served by uvicorn on a loopback socket in a background thread (as
``carbonpath serve`` serves it) over a workspace holding a copy of the built-in study;
each page is fetched over HTTP with the session cookie the token gives.  Reported per
page: the first answer (it loads and checks the study once: the load is cached while
the study's files do not change) and then the median, 95th percentile and maximum of
``--repeat`` answers, in milliseconds.  With ``--run`` the assessment is run once first
(its time is reported apart) so that the report page shows a real report.

Run: ``PYTHONPATH=src python benchmarks/bench_serve.py [--repeat 50] [--run]``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

PAGES = [
    ("start page", "/"),
    ("study overview", "/s/bj"),
    ("table energy.csv (first 200 rows)", "/s/bj/table/energy.csv"),
    ("table, page of a finding's line", "/s/bj/table/economy.csv?line=440"),
    ("checks (findings by materiality)", "/s/bj/checks"),
    ("settings forms", "/s/bj/settings"),
    ("run page", "/s/bj/run"),
    ("run status (JSON)", "/s/bj/run/status"),
    ("report page", "/s/bj/report"),
    ("stylesheet", "/static/app.css"),
]


def _serve(workspace: Path) -> tuple[str, str, object]:
    import uvicorn

    from carbonpath.cli.serve_cmd import bind
    from carbonpath.serve.app import create_app
    from carbonpath.serve.security import Guard

    guard = Guard()
    app = create_app(workspace, guard=guard)
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", guard.url("127.0.0.1", port), app


def _ms(client: httpx.Client, path: str) -> float:
    t0 = time.perf_counter()
    r = client.get(path)
    dt = (time.perf_counter() - t0) * 1000
    assert r.status_code == 200, (path, r.status_code, r.text[:200])
    return dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--run", action="store_true", help="run the study first (report page)")
    args = ap.parse_args()
    ws = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    base, url, app = _serve(ws)
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=600)
    client.get(url)  # the token -> the session cookie
    csrf = re.search(r'name="_csrf" value="([^"]+)"', client.get("/").text).group(1)
    t0 = time.perf_counter()
    r = client.post("/new/example", data={"_csrf": csrf, "name": "bj"})
    assert r.status_code == 200
    print(f"create the example study (copy + first load): {time.perf_counter() - t0:.2f} s")
    if args.run:
        t0 = time.perf_counter()
        client.post("/s/bj/run", data={"_csrf": csrf})
        app.state.runs.wait()  # type: ignore[attr-defined]
        state = client.get("/s/bj/run/status").json()
        print(f"run (all formats, apart): {time.perf_counter() - t0:.1f} s, {state['state']}")
    print(f"\n{'page':38s} {'first':>8s} {'median':>8s} {'p95':>8s} {'max':>8s}  (ms)")
    for label, path in PAGES:
        first = _ms(client, path)
        times = sorted(_ms(client, path) for _ in range(args.repeat))
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(
            f"{label:38s} {first:8.1f} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}"
        )


if __name__ == "__main__":
    main()
