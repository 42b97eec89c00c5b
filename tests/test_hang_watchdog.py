"""A test stuck in C++ ends the run with every thread's stack (pyproject's faulthandler
settings), where pytest-timeout's SIGALRM never fires: its handler waits for the main thread
to run Python again."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

STUCK_IN_CPP = """
import threading

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool
from PySide6.QtTest import QTest


def test_a_closed_window_waits_for_its_pool_in_cpp():
    app = QCoreApplication.instance() or QCoreApplication([])
    owner = QObject()  # a window, say, owning a TaskRunner's pool
    pool = QThreadPool(owner)
    release = threading.Event()
    pool.start(lambda: release.wait(60))  # work that outlives the window
    owner.deleteLater()
    QTest.qWait(100)  # deletes the owner: ~QThreadPool waits for the work, in C++
"""


def test_a_test_stuck_in_cpp_ends_the_run_with_its_stack(tmp_path: Path) -> None:
    (tmp_path / "test_stuck.py").write_text(STUCK_IN_CPP)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xvfb"]
    cmd += ["-c", str(REPO / "pyproject.toml"), "--rootdir", str(tmp_path)]
    cmd += ["-o", "timeout=2", "-o", "faulthandler_timeout=6", str(tmp_path / "test_stuck.py")]
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=50, check=False)
    took = time.monotonic() - started
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert took < 40, "ended by the watchdog, not by the work finishing (60 s)"
    assert "Timeout (0:00:06)!" in out, out
    assert "in test_a_closed_window_waits_for_its_pool_in_cpp" in out, out
    assert "+ Timeout +" not in out, (
        "pytest-timeout fired after all: the note in pyproject is wrong"
    )
