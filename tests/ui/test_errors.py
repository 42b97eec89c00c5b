"""Nothing fails silently: uncaught exceptions anywhere are logged and shown to the user."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from moments.core.errors import MediaError
from moments.ui.common.dialogs import OpenUrlDialog
from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.ui.conftest import wait_state


def log_text(window: MainWindow) -> str:
    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    path = window.dirs.log_file
    return path.read_text() if path.exists() else ""


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_gui_slot_is_shown_and_logged(
    qtbot: QtBot, window: MainWindow, caplog: pytest.LogCaptureFixture
):
    def broken_slot() -> None:
        raise ZeroDivisionError("boom in a slot")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(window.toast.isVisible)
    assert "Something went wrong" in window.toast.text.text()
    assert window.toast.button.text() == "Details"
    assert any("boom in a slot" in str(r.exc_info) for r in caplog.records if r.exc_info)


def test_exception_in_a_plain_thread_is_shown(
    qtbot: QtBot, window: MainWindow, caplog: pytest.LogCaptureFixture
):
    thread = threading.Thread(target=lambda: 1 / 0, name="stray")
    thread.start()
    thread.join()
    qtbot.waitUntil(window.toast.isVisible)
    assert "ZeroDivisionError" in window.toast.text.text()
    assert any("stray" in r.getMessage() for r in caplog.records)


def test_failed_task_without_handler_reaches_the_user(qtbot: QtBot, window: MainWindow):
    def work(_ctx: object) -> None:
        raise MediaError("“x.mp4” could not be read: the file is damaged.")

    window.tasks.run(work, name="probe")  # no on_error: the runner reports it
    qtbot.waitUntil(window.toast.isVisible)
    assert window.toast.text.text() == "“x.mp4” could not be read: the file is damaged."


def test_open_url_dialog(qtbot: QtBot, window: MainWindow, coded_video: CodedVideo, tmp_path):
    from tests.support.http import serve_folder

    (tmp_path / "v.mp4").write_bytes(coded_video.path.read_bytes())
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(OpenUrlDialog)
    assert dialog is not None and dialog.isVisible()
    open_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    qtbot.keyClicks(dialog.edit, "not a url")
    assert not open_button.isEnabled() and "https://" in dialog.hint.text()
    with serve_folder(tmp_path) as base:
        dialog.edit.setText(base + "v.mp4")
        assert open_button.isEnabled()
        open_button.click()
        wait_state(qtbot, window, PlayerState.PLAYING)
        assert window.player.location() == base + "v.mp4"
