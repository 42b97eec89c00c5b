"""The hashtag field, driven by keys, clicks and the clipboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from moments.core.presets import get_preset
from moments.ui.editor.hashtag_field import HashtagField, _Chip


@pytest.fixture
def field(qtbot: QtBot) -> HashtagField:
    widget = HashtagField()
    qtbot.addWidget(widget)
    widget.resize(420, 160)
    with qtbot.waitExposed(widget):
        widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    widget.setFocus()
    return widget


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type ``text`` as key events; QTest.keyClicks only knows ASCII (it aborts on more)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def chips(field: HashtagField) -> list[_Chip]:
    return [c for c in field.box.findChildren(_Chip) if c.isVisible()]


def offered_now(field: HashtagField) -> list[str]:
    return [b.text() for b in field.suggestions.findChildren(QPushButton) if b.isVisible()]


def test_space_comma_and_enter_make_tokens(qtbot: QtBot, field: HashtagField) -> None:
    with qtbot.waitSignals([field.tags_changed] * 3):
        type_text(qtbot, field.editor, "hello world,café")
        qtbot.keyClick(field.editor, Qt.Key.Key_Return)
    assert field.tags() == ["#hello", "#world", "#café"]
    assert field.editor.text() == ""
    assert [c.tag for c in chips(field)] == field.tags()
    assert chips(field)[0].remove_button.accessibleName() == "Remove #hello"


def test_tokens_are_normalised(qtbot: QtBot, field: HashtagField) -> None:
    type_text(qtbot, field.editor, "#Hello! HELLO 東京 مرحبا #a#b ")
    assert field.tags() == ["#Hello", "#東京", "#مرحبا", "#a", "#b"]


def test_digit_only_is_refused_and_kept_with_a_hint(qtbot: QtBot, field: HashtagField) -> None:
    qtbot.keyClicks(field.editor, "2014 ")
    assert field.tags() == []
    assert field.editor.text() == "2014"
    assert field.hint.isVisible() and "needs a letter" in field.hint.text()
    assert "needs a letter" in field.editor.accessibleDescription()
    qtbot.keyClicks(field.editor, "film ")  # typing over the selected refusal
    assert field.tags() == ["#film"] and not field.hint.isVisible()


def test_backspace_in_an_empty_editor_removes_the_last(qtbot: QtBot, field: HashtagField) -> None:
    qtbot.keyClicks(field.editor, "one two thr")
    qtbot.keyClick(field.editor, Qt.Key.Key_Backspace)
    assert field.editor.text() == "th" and field.tags() == ["#one", "#two"]
    field.editor.clear()
    with qtbot.waitSignal(field.tags_changed) as signal:
        qtbot.keyClick(field.editor, Qt.Key.Key_Backspace)
    assert signal.args == [["#one"]]
    assert [c.tag for c in chips(field)] == ["#one"]


def test_clicking_the_cross_removes_a_chip(qtbot: QtBot, field: HashtagField) -> None:
    field.set_tags(["a", "b", "c"])
    middle = chips(field)[1]
    with qtbot.waitSignal(field.tags_changed) as signal:
        qtbot.mouseClick(middle.remove_button, Qt.MouseButton.LeftButton)
    assert signal.args == [["#a", "#c"]]
    qtbot.waitUntil(lambda: [c.tag for c in chips(field)] == ["#a", "#c"])
    assert field.editor.hasFocus()


def test_keyboard_only_removal_with_tab_and_space(qtbot: QtBot, field: HashtagField) -> None:
    field.set_tags(["alpha", "beta"])
    field.editor.setFocus()
    buttons = [c.remove_button for c in chips(field)]
    for _ in range(4):
        qtbot.keyClick(QGuiApplication.focusObject(), Qt.Key.Key_Tab)
        if QGuiApplication.focusObject() in buttons:
            break
    focused = QGuiApplication.focusObject()
    assert focused in buttons
    qtbot.keyClick(focused, Qt.Key.Key_Space)
    assert len(field.tags()) == 1


def test_paste_makes_every_token(qtbot: QtBot, field: HashtagField) -> None:
    QGuiApplication.clipboard().setText("#a #b, c")
    with qtbot.waitSignal(field.tags_changed) as signal:  # one edit, one signal
        qtbot.keyClick(field.editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert signal.args == [["#a", "#b", "#c"]]
    assert field.editor.text() == ""


def test_suggestions_are_clickable_chips(qtbot: QtBot, field: HashtagField) -> None:
    offered = field.suggest_from_title("The.Grand.Budapest.Hotel.2014.1080p.mkv")
    assert offered[0] == "#GrandBudapestHotel"
    assert field.suggestions.isVisible()
    buttons = {b.text(): b for b in field.suggestions.findChildren(QPushButton)}
    assert buttons["#Budapest"].accessibleName() == "Add #Budapest"
    with qtbot.waitSignal(field.tags_changed):
        qtbot.mouseClick(buttons["#Budapest"], Qt.MouseButton.LeftButton)
    assert field.tags() == ["#Budapest"]
    qtbot.waitUntil(lambda: "#Budapest" not in offered_now(field))
    assert "#Grand" in offered_now(field)


def test_counter_against_a_preset(qtbot: QtBot, field: HashtagField) -> None:
    title = "A scene worth sharing!!"
    field.set_post_text_provider(lambda tags: "\n\n".join([title, " ".join(tags)]))
    field.set_limits(get_preset("x"))
    field.set_tags(["#one", "#two", "#three"])
    assert field.counter.text() == "3 hashtags · 41/280 characters"
    assert not field.is_over_limit() and "Within the X limits" in field.counter.toolTip()
    title = "x" * 302
    field.refresh_counter()
    assert field.counter.text() == "3 hashtags · 320/280 characters"
    assert field.is_over_limit()
    assert "#d93025" in field.counter.styleSheet()
    assert field.counter.accessibleDescription() == "Over the limit: 320 of 280 characters."


def test_counter_counts_hashtags_and_graphemes(qtbot: QtBot, field: HashtagField) -> None:
    field.set_limits(get_preset("threads"))  # one hashtag at most
    field.set_tags(["a"])
    assert field.counter.text() == "1/1 hashtag · 2/500 characters"
    qtbot.keyClicks(field.editor, "b ")
    assert field.counter.text() == "2/1 hashtags · 5/500 characters"
    assert "2 of 1 hashtags" in field.counter.accessibleDescription()
    field.set_limits(get_preset("bluesky"))  # counts graphemes
    field.set_post_text_provider(lambda tags: "👍🏽 é")
    assert field.counter.text() == "2 hashtags · 3/300 characters"
    field.set_limits(None)
    assert field.counter.text() == "2 hashtags · 4 characters"
    assert not field.is_over_limit()


def test_focus_out_commits_and_set_tags_does_not_emit(qtbot: QtBot, field: HashtagField) -> None:
    emitted: list[list[str]] = []
    field.tags_changed.connect(emitted.append)
    field.set_tags(["kept", "KEPT", "99"])
    assert field.tags() == ["#kept"] and emitted == []
    qtbot.keyClicks(field.editor, "typed")
    field.editor.clearFocus()
    assert field.tags() == ["#kept", "#typed"] and emitted == [["#kept", "#typed"]]
    assert field.accessibleName() == "Hashtags" and field.editor.accessibleName()


def test_editing_keys_win_over_window_shortcuts(qtbot: QtBot, field: HashtagField) -> None:
    """The player binds Space (pause) and Backspace (normal speed) in its window."""
    fired: list[str] = []
    for key in ("Space", "Backspace", ","):
        action = QAction(key, field)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False, k=key: fired.append(k))
        field.addAction(action)
    qtbot.keyClicks(field.editor, "one two,")
    qtbot.keyClick(field.editor, Qt.Key.Key_Backspace)
    assert field.tags() == ["#one"] and fired == []
