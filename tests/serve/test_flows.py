"""The user flows over HTTP, each checked against what the command line reads from the
same study folder (the app's changes are plain files that `carbonpath run` takes)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest

from carbonpath.core.errors import StudyError
from carbonpath.pipeline import load_study
from carbonpath.study import builtin_path
from tests.conftest import CEADS
from tests.serve.client import App, alerts, field_errors, form


def test_example_study_is_a_copy_of_the_builtin(example: App) -> None:
    folder = example.workspace / "bj"
    for src in builtin_path().iterdir():
        if src.is_file() and not src.name.startswith((".", "__")):
            assert (folder / src.name).read_bytes() == src.read_bytes(), src.name
    page = example.get("/s/bj").text
    for name in ("sectors.csv", "energy.csv", "economy.csv", "corrections.csv"):
        assert f'href="/s/bj/table/{name}"' in page
    assert "Beijing modern manufacturing 2015-2022" in example.get("/").text


def test_a_second_study_of_the_same_name_is_refused_next_to_the_field(example: App) -> None:
    r = example.post("/new/example", data={"_csrf": example.csrf, "name": "bj"})
    assert r.status_code == 400
    assert field_errors(r.text) == {
        "example_name": "'bj' already exists in the workspace; fix: choose another name"
    }


def test_table_page_shows_the_file_with_its_line_numbers(example: App) -> None:
    page = example.get("/s/bj/table/energy.csv?line=326").text
    lines = (example.workspace / "bj" / "energy.csv").read_text("utf-8").splitlines()
    # line 326 of the file is the row marked, with the cells the file holds
    row = re.search(r'<tr id="L326" class="target ([^"]*)">(.*?)</tr>', page, re.S)
    assert row is not None and "flag-warning" in row.group(1)
    cells = re.findall(r"<td>(.*?)</td>", row.group(2))
    assert cells == lines[325].split(",")


def _listed(page: str) -> list[tuple[int, bool, float | None]]:
    """(finding index, corrected, share) of each finding on the checks page, in order."""
    out = []
    for cls, i, body in re.findall(
        r'<li class="finding sev-\w+( resolved)?" id="f(\d+)">(.*?)</li>', page, re.S
    ):
        m = re.search(r'<span class="share"[^>]*>([0-9.e+-]+) % of the total</span>', body)
        out.append((int(i), bool(cls), float(m.group(1)) / 100 if m else None))
    return out


def test_findings_ranked_by_materiality_and_linked_to_their_rows(example: App) -> None:
    page = example.get("/s/bj/checks?min=0").text
    study = load_study(example.workspace / "bj")
    listed = _listed(page)
    assert sorted(i for i, _c, _s in listed) == list(range(len(study.flags)))
    assert not study.blocking
    # the open findings first, most material first; then the corrected ones
    corrected = [c for _i, c, _s in listed]
    assert corrected == sorted(corrected) and any(corrected) and not all(corrected)
    open_shares = [s for _i, c, s in listed if not c and s is not None]
    assert open_shares == sorted(open_shares, reverse=True)
    # the share shown is the quality step's (size over the region's typical total)
    for i, _c, share in listed:
        if share is not None:
            assert share == pytest.approx(study.flags[i]["share"], rel=5e-3)
    # an open finding on a cell links to the row it concerns
    i, _c, _s = next(
        x for x in listed if not x[1] and x[2] is not None and study.flags[x[0]].get("line")
    )
    first = study.flags[i]
    assert f'href="/s/bj/table/{first["file"]}?line={first["line"]}#L{first["line"]}"' in page


def _finding_form(page: str, index: int) -> dict:
    block = re.search(rf'<li class="finding[^"]*" id="f{index}">(.*?)</li>', page, re.S).group(1)
    return form(block, "/s/bj/corrections").data()


def test_add_a_correction_with_its_reason(example: App) -> None:
    study = load_study(example.workspace / "bj")
    i, flag = next(
        (i, f) for i, f in enumerate(study.flags) if f["check"] == "jump" and not f["resolved"]
    )
    page = example.get("/s/bj/checks?min=0").text
    data = _finding_form(page, i)
    path = example.workspace / "bj" / "corrections.csv"
    before = path.read_bytes()
    # no reason: refused next to the reason field, the file unchanged
    r = example.post("/s/bj/corrections", data={**data, "value": "7708.82", "reason": " "})
    assert r.status_code == 400
    assert field_errors(r.text)["reason"].startswith("corrections.csv, column 'reason'")
    assert path.read_bytes() == before
    # a value that is not a number: the loader's message, the file unchanged
    r = example.post("/s/bj/corrections", data={**data, "value": "lots", "reason": "typo"})
    assert r.status_code == 400 and path.read_bytes() == before
    bad = field_errors(r.text)["value"]
    assert bad.startswith("corrections.csv") and "'lots'" in bad
    # a real correction: one row added to the file, and the CLI's loader applies it
    reason = "the yearbook prints 77088.2, ten times its neighbours; corrected to 7708.82"
    r = example.post("/s/bj/corrections", data={**data, "value": "7708.82", "reason": reason})
    assert r.status_code == 200 and "The correction was added" in r.text
    text = path.read_text("utf-8")
    assert text.startswith(before.decode("utf-8"))
    last = next(csv.reader([text.splitlines()[-1]]))
    assert last == [str(flag["year"]), flag["sector"], flag["variable"], "7708.82", "", reason]
    again = load_study(example.workspace / "bj")
    applied = [c for c in again.corrections if c["reason"] == reason]
    assert len(applied) == 1 and applied[0]["new"] == pytest.approx(7708.82 * _factor(again, flag))
    assert any(f["line"] == flag["line"] and f["resolved"] for f in again.flags)


def _factor(study, flag) -> float:
    """Canonical value per written unit of the flagged row (t of fuel oil -> canonical)."""
    rows = study.energy[
        (study.energy["line"] == flag["line"]) & (study.energy["file"] == flag["file"])
    ]
    return float(rows["value"].iloc[0]) / 7708.82 if len(rows) else 1.0


def _toml_with(folder: Path, old: str, new: str, dest: Path) -> Path:
    shutil.copytree(folder, dest)
    text = (dest / "study.toml").read_text("utf-8")
    assert old in text
    (dest / "study.toml").write_text(text.replace(old, new, 1), "utf-8")
    return dest


def test_settings_k_fixed_and_refused_with_the_files_message(example: App, tmp_path: Path) -> None:
    toml = example.workspace / "bj" / "study.toml"
    page = example.get("/s/bj/settings").text
    stirpat = form(page, "/s/bj/settings/stirpat")
    assert stirpat.fields["k_rule"] == ["trace"] and stirpat.fields["rname-3"] == ["lnRE"]
    before = toml.read_bytes()
    # k = -0.5: the same one-line message as the same key written by hand
    r = example.post("/s/bj/settings/stirpat", data=stirpat.data(k_rule="fixed", k_value="-0.5"))
    assert r.status_code == 400 and toml.read_bytes() == before
    ref = _toml_with(example.workspace / "bj", '\nk = "trace"', "\nk = -0.5", tmp_path / "hand")
    with pytest.raises(StudyError) as exc:
        load_study(ref)
    assert field_errors(r.text) == {"k": exc.value.one_line()}
    assert "stirpat.k" in exc.value.one_line()
    # k = 0.05: written in place, comments kept, read back by the loader as 0.05
    r = example.post("/s/bj/settings/stirpat", data=stirpat.data(k_rule="fixed", k_value="0.05"))
    assert r.status_code == 200 and "Saved: STIRPAT drivers and ridge k." in r.text
    after = toml.read_text("utf-8")
    assert after == before.decode("utf-8").replace('\nk = "trace"', "\nk = 0.05", 1)
    assert tomllib.loads(after)["stirpat"]["k"] == 0.05
    assert load_study(example.workspace / "bj").settings.stirpat.k.value == 0.05


def test_settings_years_and_indicators_keep_the_files_messages(
    example: App, tmp_path: Path
) -> None:
    toml = example.workspace / "bj" / "study.toml"
    before = toml.read_bytes()
    page = example.get("/s/bj/settings").text
    general = form(page, "/s/bj/settings/general")
    r = example.post("/s/bj/settings/general", data=general.data(first="2022", last="2015"))
    assert r.status_code == 400 and toml.read_bytes() == before
    ref = _toml_with(
        example.workspace / "bj", "years = [2015, 2022]", "years = [2022, 2015]", tmp_path / "y"
    )
    with pytest.raises(StudyError) as exc:
        load_study(ref)
    assert field_errors(r.text) == {"years": exc.value.one_line()}
    index = form(page, "/s/bj/settings/index")
    r = example.post(
        "/s/bj/settings/index", data=index.data(**{"expr-2": "growth(output_value[modern]"})
    )
    assert r.status_code == 400 and toml.read_bytes() == before
    ref = _toml_with(
        example.workspace / "bj",
        'expr = "growth(output_value[modern])"',
        'expr = "growth(output_value[modern]"',
        tmp_path / "i",
    )
    with pytest.raises(StudyError) as exc:
        load_study(ref)
    assert field_errors(r.text) == {"expr-2": exc.value.one_line()}


def test_run_report_and_downloads(example: App) -> None:
    r = example.post("/s/bj/run", data={"_csrf": example.csrf})
    assert r.status_code == 200
    state = example.http.app.state
    state.runs.wait(900)
    status = example.get("/s/bj/run/status").json()
    assert status["state"] == "done", status
    assert status["percent"] == 100
    out = example.workspace / "reports" / "bj"
    # the same numbers as the command line on the same folder
    cli = load_study(example.workspace / "bj").run().to_dict()
    got = json.loads((out / "results.json").read_text("utf-8"))
    assert got["emissions"] == json.loads(json.dumps(cli["emissions"]))
    page = example.get("/s/bj/report").text
    assert '<iframe class="report" title="report" src="/s/bj/out/report.html" sandbox>' in page
    report = example.get("/s/bj/out/report.html")
    assert report.status_code == 200 and "sandbox" in report.headers["content-security-policy"]
    xlsx = example.get("/s/bj/download/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.content == (out / "results.xlsx").read_bytes()
    assert "attachment" in xlsx.headers["content-disposition"]
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames
    manifest = json.loads((out / ".carbonpath-output.json").read_text("utf-8"))
    listed = sorted(f["path"] for f in manifest["files"])
    with zipfile.ZipFile(io.BytesIO(example.get("/s/bj/download/output.zip").content)) as zf:
        names = sorted(n.removeprefix("bj-report/") for n in zf.namelist())
        assert names == sorted([*listed, ".carbonpath-output.json"])
        assert zf.read("bj-report/results.json") == (out / "results.json").read_bytes()
    with zipfile.ZipFile(io.BytesIO(example.get("/s/bj/download/figures.zip").content)) as zf:
        figs = [n.removeprefix("bj-report/") for n in zf.namelist()]
        assert figs and figs == sorted(f for f in listed if f.startswith("figures/"))
    docx = example.get("/s/bj/download/report.docx")
    if "report.docx" in listed:  # a version of carbonpath with the Word writer
        assert docx.content == (out / "report.docx").read_bytes()
    else:  # refused in one line: not in the output
        assert docx.status_code == 400
        assert alerts(docx.text) == [
            "the output of 'bj' has no file 'report.docx'; "
            "fix: run the study, then choose a file from its report page"
        ]


def test_stopping_the_server_cancels_a_run_and_keeps_the_last_output(example: App) -> None:
    out = example.workspace / "reports" / "bj"
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert before  # the previous test's output
    r = example.post("/s/bj/run", data={"_csrf": example.csrf})
    assert r.status_code == 200
    example.http.app.state.runs.shutdown()  # what Ctrl-C does (the app's lifespan end)
    status = example.get("/s/bj/run/status").json()
    assert status["state"] == "cancelled"
    assert status["message"] == "the server stopped; the previous output is kept"
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["bj"]  # no temporary folder left


def _upload_files(app: App, files: dict[str, Path], **data: str):
    sent = {role: (p.name, p.read_bytes(), "text/csv") for role, p in files.items()}
    return app.post("/new/files", data={"_csrf": app.csrf, **data}, files=sent)


def test_new_study_from_uploaded_tables(fresh: App) -> None:
    src = builtin_path()
    roles = ("sectors", "energy", "economy", "corrections")
    r = _upload_files(
        fresh,
        {role: src / f"{role}.csv" for role in roles},
        name="mine",
        title="Uploaded",
        region="Beijing",
    )
    assert r.status_code == 200, field_errors(r.text) or alerts(r.text)
    folder = fresh.workspace / "mine"
    for role in roles:
        assert (folder / f"{role}.csv").read_bytes() == (src / f"{role}.csv").read_bytes()
    study = load_study(folder)
    ref = load_study(src)
    assert study.settings.years == ref.settings.years
    assert study.settings.lead_years == ref.settings.lead_years == 1  # 2014 rows found

    def read(st):  # the values read from the files (not the ones filled by [quality])
        e = st.economy[~st.economy["filled"]]
        return e.set_index(["year", "sector", "variable"])["value"].sort_index()

    got, want = read(study), read(ref)
    assert got.index.equals(want.index)
    assert (got.to_numpy() == want.to_numpy()).all()
    toml = (folder / "study.toml").read_text("utf-8")
    assert 'title = "Uploaded"' in toml and "years = [2015, 2022]" in toml


def test_uploaded_table_with_a_bad_cell_gets_the_loaders_message(
    fresh: App, tmp_path: Path
) -> None:
    src = builtin_path()
    energy = tmp_path / "energy.csv"
    lines = (src / "energy.csv").read_text("utf-8").splitlines()
    year, sector, fuel, _v, unit = lines[4].split(",")
    lines[4] = f"{year},{sector},{fuel},12..5,{unit}"
    energy.write_text("\n".join(lines) + "\n", "utf-8")
    files = {"sectors": src / "sectors.csv", "energy": energy, "economy": src / "economy.csv"}
    r = _upload_files(fresh, files, name="bad", title="t", region="r", first="2015", last="2022")
    assert r.status_code == 400 and not (fresh.workspace / "bad").exists()
    ref = tmp_path / "ref"
    ref.mkdir()
    for role, p in files.items():
        shutil.copyfile(p, ref / f"{role}.csv")
    (ref / "study.toml").write_text('title = "t"\nregion = "r"\nyears = [2015, 2022]\n', "utf-8")
    with pytest.raises(StudyError) as exc:
        load_study(ref)
    assert field_errors(r.text) == {"energy": exc.value.one_line()}


@pytest.mark.skipif(not CEADS.is_dir(), reason="the CEADs workbooks are not here")
def test_new_study_from_a_ceads_workbook(fresh: App, tmp_path: Path) -> None:
    from carbonpath.io.ceads_study import import_ceads

    books = sorted(CEADS.glob("Emission_Inventories_for_30_Provinces_201[89].xlsx"))
    sent = [("workbooks", (b.name, b.read_bytes(), "application/octet-stream")) for b in books]
    r = fresh.post("/new/ceads", data={"_csrf": fresh.csrf}, files=sent, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = fresh.get(r.headers["location"]).text
    assert ">Beijing</option>" in page
    choose = form(page, r.headers["location"])
    r = fresh.post(r.headers["location"], data=choose.data(province="Beijing", name="bj-ceads"))
    assert r.status_code == 200, alerts(r.text) or field_errors(r.text)
    ref = import_ceads(books, "Beijing", tmp_path / "ref")
    for name in ("emissions.csv", "sectors.csv", "study.toml"):
        assert (fresh.workspace / "bj-ceads" / name).read_bytes() == (ref / name).read_bytes()
    assert not [p for p in (fresh.workspace / ".carbonpath-uploads").rglob("*") if p.is_file()]


def test_ceads_upload_that_is_not_a_workbook(fresh: App) -> None:
    files = [("workbooks", ("x.xlsx", b"PK\x03\x04 not really", "application/octet-stream"))]
    r = fresh.post("/new/ceads", data={"_csrf": fresh.csrf}, files=files)
    assert r.status_code == 400
    assert field_errors(r.text)["workbooks"].startswith("x.xlsx")


YEARBOOK = [
    ["2015年 分行业能源消费量"],
    ["行业", "原煤", "天然气", "电力"],
    ["", "(万吨)", "(亿立方米)", "(亿千瓦时)"],
    ["总计", 30.0, 2.0, 5.0],
    ["化学原料和化学制品制造业", 12.5, "-", 1.5],
    ["医药制造业", 17.5, 2.0, 3.5],
]


def test_yearbook_sheet_with_its_mapping(tmp_path: Path) -> None:
    from tests.serve.client import make_app

    app = make_app(tmp_path / "ws")
    app.post("/new/example", data={"_csrf": app.csrf, "name": "yb"})
    book = tmp_path / "energy_extra.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2015"
    for row in YEARBOOK:
        ws.append(row)
    wb.save(book)
    r = app.post(
        "/s/yb/yearbook",
        data={"_csrf": app.csrf},
        files={"workbook": (book.name, book.read_bytes(), "application/octet-stream")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    page = app.get(url + "?header_row=2&unit_row=3").text
    assert "<td>(亿立方米)</td>" in page and "<td>医药制造业</td>" in page  # the header rows
    mapping = form(page, url)
    cols = {v[0]: k.split("-")[1] for k, v in mapping.fields.items() if k.startswith("col-")}
    rows = {v[0]: k.split("-")[1] for k, v in mapping.fields.items() if k.startswith("row-")}
    assert set(cols) == {"原煤", "天然气", "电力"} and set(rows) == {
        "总计",
        "化学原料和化学制品制造业",
        "医药制造业",
    }
    sectors = {
        f"rowmap-{rows['化学原料和化学制品制造业']}": "26",
        f"rowmap-{rows['医药制造业']}": "27",
    }
    toml = app.workspace / "yb" / "study.toml"
    before = toml.read_bytes()
    # a fuel the study does not know: the loader's message, nothing kept
    bad = mapping.data(
        year="2015", table="energy", **{f"colmap-{cols['原煤']}": "lignite"}, **sectors
    )
    r = app.post(url, data=bad)
    assert r.status_code == 400 and toml.read_bytes() == before
    assert alerts(r.text)[0].startswith(
        f"{book.name} [2015], row 5, column 'fuel': unknown fuel 'lignite'; known: coal"
    )
    assert not (app.workspace / "yb" / book.name).exists()
    # the sheet replaces the 2015 rows of sectors 26 and 27 of these fuels in energy.csv
    energy = app.workspace / "yb" / "energy.csv"
    lines = energy.read_text("utf-8").splitlines(keepends=True)
    drop = {("2015", s, f) for s in ("26", "27") for f in ("coal", "natural_gas", "electricity")}
    energy.write_text("".join(x for x in lines if tuple(x.split(",")[:3]) not in drop), "utf-8")
    fuels = {"原煤": "coal", "天然气": "natural_gas", "电力": "electricity"}
    good = mapping.data(
        year="2015", table="energy", **{f"colmap-{cols[k]}": v for k, v in fuels.items()}, **sectors
    )
    before = toml.read_bytes()
    r = app.post(url, data=good)
    assert r.status_code == 200, alerts(r.text)
    entry = tomllib.loads(toml.read_text("utf-8"))["yearbook"][-1]
    assert entry == {
        "file": book.name,
        "sheet": "2015",
        "table": "energy",
        "year": 2015,
        "header_row": 2,
        "unit_row": 3,
        "first_data_row": 4,
        "label_column": "A",
        "rows": {"化学原料和化学制品制造业": "26", "医药制造业": "27"},
        "columns": fuels,
        "ignore_rows": ["总计"],
    }
    assert toml.read_text("utf-8").startswith(before.decode("utf-8").rstrip("\n"))
    assert (app.workspace / "yb" / book.name).read_bytes() == book.read_bytes()
    study = load_study(app.workspace / "yb")
    got = study.energy[study.energy["file"].str.startswith(book.name)]
    coal = got[got["fuel"] == "coal"].set_index("sector")["value"]
    assert coal["27"] / coal["26"] == pytest.approx(17.5 / 12.5, rel=1e-12)  # the sheet's cells
    assert sorted(got["line"].unique()) == [5, 6]
