"""The report's catalogue: both languages complete, fields filled, fallbacks, refusals."""

from __future__ import annotations

import re
import string

import pytest

from carbonpath.report import i18n
from carbonpath.report.i18n import catalogue, language_of, text

FIELD = string.Formatter()


def _fields(s: str) -> set[str]:
    return {name for _, name, _, _ in FIELD.parse(s) if name}


def test_zh_has_every_en_key_and_the_same_fields() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    assert set(en) - set(zh) == set()
    assert set(zh) - set(en) == set()
    for key, words in en.items():
        assert _fields(words) == _fields(zh[key]), key


def test_zh_text_is_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    zh = catalogue("zh")
    assert han.search(text("report.contents", "zh"))
    # every sentence-like entry of zh carries Han characters (ids and symbols may not)
    long = [k for k, v in catalogue("en").items() if len(v.split()) >= 3 and zh[k]]
    missing = [k for k in long if not han.search(zh[k])]
    assert missing == []


def test_fields_are_filled() -> None:
    assert text("report.figure", "en", n=3) == "Figure 3."
    assert text("report.figure", "zh", n=3) == "图 3"


def test_unknown_language_falls_back_and_catalogue_refuses() -> None:
    assert text("report.contents", "klingon") == "Contents"
    with pytest.raises(ValueError, match="klingon"):
        catalogue("klingon")


def test_missing_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        text("no.such.key", "en")


def test_language_of_results() -> None:
    assert language_of({"settings": {"report": {"language": "zh"}}}) == "zh"
    assert language_of({"settings": {"report": {"language": "xx"}}}) == "en"
    assert language_of({}) == "en"


def test_a_key_defined_twice_is_refused(tmp_path, monkeypatch) -> None:
    (tmp_path / "en.toml").write_text('[a]\nb = "x"\n', encoding="utf-8")
    (tmp_path / "figures.en.toml").write_text('[a]\nb = "y"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "HERE", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="defined twice"):
            i18n.catalogue("en")
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()


def _study_with(tmp_path, line: str):
    from tests.report.studies import write_study

    folder = write_study(tmp_path / "s")
    toml = (folder / "study.toml").read_text(encoding="utf-8")
    (folder / "study.toml").write_text(toml.replace("[report]\n", f"[report]\n{line}\n"), "utf-8")
    return folder


def test_language_setting(tmp_path) -> None:
    import carbonpath
    from carbonpath.core.errors import StudyError

    zh = carbonpath.load_study(str(_study_with(tmp_path / "a", 'language = "zh"')))
    assert zh.settings.report.language == "zh"
    with pytest.raises(StudyError) as exc:
        carbonpath.load_study(str(_study_with(tmp_path / "b", 'language = "klingon"')))
    msg = str(exc.value)
    assert "report.language" in msg and "klingon" in msg and "\n" not in msg
    assert "en" in msg and "zh" in msg
