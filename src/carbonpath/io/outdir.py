"""The output folder (``--out``): never destroy what is not ours, and crash-safe writes.

Rules (docs/reliability.md):

- Every output folder holds a manifest, :data:`MANIFEST` (``.carbonpath-output.json``),
  listing each file carbonpath wrote with its size and SHA-256.  An existing folder is
  replaced only if it is empty, or holds that manifest and nothing but the files it
  lists, unchanged (plus operating-system litter such as ``.DS_Store``).
- ``--out`` may not be the study folder or lie inside it, nor be the current folder,
  the home folder, the root of the file system or a folder holding any of them.
- Problems are found before any analysis (:meth:`OutputFolder.claim`): a file in the
  way, a parent that is a file, a read-only folder or file system, a folder in use.

Crash safety: a run holds a lock, :data:`LOCK` (``.<name>.carbonpath-lock`` next to
``--out``, with its pid; an ``flock`` the kernel drops when the process dies), and
writes into its own temporary folder ``.<name>.carbonpath-tmp-<pid>`` next to
``--out``.  The finished folder replaces ``--out`` with one atomic exchange of the two
directories (Linux ``renameat2(RENAME_EXCHANGE)``, macOS ``renamex_np(RENAME_SWAP)``),
so ``--out`` never goes missing: a ``kill -9`` at any moment leaves the previous or the
new complete output.  Where the exchange is not available the old folder is first
renamed ``.<name>.carbonpath-old-<pid>``; should the run die between the two renames,
the next run puts it back.  The next run on the same ``--out`` removes leftovers of a
dead run (its lock, temporary and old folders), never those of a live one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from carbonpath.core.errors import InputError

try:  # POSIX; elsewhere the lock is an exclusive file without a kernel lock
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "LOCK",
    "MANIFEST",
    "OutputFolder",
    "check_out",
    "read_manifest",
    "verify_ours",
    "write_manifest",
]

MANIFEST = ".carbonpath-output.json"
MANIFEST_FORMAT = "carbonpath-output"
#: next to --out: ``.<name>`` + these
LOCK = ".carbonpath-lock"
TMP = ".carbonpath-tmp-"
OLD = ".carbonpath-old-"
#: files an operating system drops into folders a user browses; replaced with the rest
LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "._.DS_Store"})
_MAX_MANIFEST = 4 * 1024 * 1024
_FIX = "choose an empty or new folder for --out"


def _refuse(message: str, fix: str = _FIX) -> InputError:
    return InputError(message, fix=fix)


# ---------------------------------------------------------------------------- path rules


def _is_at_or_above(folder: Path, other: Path | None) -> bool:
    return other is not None and (other == folder or other.is_relative_to(folder))


def _resolved(path: Path | None) -> Path | None:
    return None if path is None else Path(os.path.realpath(Path(path).expanduser()))


def check_out(
    out: Path,
    *,
    study_dir: Path | None = None,
    cwd: Path | None = None,
    home: Path | None = None,
) -> Path:
    """The resolved ``--out`` after the path rules; a broken rule is an InputError.

    ``cwd``/``home`` default to the process's current and home folders.
    """
    raw = Path(out).expanduser()
    if raw.is_symlink() and not raw.exists():
        raise _refuse(
            f"output path '{raw}' is a symbolic link to '{os.readlink(raw)}', which does not exist",
            "remove the link, or " + _FIX,
        )
    path = Path(os.path.realpath(raw))
    study = _resolved(study_dir)
    if study is not None and path != study and path.is_relative_to(study):
        raise _refuse(
            f"output folder '{path}' is inside the study folder",
            "choose --out outside the study folder (inputs are never written to)",
        )
    if path == Path(path.anchor):
        raise _refuse(f"output folder '{path}' is the root of the file system")
    for what, folder in (
        ("the study folder", study),
        ("the current folder", _resolved(cwd or _where(Path.cwd))),
        ("the home folder", _resolved(home or _where(Path.home))),
    ):
        if folder == path:
            raise _refuse(f"output folder '{path}' is {what}")
        if _is_at_or_above(path, folder):
            raise _refuse(f"output folder '{path}' holds {what} ('{folder}')")
    _check_ancestors(path)
    return path


def _where(find: Any) -> Path | None:
    """``Path.cwd()`` or ``Path.home()``, or None when there is none (a deleted current
    folder, no HOME): that rule then has nothing to protect."""
    try:
        return find()
    except (OSError, RuntimeError, KeyError):
        return None


def _check_ancestors(path: Path) -> None:
    """A regular file on the way to ``--out``, or a file at ``--out``, is an error."""
    if path.exists() and not path.is_dir():
        raise _refuse(f"output path '{path}' is a file", "give a folder for --out")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise _refuse(
                    f"output path '{path}' lies below '{parent}', which is a file",
                    "give a folder for --out",
                )
            return


# ------------------------------------------------------------------------------ manifest


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _walk(folder: Path, prefix: str = "") -> Iterator[tuple[str, os.stat_result]]:
    """``(relative path, lstat)`` of everything below ``folder`` (links not followed)."""
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        rel = f"{prefix}{entry.name}"
        st = entry.stat(follow_symlinks=False)
        yield rel, st
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(Path(entry.path), rel + "/")


def write_manifest(folder: Path) -> dict[str, Any]:
    """List every file and folder below ``folder`` in :data:`MANIFEST`; return it.

    Deterministic (sorted, no time stamps): the same outputs give the same bytes.
    """
    from carbonpath.core.version import __version__

    files, dirs = [], []
    for rel, st in _walk(folder):
        if rel == MANIFEST:
            continue
        if stat.S_ISDIR(st.st_mode):
            dirs.append(rel)
        elif stat.S_ISREG(st.st_mode):
            files.append({"path": rel, "size": st.st_size, "sha256": _digest(folder / rel)})
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": 1,
        "carbonpath_version": __version__,
        "note": "files written by carbonpath; a later run replaces this folder only while "
        "it holds nothing else (see docs/reliability.md)",
        "folders": dirs,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of ``folder``; ``None`` if absent; a damaged one is an InputError."""
    path = folder / MANIFEST
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    damaged = _refuse(f"output folder '{folder}' has a damaged {MANIFEST}")
    if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_MANIFEST:
        raise damaged
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ok = data.get("format") == MANIFEST_FORMAT and isinstance(data.get("files"), list)
        files = {str(f["path"]): (int(f["size"]), str(f["sha256"])) for f in data["files"]}
        dirs = {str(d) for d in data.get("folders", [])}
    except (ValueError, TypeError, KeyError, AttributeError):
        raise damaged from None
    if not ok:
        raise damaged
    return {"files": files, "folders": dirs}


def verify_ours(folder: Path) -> None:
    """Raise unless ``folder`` is empty or holds only what its manifest lists, unchanged."""
    entries = list(_walk(folder))
    if not entries:
        return
    manifest = read_manifest(folder)
    if manifest is None:
        if any(rel == "results.json" for rel, _ in entries):
            raise _refuse(
                f"output folder '{folder}' holds a results.json but no {MANIFEST}, so it is "
                "not known to be carbonpath's (an output of carbonpath 0.1.0 or of someone "
                "else) and is not replaced",
                _FIX + ", or delete the old output yourself",
            )
        raise _refuse(f"output folder '{folder}' is not empty and was not written by carbonpath")
    files, dirs = manifest["files"], manifest["folders"]
    for rel, st in entries:
        if rel == MANIFEST or Path(rel).name in LITTER:
            continue
        if stat.S_ISDIR(st.st_mode) and rel in dirs:
            continue
        if not stat.S_ISREG(st.st_mode) or rel not in files:
            raise _refuse(
                f"output folder '{folder}' holds '{rel}', which carbonpath did not write",
                "move it out, or " + _FIX,
            )
        size, digest = files[rel]
        if st.st_size != size or _digest(folder / rel) != digest:
            raise _refuse(
                f"output folder '{folder}': '{rel}' was changed after carbonpath wrote it",
                "move it out, or " + _FIX,
            )


# ---------------------------------------------------------------------------------- lock


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (POSIX; assumed alive where that cannot be told)."""
    if pid <= 0:
        return False
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would kill on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock_pid(path: Path) -> int | None:
    try:
        return int(json.loads(path.read_text(encoding="utf-8"))["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _in_use(out: Path, pid: int | None) -> InputError:
    who = f"process {pid}" if pid is not None else "another process"
    return _refuse(
        f"output folder '{out}' is in use by {who} (another carbonpath run)",
        "wait for that run to finish, or choose another --out",
    )


class _Lock:
    """An exclusive lock on ``--out``: a file next to it holding our pid, flock'ed."""

    def __init__(self, path: Path, out: Path) -> None:
        self.path = path
        self.out = out
        self.fd: int | None = None

    def acquire(self) -> None:
        for _ in range(20):
            fd = self._open()
            if fd is None:
                continue
            self.fd = fd
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps({"pid": os.getpid(), "carbonpath": "run"}).encode() + b"\n")
            return
        raise _in_use(self.out, _lock_pid(self.path))  # pragma: no cover - lock churn

    def _open(self) -> int | None:
        """A locked descriptor of the lock file, or None to retry (it was replaced)."""
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        if fcntl is None:  # pragma: no cover - Windows: an exclusive file
            return self._open_exclusive(flags)
        fd = os.open(self.path, flags, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise _in_use(self.out, _lock_pid(self.path)) from None
        try:
            same = os.stat(self.path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if not same:  # the previous holder removed it between our open and flock
            os.close(fd)
            return None
        return fd

    def _open_exclusive(self, flags: int) -> int | None:  # pragma: no cover - Windows
        try:
            return os.open(self.path, flags | os.O_EXCL, 0o644)
        except FileExistsError:
            pid = _lock_pid(self.path)
            if pid is not None and not _pid_alive(pid):
                self.path.unlink(missing_ok=True)
                return None
            raise _in_use(self.out, pid) from None

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)
            self.fd = None


# ------------------------------------------------------------------------------ exchange


def _libc() -> Any:
    name = ctypes.util.find_library("c") if sys.platform == "darwin" else None
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:  # pragma: no cover
        return None


def exchange(a: Path, b: Path) -> bool:
    """Swap the directories ``a`` and ``b`` in one atomic step; False if not supported.

    Linux: ``renameat2(..., RENAME_EXCHANGE)``; macOS: ``renamex_np(..., RENAME_SWAP)``.
    """
    libc = _libc()
    if libc is None:  # pragma: no cover
        return False
    fa, fb = os.fsencode(str(a)), os.fsencode(str(b))
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        fn = libc.renameat2
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        rc = fn(-100, fa, -100, fb, 2)  # AT_FDCWD, RENAME_EXCHANGE
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):  # pragma: no cover
        fn = libc.renamex_np
        fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        rc = fn(fa, fb, 2)  # RENAME_SWAP
    else:  # pragma: no cover
        return False
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


# ------------------------------------------------------------------------ output folder


class OutputFolder:
    """One run's claim on ``--out``: checked, locked, with a private temporary folder.

    ``claim()`` runs every check and takes the lock before any analysis; the outputs
    are written into :attr:`tmp`; ``commit()`` writes the manifest and puts the folder
    in place; ``release()`` (or leaving the ``with`` block) removes what a failed run
    made and drops the lock.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.parent = out.parent
        self.lock = _Lock(self.parent / f".{out.name}{LOCK}", out)
        self.tmp = self.parent / f".{out.name}{TMP}{os.getpid()}"
        self.created: list[Path] = []
        self.committed = False

    @classmethod
    def claim(
        cls,
        out: Path,
        *,
        study_dir: Path | None = None,
        inputs: Iterable[Path] = (),
    ) -> OutputFolder:
        """Check ``out`` (see :func:`check_out`), lock it, clean a dead run's leftovers and
        create the temporary folder; every problem is an InputError (exit 2)."""
        folder = cls(check_out(out, study_dir=study_dir))
        try:
            folder._prepare(inputs)
        except BaseException:
            folder.release()
            raise
        return folder

    def _prepare(self, inputs: Iterable[Path]) -> None:
        self._make_parents()
        self._writable(self.parent, "create the output folder in")
        try:
            self.lock.acquire()
        except OSError as exc:
            raise self._unwritable(self.parent, "create the output folder in", exc) from None
        self._recover()
        if self.out.is_dir():
            if not os.access(self.out, os.W_OK | os.X_OK):
                raise _refuse(
                    f"output folder '{self.out}' is read-only", "make it writable, or " + _FIX
                )
            if os.path.ismount(self.out):
                raise _refuse(f"output folder '{self.out}' is a mount point", _FIX + " inside it")
            verify_ours(self.out)
        for p in inputs:
            if _is_at_or_above(self.out, _resolved(p)):
                raise _refuse(f"output folder '{self.out}' holds the input '{p}'")
        try:
            os.mkdir(self.tmp, 0o755)
        except OSError as exc:
            raise self._unwritable(self.parent, "write next to the output folder in", exc) from None

    def _make_parents(self) -> None:
        missing = [p for p in (self.parent, *self.parent.parents) if not p.exists()]
        for p in reversed(missing):
            try:
                p.mkdir()
            except FileExistsError:
                continue
            except OSError as exc:
                raise self._unwritable(p.parent, "create the output folder in", exc) from None
            self.created.append(p)

    @staticmethod
    def _unwritable(where: Path, what: str, exc: OSError | None = None) -> InputError:
        reason = "permission denied"
        if exc is not None and exc.errno == errno.EROFS:
            reason = "read-only file system"
        elif exc is not None and exc.strerror:
            reason = exc.strerror.lower()
        return _refuse(
            f"cannot {what} '{where}': {reason}", "choose a --out in a folder you can write to"
        )

    def _writable(self, where: Path, what: str) -> None:
        if not os.access(where, os.W_OK | os.X_OK):
            raise self._unwritable(where, what)

    def _leftovers(self) -> Iterator[tuple[Path, int]]:
        pattern = re.compile(
            re.escape(f".{self.out.name}") + f"({re.escape(TMP)}|{re.escape(OLD)})(\\d+)$"
        )
        for entry in os.scandir(self.parent):
            m = pattern.match(entry.name)
            if m and entry.is_dir(follow_symlinks=False):
                yield Path(entry.path), int(m.group(2))

    def _recover(self) -> None:
        """Under the lock: put back an old output stranded by a dead run, remove leftovers."""
        stale = [
            (p, pid) for p, pid in self._leftovers() if pid == os.getpid() or not _pid_alive(pid)
        ]
        if not self.out.exists():
            old = [p for p, _ in stale if OLD in p.name and (p / MANIFEST).is_file()]
            if len(old) == 1:
                os.rename(old[0], self.out)
                stale = [(p, pid) for p, pid in stale if p != old[0]]
        for p, _ in stale:
            shutil.rmtree(p, ignore_errors=True)

    def commit(self) -> Path:
        """Write the manifest and replace ``--out`` by the temporary folder atomically."""
        write_manifest(self.tmp)
        if self.out.is_dir():
            verify_ours(self.out)  # again: nothing of the user's may have arrived since
            if exchange(self.tmp, self.out):
                shutil.rmtree(self.tmp, ignore_errors=True)  # now the previous output
            else:  # two renames; a crash between them is repaired by the next run
                old = self.parent / f".{self.out.name}{OLD}{os.getpid()}"
                os.rename(self.out, old)
                try:
                    os.rename(self.tmp, self.out)
                except OSError:
                    os.rename(old, self.out)
                    raise
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(self.tmp, self.out)
        self.committed = True
        self.created = []
        self.release()
        return self.out

    def release(self) -> None:
        """Remove the temporary folder, drop the lock, then remove the parents a failed
        run created (the lock file lives in the parent)."""
        try:
            if not self.committed and self.tmp.is_dir() and not self.tmp.is_symlink():
                shutil.rmtree(self.tmp, ignore_errors=True)
        finally:
            self.lock.release()
        for p in reversed(self.created):
            try:
                p.rmdir()
            except OSError:
                break
        self.created = []

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
