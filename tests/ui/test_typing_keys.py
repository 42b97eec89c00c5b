"""Keys while typing go to the text: no single-key shortcut of the editor or the player fires
while a text field has focus; the editor opens ready for Space; a click on the hashtag box
or the preview does what a user expects. Keys are typed into the widget that has focus."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from moments.core.library import Library
from moments.core.moment import Moment, SourceRange
from moments.ui.common.typing_guard import takes_typing
from moments.ui.player.player import PlayerState
from tests.support.framecode import CodedVideo
from tests.ui.conftest import WindowFactory, wait_state
from tests.ui.test_editor import EditorFactory, library, open_editor, stored, wait_preview

__all__ = ["library", "open_editor"]  # fixtures


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def test_typing_after_a_click_in_the_hashtag_box_never_trims(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 19.0))
    wait_preview(qtbot, editor, lambda c: c >= 0)
    editor.player.pause()
    editor.player.seek(9.0)  # "Start here" would move the clip's start to 9 s
    qtbot.waitUntil(lambda: abs(editor.timeline._playhead - 9.0) < 0.1)
    before = editor.model.edits.trim(editor.model.moment)
    qtbot.mouseClick(editor.timeline.strip, Qt.MouseButton.LeftButton)  # focus somewhere else
    editor.tabs.setCurrentIndex(1)
    box = editor.hashtags.box
    empty = QPoint(box.width() - 6, box.height() - 6)  # the box, right of the field
    assert box.childAt(empty) is None
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=empty)
    assert focused() is editor.hashtags.editor
    qtbot.keyClicks(focused(), "film io ")
    assert editor.hashtags.tags() == ["#film", "#io"]
    assert editor.model.edits.trim(editor.model.moment) == before
    assert [editor.model.undo_stack.text(i) for i in range(editor.model.undo_stack.count())] == [
        "Hashtags",
        "Hashtags",
    ]


def test_no_editor_shortcut_fires_in_any_text_field(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 19.0))
    wait_preview(qtbot, editor, lambda c: c >= 0)
    editor.player.seek(9.0)
    editor.captions.add_button.click()
    fields: list[QWidget] = [
        editor.title,
        editor.captions.text,
        editor.captions.start,
        editor.hashtags.editor,
        editor.timeline.in_field,
    ]
    editor.captions.start_check.setChecked(True)
    for field in fields:
        trim = editor.model.edits.trim(editor.model.moment)
        playing = editor.player.is_playing()
        field.setFocus()
        qtbot.waitUntil(lambda f=field: f.hasFocus() or f.isAncestorOf(focused()))
        assert takes_typing(focused()), field
        for key in (Qt.Key.Key_I, Qt.Key.Key_O, Qt.Key.Key_Space, Qt.Key.Key_Escape):
            qtbot.keyClick(focused(), key)
        assert editor.model.edits.trim(editor.model.moment) == trim, field
        assert editor.player.is_playing() == playing, field


def test_the_editor_opens_ready_for_space_and_a_click_on_the_preview_pauses(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 19.0))
    wait_preview(qtbot, editor, lambda c: c >= 0)
    qtbot.waitUntil(editor.player.is_playing)
    assert not takes_typing(focused()), focused()
    qtbot.keyClick(focused(), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not editor.player.is_playing())
    assert editor.title.text() == editor.model.moment.title
    out = editor.preview.output_rect()
    corner = out.topLeft() + QPoint(8, 8)  # inside the picture, away from any caption
    qtbot.mouseClick(editor.preview, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.waitUntil(editor.player.is_playing)
    qtbot.mouseClick(editor.preview, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.waitUntil(lambda: not editor.player.is_playing())
    assert editor.model.undo_stack.count() == 0  # a click is not a crop drag


def test_renaming_in_my_moments_keeps_arrows_and_esc(
    qtbot: QtBot, make_window: WindowFactory, coded_video: CodedVideo
) -> None:
    window = make_window()
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    library = window.moments.library
    assert library is not None
    source = str(coded_video.path)
    library.add_moment(Moment.new(source, [SourceRange(source, 1.0, 4.0)], 2.0))
    window.moments.show_panel()
    panel = window.moments.panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.list.count() == 1)
    panel.list.setCurrentRow(0)
    title = panel.moments()[0].title
    volume = window.player.volume()
    panel.rename_button.click()
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    qtbot.keyClicks(focused(), "Best bit")
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_M, Qt.Key.Key_F):
        qtbot.keyClick(focused(), key)
    assert window.player.volume() == volume
    assert not window.player.is_muted() and not window.isFullScreen()
    assert window.player.is_playing()
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)  # cancels the rename
    qtbot.waitUntil(lambda: not isinstance(QApplication.focusWidget(), QLineEdit))
    assert panel.list.item(0).text() == title
