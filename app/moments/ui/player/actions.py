"""Every playback command as a QAction with its VLC/mpv-style shortcut, shared by the menus,
the transport bar and the fullscreen controls."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from moments.ui.player.player import Player, PlayerState

SEEK_SHORT_S = 5.0
SEEK_LONG_S = 60.0
VOLUME_STEP = 5


class PlayerActions(QObject):
    """The playback actions, connected to ``player``. Add them to each window that must
    answer their shortcuts (``install_on``)."""

    def __init__(self, player: Player, style_widget: QWidget) -> None:
        super().__init__(player)
        self._player = player
        icon = style_widget.style().standardIcon
        sp = QStyle.StandardPixmap
        self.play_pause = self._make("Play", "Space", icon(sp.SP_MediaPlay), player.toggle_pause)
        self.play_pause.setProperty("command", "Play / pause")
        self.back_short = self._make(
            "Back 5 s", "Left", icon(sp.SP_MediaSeekBackward), lambda: self._jump(-SEEK_SHORT_S)
        )
        self.forward_short = self._make(
            "Forward 5 s", "Right", icon(sp.SP_MediaSeekForward), lambda: self._jump(SEEK_SHORT_S)
        )
        self.back_long = self._make(
            "Back 1 min", "Shift+Left", None, lambda: self._jump(-SEEK_LONG_S)
        )
        self.forward_long = self._make(
            "Forward 1 min", "Shift+Right", None, lambda: self._jump(SEEK_LONG_S)
        )
        self.frame_back = self._make(
            "Previous frame", ",", icon(sp.SP_MediaSkipBackward), lambda: player.step_frame(-1)
        )
        self.frame_forward = self._make(
            "Next frame", ".", icon(sp.SP_MediaSkipForward), lambda: player.step_frame(1)
        )
        self.volume_up = self._make("Volume up", "Up", None, lambda: self._volume(VOLUME_STEP))
        self.volume_down = self._make(
            "Volume down", "Down", None, lambda: self._volume(-VOLUME_STEP)
        )
        self.mute = self._make("Mute", "M", icon(sp.SP_MediaVolume), None, checkable=True)
        self.mute.toggled.connect(player.set_muted)
        self.slower = self._make("Slower", "[", None, lambda: player.step_rate(-1))
        self.faster = self._make("Faster", "]", None, lambda: player.step_rate(1))
        self.normal_speed = self._make(
            "Normal speed", "Backspace", None, lambda: player.set_rate(1.0)
        )
        self.fullscreen = self._make(
            "Fullscreen", "F", icon(sp.SP_TitleBarMaxButton), None, checkable=True
        )
        self.leave_fullscreen = self._make("Leave fullscreen", "Esc", None, None)
        self.leave_fullscreen.triggered.connect(lambda: self.fullscreen.setChecked(False))
        self._icons = {
            "play": icon(sp.SP_MediaPlay),
            "pause": icon(sp.SP_MediaPause),
            "volume": icon(sp.SP_MediaVolume),
            "muted": icon(sp.SP_MediaVolumeMuted),
        }
        player.state_changed.connect(self._on_state)
        player.volume_changed.connect(self._on_volume)
        self._on_state(player.state())

    def all(self) -> list[QAction]:
        return [a for a in vars(self).values() if isinstance(a, QAction)]

    def install_on(self, window: QWidget) -> None:
        """Make the shortcuts work while ``window`` is the active window."""
        window.addActions(self.all())

    def _make(
        self,
        text: str,
        shortcut: str,
        icon: QIcon | None,
        slot: object,
        *,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{text} ({QKeySequence(shortcut).toString()})")
        if icon is not None:
            action.setIcon(icon)
        action.setCheckable(checkable)
        if callable(slot):
            action.triggered.connect(slot)
        return action

    def _jump(self, seconds: float) -> None:
        self._player.seek_relative(seconds)

    def _volume(self, delta: int) -> None:
        if self._player.is_muted() and delta > 0:
            self._player.set_muted(False)
        self._player.set_volume(self._player.volume() + delta)

    def _on_state(self, state: PlayerState) -> None:
        playing = state in (PlayerState.PLAYING, PlayerState.BUFFERING, PlayerState.OPENING)
        self.play_pause.setText("Pause" if playing else "Play")
        self.play_pause.setIcon(self._icons["pause" if playing else "play"])
        self.play_pause.setToolTip(f"{self.play_pause.text()} (Space)")

    def _on_volume(self, _volume: int, muted: bool) -> None:
        if self.mute.isChecked() != muted:
            self.mute.blockSignals(True)
            self.mute.setChecked(muted)
            self.mute.blockSignals(False)
        self.mute.setIcon(self._icons["muted" if muted else "volume"])
