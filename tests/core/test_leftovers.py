"""Work files are swept only when this installation made them and their process is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from moments.core import leftovers

REPO = Path(__file__).resolve().parents[2]


def killed_process_made(journal: Path, code: str) -> None:
    """Run ``code`` (``J`` is the journal folder) in a process that then dies by kill -9."""
    script = "from pathlib import Path\nimport os, signal\nfrom moments.core import leftovers\n"
    script += f"J = Path({str(journal)!r})\n" + textwrap.dedent(code)
    script += "\nos.kill(os.getpid(), signal.SIGKILL)\n"
    env = {**os.environ, "PYTHONPATH": str(REPO / "app")}
    done = subprocess.run([sys.executable, "-c", script], env=env, check=False, timeout=30)
    assert done.returncode == -signal.SIGKILL


def test_a_killed_process_s_work_files_are_removed(tmp_path: Path) -> None:
    journal, out = tmp_path / "running", tmp_path / "out"
    out.mkdir()
    killed_process_made(
        journal,
        f"""
        leftovers.new_file(Path({str(out / ".work.mp4")!r}), folder=J)
        ring = leftovers.new_folder("moments-ring-", Path({str(out)!r}), folder=J)
        (ring / "seg00000001.ts").write_bytes(b"x" * 100)
        """,
    )
    assert sorted(p.name for p in out.iterdir()) == [
        ".work.mp4",
        next(out.glob("moments-ring-*")).name,
    ]
    removed = leftovers.sweep(journal)
    assert len(removed) == 2
    assert list(out.iterdir()) == []
    assert list(journal.iterdir()) == []  # the journal itself goes too


def test_a_user_s_file_named_like_a_work_file_is_never_swept(tmp_path: Path) -> None:
    """The old sweep deleted any ``.moments-export-<dead pid>-*`` file; only recorded files
    go now."""
    mine = tmp_path / ".moments-export-999999999-dead.mp4"
    mine.write_bytes(b"the user's finished clip")
    assert leftovers.sweep(tmp_path / "running") == []
    assert mine.read_bytes() == b"the user's finished clip"


def test_a_file_that_replaced_the_recorded_one_is_kept(tmp_path: Path) -> None:
    journal, work = tmp_path / "running", tmp_path / ".work.mp4"
    killed_process_made(journal, f"leftovers.new_file(Path({str(work)!r}), folder=J)")
    work.rename(tmp_path / "moved by the user.mp4")
    work.write_bytes(b"someone else's, same name")  # another inode
    assert leftovers.sweep(journal) == []
    assert work.exists() and (tmp_path / "moved by the user.mp4").exists()


def test_a_running_process_s_files_are_left_alone(tmp_path: Path) -> None:
    journal, work = tmp_path / "running", tmp_path / ".work.mp4"
    leftovers.new_file(work, folder=journal)  # this process: alive, holds its lock
    try:
        assert leftovers.sweep(journal) == []
        assert work.exists()
    finally:
        leftovers.remove(work)
    assert not work.exists()
    assert list(journal.iterdir()) == []  # nothing recorded: no journal kept


def test_new_file_never_replaces_an_existing_file(tmp_path: Path) -> None:
    taken = tmp_path / "taken.mp4"
    taken.write_bytes(b"keep")
    try:
        leftovers.new_file(taken, folder=tmp_path / "running")
    except FileExistsError:
        pass
    else:
        raise AssertionError("new_file replaced a file")
    assert taken.read_bytes() == b"keep"
