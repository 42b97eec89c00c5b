"""The menu bar: File, Playback, Audio, Subtitles, Moments, Help. Track menus are filled
when they open, from what libVLC reports then."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from moments import APP_NAME
from moments.core.source import display_name, is_url, url_host

if TYPE_CHECKING:
    from moments.ui.player.window import MainWindow


class WindowActions:
    """File and window commands (the playback ones live in ``PlayerActions``)."""

    def __init__(self, window: MainWindow) -> None:
        self.open_file = _action(
            window, "&Open File…", window.choose_file, QKeySequence.StandardKey.Open
        )
        self.open_url = _action(window, "Open &URL…", window.choose_url, "Ctrl+N")
        self.demo = _action(window, "Play the &Demo Film", window.open_demo)
        self.quit = _action(window, "&Quit", window.close, "Ctrl+Q")
        self.load_subtitles = _action(window, "&Load Subtitle File…", window.choose_subtitles)
        self.preferences = _action(window, "&Preferences…", window.show_preferences, "Ctrl+P")

    def with_shortcuts(self) -> list[QAction]:
        return [self.open_file, self.open_url, self.quit, self.preferences]


def _action(
    window: MainWindow,
    text: str,
    slot: Callable[[], object],
    shortcut: str | QKeySequence.StandardKey | None = None,
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _=False: slot())
    return action


class MenuBar:
    def __init__(self, window: MainWindow) -> None:
        self._window = window
        bar = window.menuBar()
        w, a = window.window_actions, window.player_actions
        file_menu = bar.addMenu("&File")
        file_menu.addAction(w.open_file)
        file_menu.addAction(w.open_url)
        self.recent = file_menu.addMenu("Open &Recent")
        self.recent.aboutToShow.connect(self.fill_recent)
        file_menu.addAction(w.demo)
        file_menu.addSeparator()
        file_menu.addAction(w.preferences)
        file_menu.addSeparator()
        file_menu.addAction(w.quit)

        playback = bar.addMenu("&Playback")
        playback.addAction(a.play_pause)
        playback.addSeparator()
        for action in (a.back_short, a.forward_short, a.back_long, a.forward_long):
            playback.addAction(action)
        playback.addSeparator()
        playback.addAction(a.frame_back)
        playback.addAction(a.frame_forward)
        speed = playback.addMenu("&Speed")
        for action in (a.slower, a.normal_speed, a.faster):
            speed.addAction(action)
        playback.addSeparator()
        playback.addAction(a.fullscreen)

        audio = bar.addMenu("&Audio")
        self.audio_tracks = audio.addMenu("Audio &Track")
        self.audio_tracks.aboutToShow.connect(self.fill_audio_tracks)
        audio.addSeparator()
        for action in (a.volume_up, a.volume_down, a.mute):
            audio.addAction(action)

        subtitles = bar.addMenu("&Subtitles")
        self.subtitle_tracks = subtitles.addMenu("Subtitle &Track")
        self.subtitle_tracks.aboutToShow.connect(self.fill_subtitle_tracks)
        subtitles.addAction(w.load_subtitles)

        self.moments = bar.addMenu("&Moments")

        self.help = bar.addMenu("&Help")
        self.help.addAction("Check &Installation…", window.show_doctor)
        self.help.addAction(f"&About {APP_NAME}", window.show_about)

    def fill_recent(self) -> None:
        window, menu = self._window, self.recent
        menu.clear()
        recent = [r for r in window.history.recent() if is_url(r) or Path(r).is_file()]
        for location in recent:
            name, host = display_name(location), url_host(location)
            action = menu.addAction(f"{name} — {host}" if host and host != name else name)
            action.setToolTip(location)
            action.setStatusTip(location)
            action.triggered.connect(lambda _=False, loc=location: window.open(loc))
        if not recent:
            menu.addAction("No recent files").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear Recent", window.history.clear_recent)

    def fill_audio_tracks(self) -> None:
        p = self._window.player
        _fill_tracks(self.audio_tracks, p.audio_tracks(), p.audio_track(), p.set_audio_track)

    def fill_subtitle_tracks(self) -> None:
        p = self._window.player
        _fill_tracks(
            self.subtitle_tracks, p.subtitle_tracks(), p.subtitle_track(), p.set_subtitle_track
        )


def _fill_tracks(
    menu: QMenu, tracks: list[tuple[int, str]], current: int, choose: Callable[[int], None]
) -> None:
    menu.clear()
    if not tracks:
        menu.addAction("No tracks").setEnabled(False)
        return
    for track_id, name in tracks:
        action = menu.addAction(name)
        action.setCheckable(True)
        action.setChecked(track_id == current)
        action.triggered.connect(lambda _=False, t=track_id: choose(t))
