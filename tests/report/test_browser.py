"""Open report.html in a real headless Chromium and check it like a reader would.

Chromium is driven through the DevTools protocol over ``--remote-debugging-pipe``
(file descriptors 3 and 4, NUL-separated JSON messages), so the test needs no Python
package beyond the standard library and Pillow.  Checks: no console errors or
exceptions, no request other than the report file itself and ``data:`` images, every
embedded image decodes, the screenshots are not blank, no table is wider than its box
(``scrollWidth <= clientWidth``) at 1280 px or on a printed page, and a ``zh`` report
shows Chinese headings.  ``CARBONPATH_SCREENSHOT_DIR=<dir>`` keeps the screenshots
(English and Chinese) for a human to look at.

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


#: the page's facts a reader would check, as one JSON string
PROBE = (
    "JSON.stringify({images: document.images.length, "
    "broken: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length, "
    "height: document.documentElement.scrollHeight, title: document.title, "
    "scripts: document.scripts.length, alerted: typeof window.__alerted, "
    "lang: document.documentElement.lang, "
    "headings: Array.from(document.querySelectorAll('h2')).map(h => h.textContent), "
    "page_overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth, "
    "tables: document.querySelectorAll('.tablewrap').length, "
    "overflowing: Array.from(document.querySelectorAll('.tablewrap'))"
    ".filter(w => w.scrollWidth > w.clientWidth)"
    ".map(w => w.querySelector('caption').textContent + ': ' + w.scrollWidth + ' > ' + w.clientWidth)})"
)
#: A4 portrait at 96 px per inch, less 2 x 1.5 cm margins: the width a printed page offers
PRINT_WIDTH = 680


def _session(chrome: Chromium, width: int) -> str:
    target = chrome.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = chrome.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]
    for domain in ("Runtime", "Log", "Network", "Page"):
        chrome.send(f"{domain}.enable", session=session)
    chrome.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 1400, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    return session


def _probe(chrome: Chromium, session: str) -> dict[str, Any]:
    probe = chrome.send(
        "Runtime.evaluate", {"expression": PROBE, "returnByValue": True}, session=session
    )
    assert "value" in probe["result"], probe
    return json.loads(probe["result"]["value"])


def _visit(chrome: Chromium, report: Path, shots_at: tuple[int, ...]) -> dict[str, Any]:
    """Open ``report`` at 1280 px, probe it and take screenshots; then probe it as printed."""
    session = _session(chrome, 1280)
    # forget earlier load events (about:blank, the other report): wait for this page's
    chrome.events = [e for e in chrome.events if e["method"] != "Page.loadEventFired"]
    chrome.send("Page.navigate", {"url": report.as_uri()}, session=session)
    while chrome.wait_event("Page.loadEventFired").get("sessionId") != session:
        chrome.events = [e for e in chrome.events if e["method"] != "Page.loadEventFired"]
    page = _probe(chrome, session)
    shots = []
    for y in shots_at:  # views of the page, for a human to look at
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
    chrome.send("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
    chrome.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": PRINT_WIDTH, "height": 1400, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    printed = _probe(chrome, session)
    chrome.send("Runtime.evaluate", {"expression": "1"}, session=session)  # flush late events
    return {"page": page, "printed": printed, "shots": shots}


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
    report = write_html(results_for("hostile"), base / "out")  # figures drawn in memory
    report_zh = write_html(results_for("zh"), base / "out-zh")
    chrome = Chromium(exe, base / "profile")
    try:
        en = _visit(chrome, report, (0, 2600, 5200))
        zh = _visit(chrome, report_zh, (0, 1400))
    finally:
        chrome.close()
    keep = os.environ.get("CARBONPATH_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for name, run in (("report", en), ("report_zh", zh)):
            for i, png in enumerate(run["shots"]):
                (Path(keep) / f"{name}_{i}.png").write_bytes(png)
    return {
        "events": chrome.events,
        "page": en["page"],
        "printed": en["printed"],
        "shots": en["shots"] + zh["shots"],
        "report": report,
        "report_zh": report_zh,
        "zh": zh,
    }


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
    reports = {browser_run["report"].as_uri(), browser_run["report_zh"].as_uri()}
    urls = [
        ev["params"]["request"]["url"]
        for ev in browser_run["events"]
        if ev["method"] == "Network.requestWillBeSent"
    ]
    assert reports <= set(urls)  # the test did observe requests
    foreign = [u for u in urls if u not in reports and not u.startswith("data:")]
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


def test_no_table_overflows_at_1280_px_or_in_print(browser_run: dict[str, Any]) -> None:
    for run in (browser_run, browser_run["zh"]):
        for view in ("page", "printed"):
            probe = run[view]
            assert probe["tables"] > 5
            assert probe["overflowing"] == [], view
            assert probe["page_overflow"] <= 0, view


def test_zh_report_renders_chinese_headings(browser_run: dict[str, Any]) -> None:
    zh = browser_run["zh"]["page"]
    assert zh["lang"] == "zh-Hans"
    assert zh["headings"][:3] == ["主要结论", "经济与能源", "发展背景：产业、能源与技术"]
    assert "影响因素（STIRPAT 模型）" in zh["headings"]
    assert browser_run["page"]["headings"][0] == "Summary of findings"
