"""Safe input opening (io/files.py): inside the study, regular, bounded, honest."""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from pathlib import Path

import pytest

from carbonpath.core.errors import StudyError
from carbonpath.core.limits import DEFAULT_MAX_FILE_MB, MAX_FILE_MB_CEILING
from carbonpath.io.files import (
    MB,
    binary_kind,
    locate_input,
    max_input_bytes,
    read_input,
    size_text,
)


def test_regular_file_inside_the_study(tmp_path: Path) -> None:
    p = tmp_path / "energy.csv"
    p.write_bytes(b"year,sector\n2015,A\n")
    found = read_input(p, label="energy.csv", root=tmp_path, text=True)
    assert found.data == p.read_bytes()
    assert found.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()  # hashlib: reference
    assert found.real == p.resolve()
    assert locate_input(tmp_path / "absent.csv", label="absent.csv", root=tmp_path) is None


def test_symlinks_inside_are_followed_outside_refused(tmp_path: Path) -> None:
    study = tmp_path / "study"
    (study / "data").mkdir(parents=True)
    (study / "data" / "e.csv").write_text("x\n")
    (study / "energy.csv").symlink_to("data/e.csv")
    assert (
        locate_input(study / "energy.csv", label="energy.csv", root=study)
        == (study / "data" / "e.csv").resolve()
    )
    (tmp_path / "secret.txt").write_text("root:x:0:0\n")
    (study / "sectors.csv").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(StudyError) as e:
        read_input(study / "sectors.csv", label="sectors.csv", root=study)
    msg = str(e.value)
    assert msg.startswith("sectors.csv: is a symbolic link to '") and "outside the study" in msg
    assert "root:x" not in msg
    # a linked folder on the way counts too
    (study / "linked").symlink_to(tmp_path)
    with pytest.raises(StudyError, match="outside the study folder"):
        locate_input(study / "linked" / "secret.txt", label="linked/secret.txt", root=study)


def test_dangling_link_folder_fifo_device(tmp_path: Path) -> None:
    (tmp_path / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(StudyError, match="which does not exist"):
        locate_input(tmp_path / "gone.csv", label="gone.csv", root=tmp_path)
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(StudyError, match="^dir.csv: is a folder, not a file"):
        read_input(tmp_path / "dir.csv", label="dir.csv")
    os.mkfifo(tmp_path / "pipe.csv")
    # a FIFO without a writer would block a plain open(): this must return at once
    result: list[BaseException] = []
    t = threading.Thread(
        target=lambda: result.append(
            pytest.raises(StudyError, read_input, tmp_path / "pipe.csv", label="pipe.csv").value
        ),
        daemon=True,
    )
    t.start()
    t.join(timeout=10)
    assert not t.is_alive(), "reading a FIFO blocked"
    assert "named pipe (FIFO)" in str(result[0])
    with pytest.raises(StudyError, match="is a device, not a file"):
        locate_input(Path("/dev/null"), label="null")


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    p = tmp_path / "big.csv"
    with p.open("wb") as fh:
        fh.truncate(3 * 1024**3)  # sparse: 3 GB that take no disk space
    with pytest.raises(StudyError) as e:
        read_input(p, label="big.csv")
    assert str(e.value).startswith(
        f"big.csv: is 3072.0 MB, more than the limit of {DEFAULT_MAX_FILE_MB}.0 MB"
    )
    small = tmp_path / "s.csv"
    small.write_bytes(b"a" * 2000)
    with pytest.raises(StudyError, match="is 2.0 KB, more than the limit of 1000 bytes"):
        read_input(small, label="s.csv", max_bytes=1000)
    assert read_input(small, label="s.csv", max_bytes=2000).size == 2000


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PK\x03\x04rest", "ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old-style Excel"),
        (b"%PDF-1.7", "PDF"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (gzip.compress(b"year,sector\n", mtime=0), "gzip"),
        (b"\x7fELF\x02\x01", "program"),
        ("year,sector\n".encode("utf-16"), "UTF-16"),
        (b"year,sec\x00tor\n", "NUL bytes"),
    ],
)
def test_binary_kinds_from_the_first_bytes(head: bytes, kind: str, tmp_path: Path) -> None:
    assert kind in (binary_kind(head) or "")
    p = tmp_path / "x.csv"
    p.write_bytes(head + b"," * 10_000)
    with pytest.raises(StudyError):
        read_input(p, label="x.csv", text=True)


def test_text_is_not_binary() -> None:
    assert binary_kind("year,sector\n2015,化学\n".encode()) is None
    assert binary_kind("year,sector\n".encode("gbk")) is None


def test_max_input_bytes_reads_limits_max_file_mb() -> None:
    assert max_input_bytes(None) == DEFAULT_MAX_FILE_MB * MB
    assert max_input_bytes({"title": "x"}) == DEFAULT_MAX_FILE_MB * MB
    assert max_input_bytes({"limits": {"max_file_mb": 5}}) == 5 * MB
    assert max_input_bytes({"limits": {"max_file_mb": 0.5}}) == MB // 2
    for bad in (-1, 0, MAX_FILE_MB_CEILING + 1, "10", True, float("nan")):
        with pytest.raises(StudyError) as e:
            max_input_bytes({"limits": {"max_file_mb": bad}})
        assert str(e.value).startswith("study.toml, key 'limits.max_file_mb': must be")
    with pytest.raises(StudyError, match="key 'limits': must be a table"):
        max_input_bytes({"limits": 3})


def test_size_text() -> None:
    assert size_text(812) == "812 bytes"
    assert size_text(3 * 1024 + 100) == "3.1 KB"
    assert size_text(250 * MB) == "250.0 MB"
