"""Fullscreen: the controls float over the bottom of the screen and hide, with the cursor,
until the mouse moves — as in VLC and mpv."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QFrame, QVBoxLayout, QWidget

from moments.ui.player.actions import PlayerActions
from moments.ui.player.player import Player
from moments.ui.player.transport import TransportBar

HIDE_AFTER_MS = 2000


class FullscreenControls(QFrame):
    """A frameless tool window holding a second transport bar; it never takes focus, so the
    main window keeps answering shortcuts."""

    def __init__(self, player: Player, actions: PlayerActions, owner: QWidget) -> None:
        # Owned by the main window (deleted with it, on the GUI thread) yet its own window.
        super().__init__(
            owner,
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self.setObjectName("fullscreenControls")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setStyleSheet("#fullscreenControls { background: #202226; border-radius: 8px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.transport = TransportBar(player, actions, self)
        layout.addWidget(self.transport)

    def place_on(self, screen_window: QWidget) -> None:
        geometry = screen_window.geometry()
        width = min(geometry.width() - 40, 1100)
        self.resize(width, self.sizeHint().height())
        self.move(
            geometry.x() + (geometry.width() - width) // 2,
            geometry.y() + geometry.height() - self.height() - 24,
        )


class FullscreenController(QObject):
    """Shows the floating controls and the cursor on mouse movement; hides both after 2 s."""

    def __init__(self, window: QWidget, video: QWidget, controls: FullscreenControls) -> None:
        super().__init__(window)
        self._window = window
        self._video = video
        self._controls = controls
        self._active = False
        self._last_pos = QPoint()
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(HIDE_AFTER_MS)
        self._hide_timer.timeout.connect(self._hide_controls)

    @property
    def active(self) -> bool:
        return self._active

    def enter(self) -> None:
        self._active = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.poke()

    def leave(self) -> None:
        self._active = False
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._hide_timer.stop()
        self._controls.hide()
        self._video.unsetCursor()

    def poke(self) -> None:
        """The user moved the mouse: show the controls and cursor for a while."""
        if not self._active:
            return
        self._video.unsetCursor()
        self._controls.place_on(self._window)
        self._controls.show()
        self._controls.raise_()
        self._hide_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseMove:
            pos = QCursor.pos()
            if pos != self._last_pos:
                self._last_pos = pos
                self.poke()
        return False

    def _hide_controls(self) -> None:
        if self._controls.underMouse():
            self._hide_timer.start()
            return
        self._controls.hide()
        self._video.setCursor(Qt.CursorShape.BlankCursor)
