"""Choosing the Moments key: Esc cancels the dialog (it is never recorded), a key another
command uses is refused with that command's name, a free key works at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from moments.core.settings import Preferences
from moments.ui.common import PreferencesDialog
from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.ui.conftest import WindowFactory, wait_state


def open_preferences(qtbot: QtBot, window: MainWindow) -> PreferencesDialog:
    with qtbot.waitActive(window):  # no window manager gives it back after a dialog
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PreferencesDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, PreferencesDialog)
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.capture_key, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            dialog.capture_key.isAncestorOf(QApplication.focusWidget())
            or (QApplication.focusWidget() is dialog.capture_key)
        )
    )
    return dialog


def ok_button(dialog: QDialog) -> QDialogButtonBox:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    return box


def test_esc_cancels_the_dialog_and_a_clash_is_refused_by_name(
    qtbot: QtBot, make_window: WindowFactory, coded_video: CodedVideo
) -> None:
    window = make_window()
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)

    dialog = open_preferences(qtbot, window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert window.prefs.capture_key == "C"

    dialog = open_preferences(qtbot, window)
    first_ok = ok_button(dialog).button(QDialogButtonBox.StandardButton.Ok)
    ok_at = first_ok.mapTo(dialog, first_ok.rect().topLeft())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F)
    ok = ok_button(dialog).button(QDialogButtonBox.StandardButton.Ok)
    assert ok.mapTo(dialog, ok.rect().topLeft()) == ok_at  # the message moved nothing
    assert "Fullscreen" in dialog.key_problem.text() and dialog.key_problem.isVisible()
    assert not ok.isEnabled()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert "Play" in dialog.key_problem.text() and not ok.isEnabled()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_K)
    assert dialog.key_problem.text() == "" and ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.prefs.capture_key == "K"

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_K)  # the new key keeps a moment
    qtbot.waitUntil(lambda: window.moments.controller is not None and window.toast.isVisible())
    assert "Keeping" in window.toast.text.text() or "Kept" in window.toast.text.text()


def test_a_stored_key_that_clashes_falls_back_to_c(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(prefs=Preferences(capture_key="Esc"))
    assert window.moments.capture_action.shortcut().toString() == "C"
    assert window.prefs.capture_key == "C"
