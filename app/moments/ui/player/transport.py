"""The transport bar: buttons, seek bar with times, volume, speed, fullscreen.

Built twice — under the video and in the fullscreen controls — on the same shared actions.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QSlider, QToolButton, QWidget

from moments.core.source import looks_live
from moments.core.timefmt import format_time
from moments.ui.player.actions import PlayerActions
from moments.ui.player.player import SPEEDS, VOLUME_MAX, Player
from moments.ui.player.seek_slider import SeekSlider


class _TimeLabel(QLabel):
    """Total time; a click toggles remaining time, as in VLC."""

    clicked = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.show_remaining = False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.show_remaining = not self.show_remaining
        self.clicked.emit()
        super().mousePressEvent(event)


class TransportBar(QWidget):
    def __init__(self, player: Player, actions: PlayerActions, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("transportBar")
        self._player = player
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 4)
        layout.setSpacing(2)
        for action in (
            actions.back_short,
            actions.frame_back,
            actions.play_pause,
            actions.frame_forward,
            actions.forward_short,
        ):
            layout.addWidget(self._button(action))
        self.elapsed = QLabel("0:00")
        self.elapsed.setObjectName("elapsedLabel")
        self.elapsed.setAccessibleName("Elapsed time")
        self.slider = SeekSlider()
        self.total = _TimeLabel("0:00")
        self.total.setObjectName("totalLabel")
        self.total.setAccessibleName("Total time")
        self.total.setToolTip("Click to show the remaining time")
        for label in (self.elapsed, self.total):  # wide enough never to resize the seek bar
            label.setFixedWidth(label.fontMetrics().horizontalAdvance("-0:00:00") + 8)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.elapsed)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.total)
        layout.addWidget(self._button(actions.mute))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setObjectName("volumeSlider")
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, VOLUME_MAX)
        self.volume.setFixedWidth(90)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.setValue(player.volume())
        self.volume.valueChanged.connect(player.set_volume)
        layout.addWidget(self.volume)
        self.speed = QToolButton()
        self.speed.setObjectName("speedButton")
        self.speed.setAccessibleName("Playback speed")
        self.speed.setToolTip("Playback speed ([ slower, ] faster, Backspace normal)")
        self.speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.speed.setMenu(self._speed_menu())
        widest = max(self.speed.fontMetrics().horizontalAdvance(f"{s:g}×") for s in SPEEDS)
        self.speed.setFixedWidth(widest + 24)  # "1.25×" does not shrink the seek bar
        layout.addWidget(self.speed)
        layout.addWidget(self._button(actions.fullscreen))

        self.slider.seek_requested.connect(player.seek)
        player.position_changed.connect(self._on_position)
        player.duration_changed.connect(self._on_duration)
        player.volume_changed.connect(self._on_volume)
        player.rate_changed.connect(self._on_rate)
        player.state_changed.connect(lambda _s: self._show_total(player.playhead()))
        self.total.clicked.connect(lambda: self._show_total(player.playhead()))
        self._on_rate(player.rate())
        self._on_duration(player.duration())

    def extra_button(self, action: QAction, *, index: int | None = None) -> QToolButton:
        """Add a button for ``action`` (before the fullscreen button by default)."""
        button = self._button(action)
        layout = self.layout()
        assert isinstance(layout, QHBoxLayout)
        layout.insertWidget(layout.count() - 1 if index is None else index, button)
        return button

    def _button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAccessibleName(action.text())
        return button

    def _speed_menu(self) -> QMenu:
        menu = QMenu(self)
        for speed in SPEEDS:
            action = menu.addAction(f"{speed:g}×")
            action.triggered.connect(lambda _=False, s=speed: self._player.set_rate(s))
        return menu

    def _on_position(self, seconds: float) -> None:
        hours = self._player.duration() >= 3600
        self.elapsed.setText(format_time(seconds, hours=hours or None))
        self.slider.set_position(seconds)
        if self.total.show_remaining:
            self._show_total(seconds)

    def _on_duration(self, seconds: float) -> None:
        self.slider.set_duration(seconds)
        self._show_total(self._player.playhead())

    def _show_total(self, position: float) -> None:
        duration = self._player.duration()
        location = self._player.location()
        if duration <= 0:  # a stream has no end; anything else: not known (yet)
            live = location is not None and looks_live(location) and self._player.is_playing()
            self.total.setText("Live" if live else "--:--" if location else "0:00")
        elif self.total.show_remaining:
            self.total.setText("-" + format_time(max(0.0, duration - position)))
        else:
            self.total.setText(format_time(duration))

    def _on_volume(self, volume: int, _muted: bool) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(volume)
        self.volume.blockSignals(False)
        self.volume.setToolTip(f"Volume {volume}%")

    def _on_rate(self, rate: float) -> None:
        self.speed.setText(f"{rate:g}×")
