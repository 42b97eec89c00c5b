"""Keys, buttons and menus behave like VLC/mpv, on the real player."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.ui.conftest import screen_code, wait_code, wait_paused, wait_state


def play(qtbot: QtBot, window: MainWindow, video: CodedVideo) -> None:
    window.open(str(video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)


def test_space_toggles_pause(qtbot: QtBot, window: MainWindow, coded_video: CodedVideo):
    play(qtbot, window, coded_video)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    frozen = wait_paused(qtbot, window, coded_video)
    qtbot.wait(300)  # not waiting for anything: the picture must stay still meanwhile
    assert screen_code(window) == frozen
    qtbot.keyClick(window, Qt.Key.Key_Space)
    wait_state(qtbot, window, PlayerState.PLAYING)
    assert frozen is not None
    wait_code(qtbot, window, lambda code: code > frozen + 5)


def test_arrow_keys_seek_5_and_60_seconds(qtbot: QtBot, window: MainWindow, long_video):
    play(qtbot, window, long_video)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    wait_state(qtbot, window, PlayerState.PAUSED)
    window.player.seek(20.0)
    steps = [
        (Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier, 25.0),
        (Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier, 85.0),
        (Qt.Key.Key_Left, Qt.KeyboardModifier.NoModifier, 80.0),
        (Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier, 20.0),
        (Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier, 0.0),
    ]
    for key, modifier, expected in steps:
        qtbot.keyClick(window, key, modifier)
        assert window.player.playhead() == pytest.approx(expected, abs=0.05)
        wait_code(qtbot, window, lambda c, e=expected: abs(c - e * 25) <= 1)
    assert window.transport.elapsed.text() == "0:00"


def test_volume_mute_and_speed_keys(qtbot: QtBot, window: MainWindow, coded_video):
    play(qtbot, window, coded_video)
    player = window.player
    start = player.volume()
    qtbot.keyClick(window, Qt.Key.Key_Up)
    assert player.volume() == start + 5
    assert window.transport.volume.value() == start + 5
    qtbot.keyClick(window, Qt.Key.Key_Down)
    qtbot.keyClick(window, Qt.Key.Key_Down)
    assert player.volume() == start - 5
    qtbot.keyClick(window, Qt.Key.Key_M)
    assert player.is_muted() and window.player_actions.mute.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_M)
    assert not player.is_muted()
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert player.rate() == 1.1
    assert window.transport.speed.text() == "1.1×"
    qtbot.keyClick(window, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(window, Qt.Key.Key_BracketLeft)
    assert player.rate() == 0.9
    qtbot.keyClick(window, Qt.Key.Key_Backspace)
    assert player.rate() == 1.0
    prefs_file = window.dirs.settings_file
    saved = f'"volume": {start - 5}'
    qtbot.waitUntil(lambda: prefs_file.exists() and saved in prefs_file.read_text(), timeout=3000)


def test_fullscreen_by_key_and_double_click_and_controls_hide(
    qtbot: QtBot, window: MainWindow, coded_video: CodedVideo
):
    play(qtbot, window, coded_video)
    qtbot.keyClick(window, Qt.Key.Key_F)
    qtbot.waitUntil(window.isFullScreen)
    assert not window.transport.isVisible() and not window.menuBar().isVisible()
    controls = window.fullscreen_controls
    qtbot.waitUntil(controls.isVisible)
    qtbot.waitUntil(lambda: not controls.isVisible(), timeout=4000)
    assert window.video.cursor().shape() == Qt.CursorShape.BlankCursor
    qtbot.mouseMove(window.video, QPoint(100, 100))
    qtbot.mouseMove(window.video, QPoint(140, 120))
    qtbot.waitUntil(controls.isVisible, timeout=2000)
    assert window.video.cursor().shape() != Qt.CursorShape.BlankCursor
    # The floating controls show the same live position.
    qtbot.waitUntil(lambda: controls.transport.elapsed.text() == window.transport.elapsed.text())
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.transport.isVisible() and not controls.isVisible()
    qtbot.mouseDClick(window.video, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.isFullScreen)
    qtbot.mouseDClick(window.video, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.player.state() == PlayerState.PLAYING


def test_seek_bar_click_and_hover_time(qtbot: QtBot, window: MainWindow, coded_video):
    play(qtbot, window, coded_video)
    slider = window.transport.slider
    qtbot.waitUntil(lambda: slider.maximum() == 20_000)
    middle = QPoint(slider.width() // 2, slider.height() // 2)
    assert slider.seconds_at(middle.x()) == pytest.approx(10.0, abs=0.3)
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton, pos=middle)
    wait_code(qtbot, window, lambda c: 480 <= c <= 560)
    assert window.transport.total.text() == "0:20"
    qtbot.mouseClick(window.transport.total, Qt.MouseButton.LeftButton)
    assert window.transport.total.text().startswith("-0:")


def test_ctrl_o_opens_a_file_dialog(qtbot: QtBot, window: MainWindow, coded_video):
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(QFileDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.selectFile(str(coded_video.path))
    dialog.accept()
    wait_state(qtbot, window, PlayerState.PLAYING)
    assert window.player.location() == str(coded_video.path)


def test_audio_and_subtitle_menus_list_tracks(qtbot: QtBot, window: MainWindow, coded_video):
    play(qtbot, window, coded_video)
    player = window.player  # the sound track is known and chosen ("Disable" is listed too)
    qtbot.waitUntil(lambda: len(player.audio_tracks()) >= 2 and player.audio_track() >= 0)
    window.menus.fill_audio_tracks()
    names = [a.text() for a in window.menus.audio_tracks.actions()]
    assert "Disable" in names and len(names) >= 2
    checked = [a.text() for a in window.menus.audio_tracks.actions() if a.isChecked()]
    assert checked and checked[0] != "Disable"
