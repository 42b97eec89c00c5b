"""A field for a time: type seconds or a clock time, step by frames with the arrow keys.

Accepts what ``core/timefmt.parse_time`` reads (``12.5``, ``12,5``, ``1:02.250``,
``1:02:03.250``) and shows the value as ``M:SS.mmm`` (``H:MM:SS.mmm`` from an hour on, and
always when the maximum is an hour or more). Text that is not a time, or is out of range,
turns the border red and says why in the tooltip. ``value_changed`` is emitted only for the
user's committed changes: Enter or leaving the field with a valid edit, or a step (↑/↓ one
frame, Shift+↑/↓ one second). Leaving with invalid text, or Escape, restores the value.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from moments.core.timefmt import format_time, parse_time

DEFAULT_FRAME_S = 1 / 25
HELP = "Seconds (12.5) or minutes:seconds (1:02.250). ↑/↓ one frame, Shift+↑/↓ one second."
_INVALID_STYLE = "QLineEdit { border: 2px solid #d93025; border-radius: 3px; padding: 1px; }"


class TimeField(QLineEdit):
    """A time in seconds between ``minimum()`` and ``maximum()``. ``set_*`` calls never emit."""

    value_changed = Signal(float)

    def __init__(
        self,
        value: float = 0.0,
        *,
        minimum: float = 0.0,
        maximum: float = math.inf,
        frame_duration: float = DEFAULT_FRAME_S,
        accessible_name: str = "Time",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._minimum, self._maximum = minimum, maximum
        self._frame = frame_duration
        self._value = self._clamped(value)
        self._error = ""
        self.setAccessibleName(accessible_name)
        self.setObjectName("timeField")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.textEdited.connect(self._validate)
        self._show_value()

    # --- value and limits ------------------------------------------------------------

    def value(self) -> float:
        return self._value

    def set_value(self, seconds: float) -> None:
        """Show ``seconds`` (clamped into the range), dropping any edit in progress."""
        self._value = self._clamped(seconds)
        self._show_value()

    def minimum(self) -> float:
        return self._minimum

    def maximum(self) -> float:
        return self._maximum

    def set_range(self, minimum: float, maximum: float) -> None:
        """Limit the value to ``[minimum, maximum]``; the value is clamped into it."""
        if not minimum <= maximum:
            raise ValueError(f"empty time range: {minimum} > {maximum}")
        self._minimum, self._maximum = minimum, maximum
        self.set_value(self._value)

    def frame_duration(self) -> float:
        return self._frame

    def set_frame_duration(self, seconds: float) -> None:
        """The step of ↑/↓ (one frame of the video, 1/25 s until told)."""
        if not seconds > 0:
            raise ValueError(f"frame duration must be positive: {seconds}")
        self._frame = seconds

    def is_valid(self) -> bool:
        """Whether the text shown is a time within the range."""
        return not self._error

    def error(self) -> str:
        """Why the text is not accepted; empty when it is."""
        return self._error

    def step(self, seconds: float) -> None:
        """Move by ``seconds`` from the value being edited (or the value), clamped; emits
        when the value changes."""
        base = self._typed() if self.isModified() else None
        self._commit(self._clamped((self._value if base is None else base) + seconds))

    # --- keys and focus --------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):  # not the window's volume keys
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            size = 1.0 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else self._frame
            self.step(size if key == Qt.Key.Key_Up else -size)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._commit_text()
        elif key == Qt.Key.Key_Escape and (self.isModified() or self._error):
            self._show_value()
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        if self.isModified() and not self._commit_text():
            self._show_value()  # an invalid edit is dropped, the value stays
        super().focusOutEvent(event)

    # --- internals -------------------------------------------------------------------

    def _commit_text(self) -> bool:
        """Take the typed text if valid; True when it was (or nothing was typed)."""
        if not self.isModified():
            return True
        typed = self._typed()
        if typed is None:
            return False
        self._commit(typed)
        return True

    def _commit(self, seconds: float) -> None:
        changed = seconds != self._value
        self._value = seconds
        self._show_value()
        if changed:
            self.value_changed.emit(seconds)

    def _typed(self) -> float | None:
        """The text as a time within the range, or None (and the error shown)."""
        self._validate(self.text())
        if self._error:
            return None
        return round(parse_time(self.text()), 6)

    def _validate(self, text: str) -> None:
        try:
            seconds = parse_time(text)
        except ValueError:
            self._set_error(f"“{text.strip()}” is not a time. {HELP}")
            return
        if not self._minimum - 1e-9 <= seconds <= self._maximum + 1e-9:
            low = self._format(self._minimum)
            if math.isfinite(self._maximum):
                bounds = f"between {low} and {self._format(self._maximum)}"
            else:
                bounds = f"at least {low}"
            self._set_error(f"The time must be {bounds}.")
            return
        self._set_error("")

    def _set_error(self, message: str) -> None:
        self._error = message
        self.setStyleSheet(_INVALID_STYLE if message else "")
        self.setToolTip(message or HELP)
        self.setAccessibleDescription(message or HELP)

    def _show_value(self) -> None:
        self.setText(self._format(self._value))
        self.setModified(False)
        self._set_error("")

    def _format(self, seconds: float) -> str:
        hours = seconds >= 3600 or (math.isfinite(self._maximum) and self._maximum >= 3600)
        return format_time(seconds, millis=True, hours=hours)

    def _clamped(self, seconds: float) -> float:
        if not math.isfinite(seconds):
            seconds = self._minimum
        return round(min(max(seconds, self._minimum), self._maximum), 6)
