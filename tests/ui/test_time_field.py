"""The time field: typing, committing, validation, frame steps, under a real X server."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from moments.ui.editor.time_field import TimeField

SHIFT = Qt.KeyboardModifier.ShiftModifier


@dataclass
class Form:
    window: QWidget
    field: TimeField
    other: QLineEdit
    """Somewhere to move the focus to."""


@pytest.fixture
def form(qtbot: QtBot) -> Form:
    """A window with a time field (0-20 s, at 10 s) and another field."""
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    field = TimeField(10.0, minimum=0.0, maximum=20.0, accessible_name="Trim start")
    other = QLineEdit()
    layout.addWidget(field)
    layout.addWidget(other)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    return Form(window, field, other)


def retype(qtbot: QtBot, field: TimeField, text: str) -> None:
    field.selectAll()
    qtbot.keyClicks(field, text)


def red_pixels(widget: QWidget) -> int:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    rows = rows.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3]
    rgb = rows.reshape(image.height(), image.width(), 3).astype(int)
    return int(((rgb[..., 0] > 180) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90)).sum())


@pytest.mark.parametrize(
    ("typed", "value", "shown"),
    [("12.5", 12.5, "0:12.500"), ("0:07.25", 7.25, "0:07.250"), ("12,5", 12.5, "0:12.500"),
     ("00:00:03.040", 3.04, "0:03.040"), ("19", 19.0, "0:19.000")],
)  # fmt: skip
def test_enter_commits_a_typed_time(
    qtbot: QtBot, form: Form, typed: str, value: float, shown: str
) -> None:
    field = form.field
    assert field.text() == "0:10.000" and field.accessibleName() == "Trim start"
    retype(qtbot, field, typed)
    with qtbot.waitSignal(field.value_changed) as signal:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert signal.args == [pytest.approx(value)]
    assert field.value() == pytest.approx(value) and field.text() == shown


def test_focus_out_commits_and_nothing_is_emitted_without_an_edit(qtbot: QtBot, form: Form) -> None:
    field, other = form.field, form.other
    emitted: list[float] = []
    field.value_changed.connect(emitted.append)
    field.set_value(3.3333333)  # shown rounded; leaving the field must not commit the rounding
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    assert emitted == [] and field.value() == pytest.approx(3.333333)
    field.setFocus()
    retype(qtbot, field, "4")
    other.setFocus()
    qtbot.waitUntil(lambda: emitted == [4.0])
    assert field.text() == "0:04.000"


def test_invalid_text_is_red_with_a_reason_and_reverts_on_focus_out(
    qtbot: QtBot, form: Form
) -> None:
    field, other = form.field, form.other
    calm = red_pixels(field)
    emitted: list[float] = []
    field.value_changed.connect(emitted.append)
    retype(qtbot, field, "1:7x")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not field.is_valid() and emitted == []
    assert "is not a time" in field.toolTip() and "1:02.250" in field.toolTip()
    assert field.accessibleDescription() == field.toolTip()
    assert red_pixels(field) > calm + 40  # the border is drawn red
    other.setFocus()
    qtbot.waitUntil(lambda: field.text() == "0:10.000")
    assert field.is_valid() and emitted == [] and red_pixels(field) <= calm


def test_out_of_range_is_refused(qtbot: QtBot, form: Form) -> None:
    field = form.field
    retype(qtbot, field, "25")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.error() == "The time must be between 0:00.000 and 0:20.000."
    assert field.value() == 10.0
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert field.text() == "0:10.000" and field.is_valid()


def test_arrows_step_frames_and_seconds_within_the_range(qtbot: QtBot, form: Form) -> None:
    field = form.field
    field.set_frame_duration(0.02)
    with qtbot.waitSignal(field.value_changed) as signal:
        qtbot.keyClick(field, Qt.Key.Key_Up)
    assert signal.args == [pytest.approx(10.02)] and field.text() == "0:10.020"
    qtbot.keyClick(field, Qt.Key.Key_Down)
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert field.value() == pytest.approx(9.98)
    qtbot.keyClick(field, Qt.Key.Key_Up, SHIFT)
    assert field.value() == pytest.approx(10.98)
    for _ in range(12):
        qtbot.keyClick(field, Qt.Key.Key_Up, SHIFT)
    assert field.value() == 20.0
    emitted: list[float] = []
    field.value_changed.connect(emitted.append)
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert emitted == []  # already at the maximum: nothing changes
    retype(qtbot, field, "5")  # a step starts from what is typed
    qtbot.keyClick(field, Qt.Key.Key_Down, SHIFT)
    assert emitted == [4.0]


def test_arrows_win_over_the_windows_shortcuts(qtbot: QtBot, form: Form) -> None:
    """The player's window binds ↑/↓ to the volume; the focused field keeps them."""
    fired: list[str] = []
    for key in ("Up", "Down"):
        action = QAction(key, form.window)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False, k=key: fired.append(k))
        form.window.addAction(action)
    qtbot.keyClick(form.field, Qt.Key.Key_Up)
    qtbot.keyClick(form.field, Qt.Key.Key_Up, SHIFT)
    assert form.field.value() == pytest.approx(11.04) and fired == []


def test_hours_and_ranges(qtbot: QtBot) -> None:
    field = TimeField(3723.25)
    qtbot.addWidget(field)
    assert field.text() == "1:02:03.250"
    field.set_value(62.5)
    assert field.text() == "1:02.500"
    field.set_range(0.0, 7200.0)
    assert field.text() == "0:01:02.500"  # an hour-long range always shows hours
    field.set_range(70.0, 80.0)
    assert field.value() == 70.0
    with pytest.raises(ValueError):
        field.set_range(5.0, 1.0)
    with pytest.raises(ValueError):
        field.set_frame_duration(0)
    unbounded = TimeField(5.0, minimum=1.0)
    qtbot.addWidget(unbounded)
    retype(qtbot, unbounded, "0.5")
    qtbot.keyClick(unbounded, Qt.Key.Key_Return)
    assert unbounded.error() == "The time must be at least 0:01.000."
