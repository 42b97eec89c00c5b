"""The controls under a story (and in its fullscreen controls): pause, go back, where you
are, the path map, sharing your path, Moments, sound and fullscreen. No seek bar: a story's
time is its choices (as in Netflix's interactive titles)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from moments.ui.player import Player, PlayerActions
from moments.ui.story.actions import StoryActions

VOLUME_MAX = 150


class StoryBar(QWidget):
    def __init__(
        self,
        actions: StoryActions,
        playback: PlayerActions,
        sound: Player,
        extra: list[QAction],
        parent: QWidget | None = None,
    ) -> None:
        """``sound``: the window's player, whose volume and mute the story's players follow;
        ``extra``: more buttons (the Moments action) before the sound controls."""
        super().__init__(parent)
        self.setObjectName("storyBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self._button(actions.play_pause))
        layout.addWidget(self._button(actions.go_back, text=True))
        self.where = QLabel()
        self.where.setObjectName("storyWhere")
        self.where.setAccessibleName("Where you are in the story")
        self.where.setMinimumWidth(120)
        layout.addWidget(self.where, 1)
        layout.addWidget(self._button(actions.path_map, text=True))
        layout.addWidget(self._button(actions.share_path, text=True))
        self.extra = [self._button(action, text=True) for action in extra]
        for button in self.extra:
            layout.addWidget(button)
        layout.addWidget(self._button(playback.mute))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setObjectName("storyVolume")
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, VOLUME_MAX)
        self.volume.setFixedWidth(90)
        self.volume.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.volume.setValue(sound.volume())
        self.volume.valueChanged.connect(sound.set_volume)
        sound.volume_changed.connect(self._on_volume)
        layout.addWidget(self.volume)
        layout.addWidget(self._button(playback.fullscreen))

    def show_where(self, story_title: str, where: str) -> None:
        self.where.setText(f"<b>{_html(story_title)}</b> — {_html(where)}" if where else "")

    def _button(self, action: QAction, *, text: bool = False) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAccessibleName(action.text().replace("&", ""))
        if text:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        return button

    def _on_volume(self, volume: int, _muted: bool) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(volume)
        self.volume.blockSignals(False)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
