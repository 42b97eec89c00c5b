"""Small notices that float over the bottom of the window and fade on their own.

A separate frameless tool window, because nothing drawn by Qt inside the main window can
cover libVLC's native video window on X11.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class Toast(QFrame):
    """One notice at a time; a new one replaces the old."""

    def __init__(self, anchor: QWidget, owner: QWidget) -> None:
        # Owned by the main window (deleted with it, on the GUI thread) yet its own window.
        super().__init__(
            owner,
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self.setObjectName("toast")
        self.setAccessibleName("Notification")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setStyleSheet(
            "#toast { background: rgba(28,28,32,235); border: 1px solid #555; border-radius: 6px; }"
            "#toast QLabel { color: white; } #toast QPushButton { padding: 3px 10px; }"
        )
        self._anchor = anchor
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        self.image = QLabel()
        self.image.hide()
        self.text = QLabel()
        self.text.setObjectName("toastText")
        self.text.setWordWrap(True)
        self.text.setMaximumWidth(520)
        self.button = QPushButton()
        self.button.setObjectName("toastButton")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.hide()
        self.button.clicked.connect(self._on_button)
        layout.addWidget(self.image)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self._callback: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        anchor.installEventFilter(self)

    def show_message(
        self,
        text: str,
        *,
        button: str = "",
        on_button: Callable[[], None] | None = None,
        image: QPixmap | None = None,
        seconds: float = 4.0,
    ) -> None:
        self.text.setText(text)
        self.button.setText(button)
        self.button.setVisible(bool(button))
        self._callback = on_button
        self.image.setVisible(image is not None)
        if image is not None:
            self.image.setPixmap(image)
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start(int(seconds * 1000))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._anchor and event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
            if self.isVisible():
                self._place()
        elif watched is self._anchor and event.type() == QEvent.Type.Hide:
            self.hide()
        return False

    def _place(self) -> None:
        window = self._anchor.window()
        bottom_left = self._anchor.mapToGlobal(QPoint(0, self._anchor.height()))
        x = bottom_left.x() + 16
        y = bottom_left.y() - self.height() - 16
        if window.isFullScreen():
            y -= 60
        self.move(x, y)

    def _on_button(self) -> None:
        callback = self._callback
        self.hide()
        if callback is not None:
            callback()
