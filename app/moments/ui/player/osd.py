"""The on-screen display: a short line over the top of the picture when a key changes the
volume, the speed or the position, as VLC and mpv show one.

Its own frameless tool window (like the toast), because nothing Qt draws inside the main
window can cover libVLC's native video window on X11.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from moments.core.timefmt import format_time
from moments.ui.player.actions import PlayerActions
from moments.ui.player.player import Player

SHOWN_MS = 1200


class Osd(QFrame):
    """Says what a player key just did, at the top left of ``anchor``, for a moment."""

    def __init__(
        self, anchor: QWidget, owner: QWidget, player: Player, actions: PlayerActions
    ) -> None:
        super().__init__(
            owner,
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self.setObjectName("osd")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "#osd { background: rgba(0,0,0,170); border-radius: 6px; }"
            "#osd QLabel { color: white; font-size: 20px; font-weight: 600; }"
        )
        self.text = QLabel()
        self.text.setObjectName("osdText")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.addWidget(self.text)
        self._anchor = anchor
        self._player = player
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        anchor.installEventFilter(self)
        # After each action's own slot (connected first), so the player shows the result.
        for action in (actions.volume_up, actions.volume_down, actions.mute):
            action.triggered.connect(self._say_volume)
        for action in (actions.slower, actions.faster, actions.normal_speed):
            action.triggered.connect(self._say_speed)
        jumps = (
            actions.back_short,
            actions.forward_short,
            actions.back_long,
            actions.forward_long,
        )
        for action in jumps:
            action.triggered.connect(self._say_position)

    def say(self, text: str) -> None:
        if not self._anchor.isVisible():
            return
        self.text.setText(text)
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start(SHOWN_MS)

    def _say_volume(self) -> None:
        player = self._player
        self.say("Muted" if player.is_muted() else f"Volume {player.volume()} %")

    def _say_speed(self) -> None:
        self.say(f"Speed {self._player.rate():g}×")

    def _say_position(self) -> None:
        player = self._player
        if player.location() is None:
            return
        if not player.is_seekable():
            self.say("Cannot jump in this stream")
            return
        now, length = player.playhead(), player.duration()
        self.say(f"{format_time(now)} / {format_time(length)}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self._anchor:
            return False
        if event.type() == QEvent.Type.Hide:
            self.hide()
        elif self.isVisible() and event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
            self._place()
        return False

    def _place(self) -> None:
        self.move(self._anchor.mapToGlobal(QPoint(16, 16)))
