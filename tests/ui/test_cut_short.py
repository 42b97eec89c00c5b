"""A file cut short (its header claims more than its data holds) never fails silently: it
gets "Cannot play this" when nothing in it plays, else it plays what is there and says it
ended early — the picture and the times shown are the file's, never the previous one's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.ui.conftest import wait_code, wait_state


def truncated(video: CodedVideo, folder: Path, fraction: float) -> Path:
    """A copy of ``video`` (moov first: +faststart) keeping ``fraction`` of its bytes."""
    path = folder / f"cut at {fraction:.0%}.mp4"
    shutil.copy(video.path, path)
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(int(size * fraction))
    return path


def test_a_file_cut_short_plays_what_is_there_then_says_so(
    qtbot: QtBot, window: MainWindow, coded_video: CodedVideo, tmp_path: Path
) -> None:
    path = truncated(coded_video, tmp_path, 0.3)
    window.open(str(path), start_at=coded_video.seconds * 0.3 - 4.0)
    wait_state(qtbot, window, PlayerState.PLAYING)
    wait_code(qtbot, window, lambda c: c >= 0)
    wait_state(qtbot, window, PlayerState.ENDED, timeout=20_000)
    qtbot.waitUntil(window.toast.isVisible)
    text = window.toast.text.text()
    assert "cut short" in text and path.name in text and "0:20" in text
    ended = window.player.duration()
    assert 0 < ended < coded_video.seconds * 0.45  # where the data ends, not 0:20
    assert window.transport.total.text() != "0:20"
    assert window.stack.currentWidget() is window.video


@pytest.mark.corpus
def test_a_file_with_nothing_playable_says_cannot_play(
    qtbot: QtBot, window: MainWindow, coded_video: CodedVideo, corpus: Path
) -> None:
    window.open(str(coded_video.path))
    wait_code(qtbot, window, lambda c: c >= 0)
    broken = corpus / "broken" / "invalid_userdata.mp4"  # says 3:51, 135 kB present
    window.open(str(broken))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.panel, timeout=15_000)
    assert window.panel.title.text() == "Cannot play this"
    text = window.panel.text.text()
    assert broken.name in text and "cut short" in text
    assert window.player.state() == PlayerState.ERROR
    assert window.transport.total.text() not in ("3:51", "Live")
