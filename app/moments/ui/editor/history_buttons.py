"""The editor's Undo and Redo buttons: a constant word (the command each would undo is in
its tooltip), so nothing beside them moves as the history changes."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QToolButton, QWidget


class _HistoryAction(QAction):
    """Undo or Redo with a constant word; the command it would undo is in the tooltip."""

    def __init__(self, verb: str, parent: QWidget) -> None:
        super().__init__(verb, parent)
        self.verb = verb

    def describe(self, command: str) -> None:
        key = self.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        verb = self.verb
        self.setToolTip(f"{verb} {command} ({key})" if command else f"Nothing to {verb.lower()}")


def history_button(stack: QUndoStack, verb: str, window: QWidget) -> QToolButton:
    """Undo or Redo: the button keeps its word and size, so nothing beside it moves as the
    history changes. Slots are the action's own methods: Qt disconnects them with it."""
    undo = verb == "Undo"
    action = _HistoryAction(verb, window)
    action.setShortcut(QKeySequence.StandardKey.Undo if undo else QKeySequence.StandardKey.Redo)
    action.triggered.connect(stack.undo if undo else stack.redo)
    (stack.canUndoChanged if undo else stack.canRedoChanged).connect(action.setEnabled)
    (stack.undoTextChanged if undo else stack.redoTextChanged).connect(action.describe)
    action.setEnabled(stack.canUndo() if undo else stack.canRedo())
    action.describe(stack.undoText() if undo else stack.redoText())
    button = QToolButton()
    button.setDefaultAction(action)
    button.setAccessibleName(verb)
    return button
