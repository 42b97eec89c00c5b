"""Open Recent offers what can be opened again, each named so it can be told apart."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.ui.conftest import wait_state


def recent_labels(window: MainWindow) -> list[str]:
    window.menus.fill_recent()
    return [a.text() for a in window.menus.recent.actions() if a.isEnabled() and a.text()]


def test_failed_files_leave_recent_and_streams_are_named(
    qtbot: QtBot, window: MainWindow, coded_video: CodedVideo, tmp_path: Path
) -> None:
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    garbage = tmp_path / "not a film.mp4"
    garbage.write_bytes(b"\x00garbage" * 5000)
    window.open(str(garbage))
    qtbot.waitUntil(lambda: window.player.state() == PlayerState.ERROR, timeout=15_000)
    window.history.add_recent("https://cdn.example.com/live/channel4/index.m3u8")
    labels = recent_labels(window)
    assert "not a film.mp4" not in " ".join(labels)
    assert coded_video.path.name in labels
    assert "channel4 — cdn.example.com" in labels
    assert "index.m3u8" not in " ".join(labels)
