"""The app driven in headless Chromium (Debian's chromium through Playwright): the flows a
user clicks through, and the refusals.  Screenshots of each page go to
``$CARBONPATH_SCREENSHOTS`` when set (docs/webapp.md uses them), else to a temporary
folder."""

from __future__ import annotations

import os
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from carbonpath.serve.forms import Limits
from tests.conftest import CEADS
from tests.serve.server import Served, served

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MB = 1024 * 1024


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CARBONPATH_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("ws"), Limits(file=1 * MB, request=32 * MB)) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, server: Served) -> Iterator[object]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    outside: list[str] = []
    pg.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((server.base, "data:")) else None,
    )
    pg.goto(server.url)
    yield pg
    assert outside == []  # the pages asked nothing of any other server
    ctx.close()


def _shot(pg, shots: Path, name: str) -> None:
    pg.screenshot(path=str(shots / f"{name}.png"), full_page=False)


def test_1_create_from_the_example_and_see_the_tables(page, server: Served, shots: Path) -> None:
    assert page.url == server.base + "/"  # the token left the address bar
    assert page.locator("h1").inner_text() == "Studies"
    _shot(page, shots, "home")
    page.fill("input[name=name]", "beijing")
    page.click("text=Create from the example")
    page.wait_for_url(server.base + "/s/beijing")
    assert "Beijing modern manufacturing 2015-2022" in page.locator("h1").inner_text()
    _shot(page, shots, "study")
    page.click("a[href='/s/beijing/table/energy.csv']")
    assert page.locator("table.data tbody tr").count() > 100
    _shot(page, shots, "table")


def test_2_fix_a_finding_with_a_correction(page, server: Served, shots: Path) -> None:
    page.goto(server.base + "/s/beijing/checks")
    first = page.locator("li.finding:has-text('fuel_oil in 2019')")
    resolved_before = page.locator("li.finding.resolved").count()
    _shot(page, shots, "checks")
    first.locator("summary").click()
    first.locator("input[name=value]").fill("7708.82")
    first.locator("input[name=reason]").fill(
        "ten times its neighbours in the yearbook; decimal slip"
    )
    first.locator("button[type=submit]").click()
    page.wait_for_selector("text=The correction was added")
    text = (server.workspace / "beijing" / "corrections.csv").read_text("utf-8")
    assert text.rstrip().endswith("ten times its neighbours in the yearbook; decimal slip")
    # listed under "Corrections applied", and the finding it fixed is marked corrected
    assert page.locator("td:has-text('decimal slip')").count() == 1
    assert page.locator("li.finding.resolved").count() > resolved_before
    _shot(page, shots, "checks-corrected")


def test_3_change_k_through_the_form(page, server: Served, shots: Path) -> None:
    page.goto(server.base + "/s/beijing/settings#stirpat")
    stirpat = page.locator("section#stirpat form")
    stirpat.locator("select[name=k_rule]").select_option("fixed")
    stirpat.locator("input[name=k_value]").fill("-1")
    stirpat.locator("button[type=submit]").click()
    err = page.locator("section#stirpat .field-error[data-field=k]")
    assert err.inner_text().startswith("study.toml, key 'stirpat.k': ")
    err.scroll_into_view_if_needed()
    _shot(page, shots, "settings-refused")
    stirpat = page.locator("section#stirpat form")
    stirpat.locator("select[name=k_rule]").select_option("fixed")
    stirpat.locator("input[name=k_value]").fill("0.05")
    stirpat.locator("button[type=submit]").click()
    page.wait_for_selector("text=Saved: STIRPAT drivers and ridge k.")
    toml = tomllib.loads((server.workspace / "beijing" / "study.toml").read_text("utf-8"))
    assert toml["stirpat"]["k"] == 0.05


def test_4_run_with_progress_and_open_the_report(page, server: Served, shots: Path) -> None:
    page.goto(server.base + "/s/beijing/run")
    page.click("button:has-text('Run now')")
    page.wait_for_selector("progress:not([hidden])")
    _shot(page, shots, "run-progress")
    page.wait_for_selector(".run-state .state:text('done')", timeout=900_000)
    _shot(page, shots, "run-done")
    page.locator("#progress a:has-text('Open the report')").first.click()
    page.wait_for_url(server.base + "/s/beijing/report")
    frame = page.frame_locator("iframe.report")
    assert frame.locator("body").inner_text(timeout=60_000).strip()
    _shot(page, shots, "report")
    page.locator("iframe.report").scroll_into_view_if_needed()
    _shot(page, shots, "report-frame")


def test_5_download_the_workbook(page, server: Served, tmp_path: Path) -> None:
    page.goto(server.base + "/s/beijing/report")
    with page.expect_download() as info:
        page.click("a[href='/s/beijing/download/results.xlsx']")
    dl = info.value
    saved = tmp_path / dl.suggested_filename
    dl.save_as(saved)
    assert dl.suggested_filename == "results.xlsx"
    assert (
        saved.read_bytes()
        == (server.workspace / "reports" / "beijing" / "results.xlsx").read_bytes()
    )
    assert openpyxl.load_workbook(saved).sheetnames
    with page.expect_download() as info:
        page.click("a[href='/s/beijing/download/output.zip']")
    assert info.value.suggested_filename == "beijing-output.zip"


@pytest.mark.skipif(not CEADS.is_dir(), reason="the CEADs workbooks are not here")
def test_6_create_from_an_uploaded_ceads_workbook(page, server: Served, shots: Path) -> None:
    page.goto(server.base + "/new/ceads")
    books = sorted(CEADS.glob("Emission_Inventories_for_30_Provinces_201[89].xlsx"))
    page.set_input_files("input[name=workbooks]", [str(b) for b in books])
    page.click("text=Upload and check")
    page.wait_for_selector("select[name=province]")
    page.select_option("select[name=province]", "Beijing")
    page.fill("input[name=name]", "beijing-ceads")
    _shot(page, shots, "ceads-choose")
    page.click("text=Import as a study")
    page.wait_for_url(server.base + "/s/beijing-ceads")
    assert page.locator("a[href='/s/beijing-ceads/table/emissions.csv']").count() == 1
    _shot(page, shots, "ceads-study")


def test_7_yearbook_sheet_shows_its_header_rows(
    page, server: Served, shots: Path, tmp_path: Path
) -> None:
    book = tmp_path / "energy_2015.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2015"
    for row in (
        ["2015年 分行业能源消费量"],
        ["行业", "原煤", "天然气", "电力"],
        ["", "(万吨)", "(亿立方米)", "(亿千瓦时)"],
        ["总计", 30.0, 2.0, 5.0],
        ["化学原料和化学制品制造业", 12.5, "-", 1.5],
        ["医药制造业", 17.5, 2.0, 3.5],
    ):
        ws.append(row)
    wb.save(book)
    page.goto(server.base + "/s/beijing/yearbook")
    page.set_input_files("input[name=workbook]", str(book))
    page.click("text=Upload and show the sheet")
    page.wait_for_selector("table.sheet")
    page.fill("input[name=unit_row]", "3")
    page.fill("input[name=first_data_row]", "4")
    page.click("text=Show the labels of this layout")
    page.wait_for_selector("input[name=rowmap-2]")
    assert page.locator("table.sheet tr.hdr").inner_text().split() == [
        "2",
        "行业",
        "原煤",
        "天然气",
        "电力",
    ]
    _shot(page, shots, "yearbook-map")


def test_refused_without_the_token(browser, server: Served, shots: Path) -> None:
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.goto(server.base + "/")
    assert pg.locator("body").inner_text().strip() == (
        "refused: open the address carbonpath serve printed (it carries the token)"
    )
    _shot(pg, shots, "refused-token")
    ctx.close()


def test_refused_oversized_upload_next_to_its_field(
    page, server: Served, shots: Path, tmp_path: Path
) -> None:
    big = tmp_path / "energy.csv"
    big.write_bytes(b"year,sector,fuel,value,unit\n" + b"2015,26,coal,1,t\n" * (MB // 16 + 10))
    page.goto(server.base + "/new/files")
    page.fill("input[name=name]", "big")
    page.fill("input[name=title]", "t")
    page.fill("input[name=region]", "r")
    page.set_input_files("input[name=energy]", str(big))
    page.click("text=Check the files and create the study")
    err = page.locator(".field-error[data-field=energy]")
    assert err.inner_text() == (
        "energy.csv: is larger than the upload limit of 1 MB; fix: check that this is the right file"
    )
    _shot(page, shots, "refused-upload")
    assert not (server.workspace / "big").exists()


def test_refused_path_outside_the_workspace(
    page, server: Served, shots: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "study.toml").write_text('title = "not yours"\n', "utf-8")
    (server.workspace / "elsewhere").symlink_to(outside)
    page.goto(server.base + "/s/elsewhere/checks")
    assert page.locator("h1").inner_text() == "That did not work"
    assert page.locator("p.error").inner_text() == (
        f"'{server.workspace / 'elsewhere'}' lies outside the workspace; "
        "fix: keep studies and their files inside the workspace folder"
    )
    _shot(page, shots, "refused-path")
    for url in ("/s/..%2F..%2F..%2Fetc/checks", "/s/beijing/table/..%2F..%2F..%2Fetc%2Fpasswd"):
        page.goto(server.base + url)
        assert page.locator("h1").inner_text() == "That did not work"
        assert "root:" not in page.content()
