"""Open report.html in a real headless Chromium and check it like a reader would.

Chromium is driven through the DevTools protocol over ``--remote-debugging-pipe``
(file descriptors 3 and 4, NUL-separated JSON messages), so the test needs no Python
package beyond the standard library and Pillow.  Checks: no console errors or
exceptions, no request other than the report file itself and ``data:`` images, every
embedded image decodes, and the screenshot is not blank.

Skipped only when no Chromium is installed and CI is not set; under CI it must run.
"""

from __future__ import annotations

import base64
import fcntl
import io
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.report.studies import results_for

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
TIMEOUT = 90.0


def _browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, exe: str, profile: Path):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # move the child's ends above 10 so dup2 onto 3 and 4 cannot clobber them
        hi_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        hi_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def child_fds() -> None:  # runs in the child before exec
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        self.proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=child_fds,  # noqa: PLW1509 - single-threaded test process
        )
        os.close(hi_r)
        os.close(hi_w)
        self.write_fd = to_child_w
        self.read_fd = from_child_r
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait for its reply (events seen meanwhile are kept)."""
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.write_fd, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method: str) -> dict[str, Any]:
        for ev in self.events:
            if ev["method"] == method:
                return ev
        while True:
            msg = self._read()
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == method:
                    return msg

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from Chromium")
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if ready:
                chunk = os.read(self.read_fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the debugging pipe")
                self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.write_fd, self.read_fd):
            try:
                os.close(fd)
            except OSError:
                pass


def _distinct_colours(png: bytes) -> int:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    colours = img.getcolors(maxcolors=1 << 24)
    return len(colours or [])


@pytest.fixture(scope="module")
def browser_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    exe = _browser()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(
                "CI is set but no Chromium is installed (install Debian's chromium in .ci/run)"
            )
        pytest.skip("no Chromium found (apt-get install chromium); the test runs under CI")
    from carbonpath.report.html import write_html

    base = tmp_path_factory.mktemp("browser")
    out = base / "out"
    write_html(results_for("hostile"), out)  # figures drawn in memory
    report = out / "report.html"
    chrome = Chromium(exe, base / "profile")
    try:
        target = chrome.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = chrome.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Network", "Page"):
            chrome.send(f"{domain}.enable", session=session)
        chrome.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 1400, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        chrome.send("Page.navigate", {"url": report.as_uri()}, session=session)
        chrome.wait_event("Page.loadEventFired")
        probe = chrome.send(
            "Runtime.evaluate",
            {
                "expression": "JSON.stringify({images: document.images.length, "
                "broken: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length, "
                "height: document.documentElement.scrollHeight, title: document.title, "
                "scripts: document.scripts.length, alerted: typeof window.__alerted})",
                "returnByValue": True,
            },
            session=session,
        )
        page = json.loads(probe["result"]["value"])
        shots = []
        for y in (0, 2600, 5200):  # the top, and two views further down, for a human to look at
            shot = chrome.send(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": y, "width": 1280, "height": 1400, "scale": 1},
                },
                session=session,
            )
            shots.append(base64.b64decode(shot["data"]))
        chrome.send("Runtime.evaluate", {"expression": "1"}, session=session)  # flush late events
    finally:
        chrome.close()
    keep = os.environ.get("CARBONPATH_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for i, png in enumerate(shots):
            (Path(keep) / f"report_{i}.png").write_bytes(png)
    return {"events": chrome.events, "page": page, "shots": shots, "report": report}


def test_no_console_errors(browser_run: dict[str, Any]) -> None:
    bad = []
    for ev in browser_run["events"]:
        p = ev.get("params", {})
        if ev["method"] == "Runtime.exceptionThrown":
            bad.append(p)
        elif ev["method"] == "Runtime.consoleAPICalled" and p.get("type") in (
            "error",
            "assert",
            "warning",
        ):
            bad.append(p)
        elif ev["method"] == "Log.entryAdded" and p.get("entry", {}).get("level") in (
            "error",
            "warning",
        ):
            bad.append(p["entry"])
    assert bad == []


def test_no_network_requests(browser_run: dict[str, Any]) -> None:
    report_url = browser_run["report"].as_uri()
    urls = [
        ev["params"]["request"]["url"]
        for ev in browser_run["events"]
        if ev["method"] == "Network.requestWillBeSent"
    ]
    assert report_url in urls  # the test did observe requests
    foreign = [u for u in urls if u != report_url and not u.startswith("data:")]
    assert foreign == []


def test_page_rendered(browser_run: dict[str, Any]) -> None:
    page = browser_run["page"]
    assert page["scripts"] == 0  # the hostile sector name did not become a script
    assert page["alerted"] == "undefined"
    assert page["images"] >= 10
    assert page["broken"] == 0
    assert page["height"] > 5000
    assert "<script>" in page["title"]  # shown as text, not markup


def test_screenshot_not_blank(browser_run: dict[str, Any]) -> None:
    from PIL import Image

    for png in browser_run["shots"]:
        assert Image.open(io.BytesIO(png)).size == (1280, 1400)
        assert _distinct_colours(png) > 200
