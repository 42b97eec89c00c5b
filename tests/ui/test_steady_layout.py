"""Controls do not move under the pointer: Undo/Redo keep their size whatever they would
undo, the seek bar keeps its width at any speed or time shown."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from moments.core.library import Library
from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.ui.conftest import wait_state
from tests.ui.test_editor import EditorFactory, library, open_editor, stored

__all__ = ["library", "open_editor"]  # fixtures


def where(widget: QWidget) -> tuple[QPoint, int]:
    return widget.mapTo(widget.window(), QPoint(0, 0)), widget.width()


def test_undo_and_redo_keep_their_place(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 9.0))
    widgets = (editor.title, editor.platform, editor.undo_button, editor.redo_button)
    before = [where(w) for w in widgets]
    assert not editor.undo_button.isEnabled()
    editor.tabs.setCurrentIndex(1)
    editor.hashtags.editor.setFocus()
    qtbot.keyClicks(editor.hashtags.editor, "film ")
    qtbot.wait(50)
    assert editor.undo_button.isEnabled()
    assert "Hashtags" in editor.undo_button.toolTip()
    assert [where(w) for w in widgets] == before
    qtbot.mouseClick(editor.undo_button, Qt.MouseButton.LeftButton)
    assert editor.hashtags.tags() == [] and editor.redo_button.isEnabled()
    assert [where(w) for w in widgets] == before


def test_the_seek_bar_keeps_its_width(
    qtbot: QtBot, window: MainWindow, coded_video: CodedVideo
) -> None:
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    bar = window.transport
    width = bar.slider.width()
    for key in (Qt.Key.Key_BracketRight, Qt.Key.Key_BracketRight, Qt.Key.Key_BracketLeft):
        qtbot.keyClick(window, key)
        qtbot.wait(30)
        assert bar.slider.width() == width, bar.speed.text()
    window.player.set_rate(0.25)
    qtbot.wait(30)
    assert bar.slider.width() == width
    qtbot.mouseClick(bar.total, Qt.MouseButton.LeftButton)  # remaining time: "-0:17"
    qtbot.wait(30)
    assert bar.total.text().startswith("-") and bar.slider.width() == width
