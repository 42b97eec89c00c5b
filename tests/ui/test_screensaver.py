"""The screensaver stays off while a video plays, quietly.

With no D-Bus screensaver service (a bare X session, Xvfb), libVLC falls back to running
``xdg-screensaver reset`` every 30 s of video, and that script runs ``xset``: without
``x11-xserver-utils`` it printed "xset: not found" into the user's terminal.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.ui.conftest import wait_state

RESET_PERIOD_S = 30
"""libVLC's xdg inhibitor (modules/misc/inhibit/xdg.c) resets the screensaver this often."""


def test_playing_keeps_the_screensaver_off_without_noise(
    qtbot: QtBot,
    window: MainWindow,
    long_video: CodedVideo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    real = shutil.which("xdg-screensaver")
    assert real, "xdg-screensaver is missing: packaging/sysdeps.sh installs xdg-utils"
    calls = tmp_path / "calls"
    wrapper = tmp_path / "bin" / "xdg-screensaver"
    wrapper.parent.mkdir()
    # Runs the real one, then notes what it was asked and how it ended.
    wrapper.write_text(f'#!/bin/sh\n"{real}" "$@"\necho "$* $?" >> "{calls}"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # the fallback, for sure

    window.open(str(long_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    qtbot.waitUntil(calls.exists, timeout=(RESET_PERIOD_S + 15) * 1000)
    window.player.pause()
    assert calls.read_text().splitlines()[0] == "reset 0"
    err = capfd.readouterr().err
    assert "not found" not in err, err
