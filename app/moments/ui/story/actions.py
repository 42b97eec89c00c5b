"""The story's commands and keys: choose with 1–4, ←/→ and Enter (or the mouse), Space to
pause, Backspace to go back, P for the path map. They are enabled only in story mode, when
the playback actions on the same keys (seeking, frame steps, speed) are disabled: Qt fires
neither of two enabled actions on one key."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from moments.ui.player import PlayerActions


class StoryActions(QObject):
    def __init__(self, style_widget: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        icon = style_widget.style().standardIcon
        sp = QStyle.StandardPixmap
        self.picks = [self._make(f"Option {n}", str(n)) for n in range(1, 5)]
        self.previous = self._make("Previous option", "Left")
        self.next = self._make("Next option", "Right")
        self.take = self._make("Take the option", "Return")
        self.take.setShortcuts([QKeySequence("Return"), QKeySequence("Enter")])
        self.play_pause = self._make("Pause", "Space", icon(sp.SP_MediaPause))
        self.play_pause.setProperty("command", "Play / pause")
        self.go_back = self._make("Go &Back to the Last Choice", "Backspace", icon(sp.SP_ArrowBack))
        self.go_back.setIconText("Go back")
        self.path_map = self._make("&Path Map…", "P")
        self.path_map.setIconText("Path map")
        self.share_path = self._make("&Share Your Path…")
        self.share_path.setIconText("Share your path")
        self.start_over = self._make("&Start Over")
        self.try_story = self._make("Try an &Interactive Story")
        self._icons = {"play": icon(sp.SP_MediaPlay), "pause": icon(sp.SP_MediaPause)}
        self.set_active(False)

    def keyed(self) -> list[QAction]:
        """The actions that answer a key while story mode is on."""
        return [*self.picks, self.previous, self.next, self.take, self.play_pause, self.go_back]

    def install_on(self, window: QWidget) -> None:
        window.addActions([*self.keyed(), self.path_map])

    def set_active(self, on: bool) -> None:
        for action in [*self.keyed(), self.path_map, self.share_path, self.start_over]:
            action.setEnabled(on)

    def show_playing(self, playing: bool) -> None:
        self.play_pause.setText("Pause" if playing else "Play")
        self.play_pause.setIcon(self._icons["pause" if playing else "play"])
        self.play_pause.setToolTip(f"{self.play_pause.text()} (Space)")

    def _make(self, text: str, shortcut: str = "", icon: QIcon | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shortcut})")
        if icon is not None:
            action.setIcon(icon)
        return action


def playback_actions_on_story_keys(actions: PlayerActions) -> list[QAction]:
    """The playback actions a story turns off: their keys choose, pause and go back there,
    and seeking, stepping and speed do not fit a story's timed switches."""
    return [
        actions.play_pause,
        actions.back_short,
        actions.forward_short,
        actions.back_long,
        actions.forward_long,
        actions.frame_back,
        actions.frame_forward,
        actions.slower,
        actions.faster,
        actions.normal_speed,
    ]
