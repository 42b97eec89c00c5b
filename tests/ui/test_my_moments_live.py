"""My Moments and the editor agree: one title (editor Title = My Moments name = window
title), one duration (the trimmed one), updated while editing; Delete can be undone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from moments.core.moment import Moment, SourceRange
from moments.ui.editor import EditorWindow
from moments.ui.moments.panel import MomentsPanel
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.ui.conftest import WindowFactory


def with_panel(qtbot: QtBot, window: MainWindow, video: CodedVideo) -> tuple[MomentsPanel, Moment]:
    library = window.moments.library
    assert library is not None
    source = str(video.path)
    moment = library.add_moment(Moment.new(source, [SourceRange(source, 2.0, 12.0)], 5.0))
    window.moments.show_panel()
    panel = window.moments.panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.list.count() == 1)
    panel.list.setCurrentRow(0)
    return panel, moment


def summary(panel: MomentsPanel) -> str:
    return str(panel.list.item(0).data(Qt.ItemDataRole.StatusTipRole))


def test_one_title_and_one_duration_updated_live(
    qtbot: QtBot, make_window: WindowFactory, coded_video: CodedVideo
) -> None:
    window = make_window()
    panel, moment = with_panel(qtbot, window, coded_video)
    assert "10 s" in summary(panel)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: moment.id in window.moments.editors)
    editor: EditorWindow = window.moments.editors[moment.id]  # type: ignore[index]
    qtbot.waitExposed(editor)
    with qtbot.waitActive(editor):
        editor.activateWindow()

    qtbot.mouseDClick(editor.title, Qt.MouseButton.LeftButton)
    editor.title.selectAll()
    qtbot.keyClicks(editor.title, "The big door")
    assert editor.windowTitle() == "Edit “The big door” — Moments"
    field = editor.timeline.out_field
    qtbot.mouseDClick(field, Qt.MouseButton.LeftButton)
    field.selectAll()
    qtbot.keyClicks(field, "8")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.list.item(0).text() == "The big door", timeout=5000)
    qtbot.waitUntil(lambda: "6 s" in summary(panel), timeout=5000)

    # Renamed in My Moments: the open editor follows.
    with qtbot.waitActive(window):
        window.activateWindow()
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.rename_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editing = QApplication.focusWidget()
    editing.selectAll()  # type: ignore[union-attr]
    qtbot.keyClicks(editing, "Door, slammed")
    qtbot.keyClick(editing, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.title.text() == "Door, slammed", timeout=5000)
    assert editor.windowTitle() == "Edit “Door, slammed” — Moments"
    library = window.moments.library
    assert library is not None
    qtbot.waitUntil(lambda: library.get(moment.id).title == "Door, slammed", timeout=5000)  # type: ignore[arg-type,union-attr]
    editor.close()
    stored = library.get(moment.id)  # type: ignore[arg-type]
    assert stored is not None and stored.title == "Door, slammed"


def test_delete_in_my_moments_can_be_undone(
    qtbot: QtBot, make_window: WindowFactory, coded_video: CodedVideo
) -> None:
    window = make_window()
    panel, moment = with_panel(qtbot, window, coded_video)
    library = window.moments.library
    assert library is not None
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert panel.list.count() == 0
    qtbot.waitUntil(window.toast.isVisible)
    assert "Deleted" in window.toast.text.text() and window.toast.button.text() == "Undo"
    assert library.get(moment.id) is not None  # type: ignore[arg-type]
    qtbot.mouseClick(window.toast.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.list.count() == 1)
    panel.list.setCurrentRow(0)

    panel.delete_after_ms = 300
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    panel.refresh()  # a refresh meanwhile does not bring it back
    qtbot.wait(100)
    assert panel.list.count() == 0
    qtbot.waitUntil(lambda: library.get(moment.id) is None, timeout=5000)  # type: ignore[arg-type]
