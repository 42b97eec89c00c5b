"""The on-screen display: volume, speed and jumps said over the picture, as VLC and mpv do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.ui.conftest import wait_state


def test_keys_say_what_they_did_over_the_picture(
    qtbot: QtBot, window: MainWindow, coded_video: CodedVideo
) -> None:
    assert not window.osd.isVisible()  # not for the volume restored at start
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    assert not window.osd.isVisible()
    volume = window.player.volume()
    qtbot.keyClick(window, Qt.Key.Key_Down)
    assert window.osd.isVisible()
    assert window.osd.text.text() == f"Volume {window.player.volume()} %"
    assert window.player.volume() < volume
    qtbot.keyClick(window, Qt.Key.Key_M)
    assert window.osd.text.text() == "Muted"
    qtbot.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.player.rate() > 1 and window.osd.text.text() == f"Speed {window.player.rate():g}×"
    qtbot.keyClick(window, Qt.Key.Key_Right)
    now, _, length = window.osd.text.text().partition(" / ")
    assert length == "0:20" and now.startswith("0:")
    top_left = window.stack.mapToGlobal(window.stack.rect().topLeft())
    assert window.osd.geometry().topLeft() == top_left + type(top_left)(16, 16)
    qtbot.waitUntil(lambda: not window.osd.isVisible(), timeout=3000)
