"""Real libVLC rendering into the real window: what is on screen is the frame we asked for."""

from __future__ import annotations

import statistics
import time

import pytest
from pytestqt.qtbot import QtBot

from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.ui.conftest import screen_code, wait_code, wait_paused, wait_state


def open_paused(qtbot: QtBot, window: MainWindow, video: CodedVideo, at: float) -> None:
    window.open(str(video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    window.player.pause()
    wait_state(qtbot, window, PlayerState.PAUSED)
    window.player.seek(at)
    wait_code(qtbot, window, lambda code: code == video.frame_at(at))


def test_video_renders_inside_the_window(qtbot: QtBot, window: MainWindow, coded_video):
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    first = wait_code(qtbot, window, lambda code: code >= 0)
    later = wait_code(qtbot, window, lambda code: code > first + 10)
    assert 0 <= first < later < coded_video.frames
    assert window.player.duration() == pytest.approx(coded_video.seconds, abs=0.1)
    assert window.windowTitle().startswith("coded 50fps.mp4")


@pytest.mark.parametrize("target", [0.51, 3.33, 7.777, 12.345, 14.38, 17.0])
def test_seek_while_paused_lands_on_the_frame(
    qtbot: QtBot, window: MainWindow, coded_video, target
):
    open_paused(qtbot, window, coded_video, 1.0)
    window.player.seek(target)
    wait_code(qtbot, window, lambda code: code == coded_video.frame_at(target))
    assert window.player.playhead() == pytest.approx(target, abs=0.001)


def test_frame_steps_with_keys(qtbot: QtBot, window: MainWindow, coded_video):
    open_paused(qtbot, window, coded_video, 5.01)
    start = coded_video.frame_at(5.01)
    for key, expected in ((".", start + 1), (".", start + 2), (",", start + 1), (",", start)):
        qtbot.keyClick(window, key)
        wait_code(qtbot, window, lambda code, e=expected: code == e)
    assert window.player.state() == PlayerState.PAUSED


def test_frame_step_pauses_a_playing_video(qtbot: QtBot, window: MainWindow, coded_video):
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    first = wait_code(qtbot, window, lambda code: code >= 0)
    wait_code(qtbot, window, lambda code: code >= first + 20)  # really playing
    qtbot.keyClick(window, ".")
    expected = wait_paused(qtbot, window, coded_video)  # the step lands once it has settled
    qtbot.wait(300)  # not waiting for anything: the picture must stay still meanwhile
    assert screen_code(window) == expected


def test_playhead_matches_the_frame_on_screen(qtbot: QtBot, window: MainWindow, coded_video):
    """The interpolated playhead is within 20 ms (median) of the frame shown."""
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    # Past the start, where libVLC's first time reports are sparse.
    wait_code(qtbot, window, lambda code: code >= 1.5 * coded_video.fps, timeout=10_000)
    frame = 1 / coded_video.fps
    errors = []
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        before = window.player.playhead()
        code = screen_code(window)
        after = window.player.playhead()
        if code is not None:
            errors.append(abs((before + after) / 2 - (code + 0.5) * frame))
        qtbot.wait(37)  # the sampling period, not a wait for something
    assert len(errors) > 40
    assert statistics.median(errors) <= 0.020, sorted(errors)


def test_seek_while_playing_continues_from_the_target(
    qtbot: QtBot, window: MainWindow, coded_video
):
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    window.player.seek(12.0)
    wait_code(qtbot, window, lambda code: 600 <= code <= 700)
    assert window.player.state() == PlayerState.PLAYING
    assert 12.0 <= window.player.playhead() <= 14.0
