"""Work files this installation makes, recorded so that a killed process's are removed later.

A process that makes a work file (an export's hidden output, a capture's ``.part``, the live
ring's folder, a folder of caption pictures) creates it through this module, which records
it in the process's own journal: ``<data>/running/<pid>-<token>.json``, guarded by a
``.lock`` file the process keeps locked (``flock``; ``msvcrt.locking`` on Windows) for as
long as it has something recorded. The operating system drops that lock however the process
ends, kill -9 included. ``sweep()`` — at the start of the app and of ``moments export`` —
takes every lock it can get (its owner is gone) and removes what that journal lists, but
only a file or folder that is still the one recorded (same device and inode): a user's file
that took the name since is kept. Nothing is ever removed because of its name, and files of
another machine in a shared folder are never in our journals.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

JOURNAL_FOLDER = "running"


@dataclass(frozen=True)
class _Entry:
    path: str
    dev: int
    ino: int
    folder: bool

    @classmethod
    def of(cls, path: Path) -> _Entry:
        stat = path.lstat()
        return cls(str(path), stat.st_dev, stat.st_ino, path.is_dir())

    def still_ours(self) -> bool:
        try:
            stat = os.lstat(self.path)
        except OSError:
            return False
        return (stat.st_dev, stat.st_ino) == (self.dev, self.ino)


class Journal:
    """One process's record of its work files in ``folder``; thread-safe."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._fd: int | None = None
        self._name = ""

    def record(self, path: Path) -> None:
        """Remember ``path`` (it exists now and was made by this process)."""
        entry = _Entry.of(path)
        with self._lock:
            self._entries[entry.path] = entry
            self._save()

    def forget(self, path: Path) -> None:
        """``path`` is gone, or is the user's now (published): no longer ours to remove."""
        with self._lock:
            if self._entries.pop(str(path), None) is not None:
                self._save()

    def paths(self) -> list[Path]:
        with self._lock:
            return [Path(entry.path) for entry in self._entries.values()]

    def _save(self) -> None:
        try:
            if not self._entries:
                self._release()
                return
            if self._fd is None:
                self._acquire()
            data = [entry.__dict__ for entry in self._entries.values()]
            _write_json(self.folder / f"{self._name}.json", data)
        except OSError as exc:  # a journal that cannot be kept only costs a later sweep
            log.warning("cannot record work files in %s: %s", self.folder, exc)

    def _acquire(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._name = f"{os.getpid()}-{secrets.token_hex(4)}"
        final = self.folder / f"{self._name}.lock"
        if os.name == "posix":
            # Locked under a name no sweep looks at, then renamed (the lock stays on the inode).
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".new", dir=self.folder)
            _try_lock(fd)
            Path(tmp).replace(final)
        else:
            fd = os.open(final, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            _try_lock(fd)
        self._fd = fd

    def _release(self) -> None:
        if self._fd is None:
            return
        for suffix in (".json", ".lock"):
            with contextlib.suppress(OSError):
                (self.folder / f"{self._name}{suffix}").unlink()
        os.close(self._fd)
        self._fd = None


_JOURNALS: dict[Path, Journal] = {}
_JOURNALS_LOCK = threading.Lock()


def journal_folder() -> Path:
    from moments.core.paths import AppDirs

    return AppDirs.from_environment().data / JOURNAL_FOLDER


def journal(folder: Path | None = None) -> Journal:
    """This process's journal in ``folder`` (default: the user's data folder)."""
    folder = folder or journal_folder()
    with _JOURNALS_LOCK:
        found = _JOURNALS.get(folder)
        if found is None:
            found = _JOURNALS[folder] = Journal(folder)
        return found


def new_file(path: Path, *, folder: Path | None = None) -> Path:
    """Create ``path`` empty (never over an existing file: FileExistsError) and record it.
    A program told to write there (ffmpeg ``-y``) truncates it and keeps its inode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    os.close(fd)
    try:
        journal(folder).record(path)
    except OSError:
        path.unlink(missing_ok=True)
        raise
    return path


def new_folder(prefix: str, parent: Path | None = None, *, folder: Path | None = None) -> Path:
    """A new private folder (``tempfile.mkdtemp``), recorded."""
    made = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    journal(folder).record(made)
    return made


def remove(path: Path) -> None:
    """Delete a recorded work file or folder and forget it (quietly when already gone)."""
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    forget(path)


def forget(path: Path) -> None:
    """``path`` stays, and is no longer a work file (it was published or kept)."""
    with _JOURNALS_LOCK:
        journals = list(_JOURNALS.values())
    for found in journals:
        found.forget(path)


@contextlib.contextmanager
def work_folder(prefix: str, parent: Path | None = None) -> Iterator[Path]:
    """``new_folder`` for the length of a ``with`` block, removed after it."""
    made = new_folder(prefix, parent)
    try:
        yield made
    finally:
        remove(made)


def sweep(folder: Path | None = None) -> list[Path]:
    """Remove what processes of this installation that no longer run left behind. Returns
    what was removed. Journals of running processes are not touched."""
    folder = folder or journal_folder()
    removed: list[Path] = []
    try:
        locks = sorted(folder.glob("*.lock"))
    except OSError:
        return removed
    for lock in locks:
        removed += _sweep_one(lock)
    if removed:
        log.info("removed %d work files left by stopped Moments processes", len(removed))
    return removed


def _sweep_one(lock: Path) -> list[Path]:
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return []
    removed: list[Path] = []
    try:
        if not _try_lock(fd):
            return []  # its process is running
        data = lock.with_suffix(".json")
        for entry in _read_entries(data):
            if not entry.still_ours():
                continue
            if entry.folder:
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()
            removed.append(Path(entry.path))
        with contextlib.suppress(OSError):
            data.unlink()
        with contextlib.suppress(OSError):
            lock.unlink()
    finally:
        os.close(fd)
    return removed


def _read_entries(data: Path) -> list[_Entry]:
    try:
        raw = json.loads(data.read_text(encoding="utf-8"))
        return [
            _Entry(str(item["path"]), int(item["dev"]), int(item["ino"]), bool(item["folder"]))
            for item in raw
        ]
    except (OSError, ValueError, TypeError, KeyError):
        return []


def _write_json(path: Path, data: object) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _try_lock(fd: int) -> bool:
    """An exclusive lock on ``fd`` without waiting; False when another process holds it."""
    if os.name == "posix":
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True
    import msvcrt

    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        return False
    return True
