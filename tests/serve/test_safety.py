"""The safety rules over HTTP: token, host, CSRF, confinement, upload bounds, escaping,
no tracebacks, headers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from carbonpath.serve.forms import Limits
from carbonpath.serve.security import COOKIE
from tests.serve.client import BASE, App, alerts, field_errors, make_app

KB = 1024


def test_without_the_token_every_page_is_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path / "ws", login=False)
    for url in ("/", "/new/files", "/s/x/checks", "/static/app.css", "/s/x/download/output.zip"):
        r = app.get(url)
        assert r.status_code == 403
        assert (
            r.text == "refused: open the address carbonpath serve printed (it carries the token)\n"
        )
    r = app.post("/new/example", data={"name": "x"})
    assert r.status_code == 403 and not (tmp_path / "ws" / "x").exists()


def test_wrong_token_and_forged_cookie(tmp_path: Path) -> None:
    app = make_app(tmp_path / "ws", login=False)
    r = app.get("/?token=" + "A" * 43, follow_redirects=False)
    assert r.status_code == 403 and "wrong token" in r.text and COOKIE not in r.cookies
    app.http.cookies.set(COOKIE, "made-up")
    assert app.get("/").status_code == 403


def test_the_token_opens_a_session_and_leaves_the_address(tmp_path: Path) -> None:
    app = make_app(tmp_path / "ws", login=False)
    r = app.get(f"/s/x/checks?token={app.guard.token}&min=0.1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/s/x/checks?min=0.1"  # the token is gone from the URL
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert app.get("/").status_code == 200
    # scripts may send the token in a header instead of a cookie
    other = make_app(tmp_path / "ws2", login=False)
    assert other.get("/", headers={"x-carbonpath-token": other.guard.token}).status_code == 200


def test_other_host_names_are_refused(fresh: App) -> None:
    r = fresh.get("/", headers={"host": "attacker.example:8765"})
    assert r.status_code == 403 and "its own address" in r.text


def test_post_without_csrf_value_is_refused(fresh: App) -> None:
    r = fresh.post("/new/example", data={"name": "bj"})
    assert r.status_code == 400
    assert alerts(r.text) == [
        "refused: the form has no valid CSRF value (it was not sent from this app's page); "
        "fix: reload the page and send the form again"
    ]
    assert not (fresh.workspace / "bj").exists()
    r = fresh.post("/new/example", data={"name": "bj", "_csrf": "0" * 64})
    assert r.status_code == 400 and not (fresh.workspace / "bj").exists()


def test_post_from_another_site_is_refused(fresh: App) -> None:
    r = fresh.post(
        "/new/example",
        data={"name": "bj", "_csrf": fresh.csrf},
        headers={"origin": "http://evil.example"},
    )
    assert r.status_code == 400 and "another site" in r.text
    assert not (fresh.workspace / "bj").exists()


def test_csrf_value_of_another_session_is_refused(tmp_path: Path) -> None:
    a = make_app(tmp_path / "ws")
    stolen = a.csrf
    a.http.cookies.clear()
    r = a.get(f"/?token={a.guard.token}", follow_redirects=False)  # a new session
    a.http.cookies.set(COOKIE, r.cookies[COOKIE])
    assert a.post("/new/example", data={"name": "bj", "_csrf": stolen}).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/s/..%2F..%2Fetc/checks",
        "/s/%2E%2E/checks",
        "/s/../etc/checks",
        "/s/.carbonpath-uploads/checks",
        "/s/reports/checks",
        "/s/bj/table/..%2Fstudy.toml",
        "/s/bj/table/%2Fetc%2Fpasswd",
        "/s/bj/table/study.toml",
        "/s/bj/out/..%2F..%2Fbj%2Fstudy.toml",
        "/s/bj/out/%2Fetc%2Fpasswd",
        "/s/bj/download/..%2Fbj%2Fenergy.csv",
        "/new/ceads/..%2F..%2F",
        "/s/bj/yearbook/0123456789abcdef",
    ],
)
def test_paths_outside_the_workspace_or_the_study_are_refused(example: App, url: str) -> None:
    r = example.get(url)
    assert r.status_code in (400, 404), (url, r.status_code)
    assert "root:" not in r.text and "Traceback" not in r.text
    assert "[report]" not in r.text  # study.toml is never served


def test_a_symlink_out_of_the_workspace_is_not_a_study(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "study.toml").write_text('title = "secret"\n', "utf-8")
    app = make_app(tmp_path / "ws")
    os.symlink(outside, tmp_path / "ws" / "link")
    assert "/s/link" not in app.get("/").text and "secret" not in app.get("/").text
    r = app.get("/s/link/checks")
    assert r.status_code == 400 and "outside the workspace" in alerts(r.text)[0]


def _multipart_post(app: App, url: str, files: dict, data: dict | None = None):
    return app.post(url, data={"_csrf": app.csrf, **(data or {})}, files=files)


def test_oversized_upload_is_refused_next_to_its_field(tmp_path: Path) -> None:
    app = make_app(tmp_path / "ws", Limits(file=4 * KB, request=64 * KB))
    big = b"year,sector,fuel,value,unit\n" + b"2015,26,coal,1,t\n" * 1000
    r = _multipart_post(
        app,
        "/new/files",
        {"energy": ("energy.csv", big, "text/csv")},
        {"name": "mine", "title": "t", "region": "r"},
    )
    assert r.status_code == 400
    assert field_errors(r.text)["energy"] == (
        "energy.csv: is larger than the upload limit of 4 KB; fix: check that this is the right file"
    )
    assert not (app.workspace / "mine").exists()
    # nothing of the upload is left in the workspace
    leftovers = [p for p in (app.workspace / ".carbonpath-uploads").rglob("*") if p.is_file()]
    assert leftovers == []


def test_a_request_over_the_bound_gets_413(tmp_path: Path) -> None:
    app = make_app(tmp_path / "ws", Limits(file=4 * KB, request=16 * KB))
    r = _multipart_post(
        app, "/new/ceads", {"workbooks": ("a.xlsx", b"x" * (40 * KB), "application/zip")}
    )
    assert r.status_code == 413 and r.text == (
        "refused: the upload is larger than the limit of 16 KB for one request; "
        "fix: send fewer or smaller files\n"
    )
    assert [p for p in (app.workspace / ".carbonpath-uploads").rglob("*") if p.is_file()] == []


def test_an_upload_is_checked_like_any_input(fresh: App) -> None:
    r = _multipart_post(
        fresh,
        "/new/files",
        {
            "energy": ("energy.csv", b"\x00\x01\x02binary" * 50, "text/csv"),
            "sectors": ("../../../sectors.csv", b"code,name\n26,Chemicals\n", "text/csv"),
        },
        {"name": "mine", "title": "t", "region": "r"},
    )
    assert r.status_code == 400
    msg = field_errors(r.text)["energy"]
    assert msg.startswith("energy.csv") and "fix:" in msg
    assert not (fresh.workspace.parent / "sectors.csv").exists()


def test_user_text_is_escaped(fresh: App) -> None:
    folder = fresh.workspace / "xss"
    folder.mkdir()
    (folder / "study.toml").write_text(
        'title = "<script>alert(1)</script>"\nregion = "<img src=x onerror=alert(1)>"\n'
        "years = [2015, 2016]\n",
        "utf-8",
    )
    page = fresh.get("/").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    r = fresh.post("/new/example", data={"_csrf": fresh.csrf, "name": "<b>x</b>"})
    assert r.status_code == 400 and "<b>x</b>" not in r.text and "&lt;b&gt;x&lt;/b&gt;" in r.text


def test_a_bug_is_one_line_never_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carbonpath.serve import views_study

    app = make_app(tmp_path / "ws", raise_errors=False)

    def boom(*a, **k):
        raise RuntimeError("something\nbroke   here")

    monkeypatch.setattr(views_study, "_files", boom)
    (tmp_path / "ws" / "s").mkdir()
    (tmp_path / "ws" / "s" / "study.toml").write_text("title = 1\n", "utf-8")
    r = app.get("/s/s")
    assert r.status_code == 500
    assert r.text == (
        "internal error: RuntimeError: something broke here (this is a bug in carbonpath; "
        "the server log has the details)\n"
    )


def test_every_answer_carries_the_strict_headers(fresh: App) -> None:
    for url in ("/", "/static/app.js", "/nothing-here"):
        r = fresh.get(url)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp.split("style-src")[0]
        assert r.headers["x-content-type-options"] == "nosniff"
    assert fresh.get("/nothing-here").status_code == 404


def test_pages_load_nothing_from_elsewhere(example: App) -> None:
    import re

    for url in ("/", "/s/bj", "/s/bj/checks", "/s/bj/settings", "/s/bj/run", "/new/files"):
        page = example.get(url).text
        for ref in re.findall(r'(?:src|href|action)="([^"]*)"', page):
            assert not ref.startswith(("http:", "https:", "//")), (url, ref)
    assert BASE.startswith("http://127.0.0.1")
