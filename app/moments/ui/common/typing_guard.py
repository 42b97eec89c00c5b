"""While the user types, keys go to the text, not to shortcuts.

The player and the editor answer single keys (Space, I, O, M, F, arrows, Esc…) as VLC,
mpv and NLEs do. Qt lets a line edit keep printable keys, but not Esc, ↑/↓, Page Up/Down or
Home/End in every widget, and a spin box's arrows go to the window's shortcuts. One filter on
the application accepts the ``ShortcutOverride`` of every key without Ctrl, Alt or Meta while
a text-input widget has focus (as LosslessCut and NLEs do): the key goes to the field.
Shortcuts with Ctrl/Alt/Meta (Ctrl+W, Ctrl+Z…) still work everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QKeySequenceEdit,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

TYPING_PROPERTY = "acceptsTyping"
"""Set this dynamic property to True on a custom widget that takes typed text."""
_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
_NEVER_TEXT = frozenset({Qt.Key.Key_Tab, Qt.Key.Key_Backtab})


def takes_typing(widget: QWidget | None) -> bool:
    """Whether ``widget`` is a place where the user types text (editable)."""
    if widget is None:
        return False
    if widget.property(TYPING_PROPERTY):
        return True
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly()
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    if isinstance(widget, QAbstractSpinBox):
        return not widget.isReadOnly()
    if isinstance(widget, QKeySequenceEdit):
        return True
    # A spin box's or a combo box's inner line edit is handled above; its viewport too:
    parent = widget.parentWidget()
    return isinstance(parent, QTextEdit | QPlainTextEdit) and not parent.isReadOnly()


def is_single_key(event: QKeyEvent) -> bool:
    """A key pressed without Ctrl, Alt or Meta (Shift and the keypad allowed)."""
    if event.modifiers() & _COMMAND_MODIFIERS:
        return False
    key = event.key()
    if key in _NEVER_TEXT:
        return False
    return not Qt.Key.Key_F1.value <= key <= Qt.Key.Key_F35.value


class TypingGuard(QObject):
    """The application-wide filter (install it with ``install_typing_guard``)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QWidget)
            and watched is QApplication.focusWidget()
            and takes_typing(watched)
            and is_single_key(event)
        ):
            event.accept()  # delivered to the field as a key press, not to a shortcut
            return True
        return False


def install_typing_guard() -> None:
    """Install the guard on the running application (once; later calls do nothing)."""
    app = QApplication.instance()
    if app is None or app.findChild(TypingGuard) is not None:
        return
    app.installEventFilter(TypingGuard(app))
