"""A dialog or menu over the video leaves the picture as it was when it closes (X keeps a
covered window's pixels): a paused or ended picture is never left with a black hole."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from moments.ui.player.player import PlayerState
from tests.support.framecode import CodedVideo
from tests.ui.conftest import WindowFactory, screen_code, wait_state


def test_the_ended_picture_survives_a_dialog_over_it(
    qtbot: QtBot, make_window: WindowFactory, coded_video: CodedVideo
) -> None:
    window = make_window()
    window.open(str(coded_video.path), start_at=coded_video.seconds - 1.0)
    wait_state(qtbot, window, PlayerState.ENDED, timeout=15_000)
    qtbot.wait(300)
    before = screen_code(window)
    assert before is not None and before > coded_video.frame_at(coded_video.seconds - 1.5)
    dialog = QDialog(window)
    top_left = window.video.mapToGlobal(window.video.rect().topLeft())
    dialog.setGeometry(QRect(top_left, window.video.size()))
    with qtbot.waitExposed(dialog):
        dialog.show()
    qtbot.wait(200)
    dialog.close()
    qtbot.wait(300)
    assert screen_code(window) == before
