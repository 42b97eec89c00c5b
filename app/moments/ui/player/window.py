"""The player window: video, transport bar, menus, drag and drop, resume, fullscreen."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from moments import APP_NAME, __version__
from moments.core.edits import kept_range
from moments.core.history import PlaybackHistory
from moments.core.moment import Moment
from moments.core.paths import AppDirs, resources_dir
from moments.core.settings import Preferences, Settings
from moments.core.source import display_name, is_url, normalize_location
from moments.core.timefmt import format_time
from moments.ui.common import (
    SUBTITLE_FILTER,
    VIDEO_FILTER,
    MessagePanel,
    OpenUrlDialog,
    PreferencesDialog,
    ReportDialog,
    TaskRunner,
    Toast,
    file_dialog,
    geometry_bytes,
    geometry_text,
    install_typing_guard,
    messages,
    open_ui_state,
)
from moments.ui.editor import SubtitleHint
from moments.ui.moments import MomentsFeature
from moments.ui.player.actions import PlayerActions
from moments.ui.player.demo_film import DemoFilm
from moments.ui.player.fullscreen import FullscreenController, FullscreenControls
from moments.ui.player.menus import MenuBar, WindowActions
from moments.ui.player.osd import Osd
from moments.ui.player.player import Player, PlayerState, vlc_arguments
from moments.ui.player.transport import TransportBar
from moments.ui.player.video_view import VideoView
from moments.ui.player.x11_backing import keep_contents_when_covered
from moments.ui.story import StoryMode, is_story_file

log = logging.getLogger(__name__)

RESUME_SAVE_MS = 10_000


class MainWindow(QMainWindow):
    def __init__(self, dirs: AppDirs, prefs: Preferences) -> None:
        super().__init__()
        self.dirs = dirs
        self.settings = Settings(
            prefs, open_ui_state(dirs), prefs_file=dirs.settings_file, ui_file=dirs.ui_state_file
        )
        self.prefs = prefs
        self.history = PlaybackHistory(dirs.history_file)
        self._loaded_subtitles: dict[str, Path] = {}
        self.tasks = TaskRunner(self)
        install_typing_guard()
        self.setWindowTitle(APP_NAME)
        self.setObjectName("mainWindow")
        icon = resources_dir() / "icons" / "moments.svg"
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self.setAcceptDrops(True)

        self.video = VideoView()
        self.panel = MessagePanel()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.video)
        self.stack.addWidget(self.panel)
        self.player = Player(self, vlc_args=vlc_arguments(prefs.extra_vlc_args, prefs.audio_output))
        self.player.attach_window(int(self.video.winId()))
        # A dialog or menu over a paused or ended picture must not leave a black hole.
        keep_contents_when_covered(int(self.video.winId()))
        self.player.set_volume(prefs.volume)
        self.player.set_muted(prefs.muted)
        self.player_actions = PlayerActions(self.player, self)
        self.transport = TransportBar(self.player, self.player_actions)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.stack, 1)
        self.controls = QStackedWidget()
        """The transport bar, or a story's bar in story mode."""
        self.controls.addWidget(self.transport)
        layout.addWidget(self.controls)
        self.setCentralWidget(central)
        self.toast = Toast(self.stack, self)
        self.osd = Osd(self.stack, self, self.player, self.player_actions)
        self.fullscreen_controls = FullscreenControls(self.player, self.player_actions, self)
        self.fullscreen = FullscreenController(self, self.video, self.fullscreen_controls)

        self.window_actions = WindowActions(self)
        for target in (self, self.fullscreen_controls):
            target.addActions(self.window_actions.with_shortcuts())
            self.player_actions.install_on(target)
        self.menus = MenuBar(self)
        self.moments = MomentsFeature(self)
        self.story = StoryMode(self)
        self.player_actions.fullscreen.toggled.connect(self.set_fullscreen)
        self.video.double_clicked.connect(self.player_actions.fullscreen.toggle)
        self.video.mouse_moved.connect(self.fullscreen.poke)
        self.panel.button_clicked.connect(self._on_panel_button)
        self.player.error.connect(self._on_player_error)
        self.player.state_changed.connect(self._on_state)
        self.player.media_changed.connect(self._on_media_changed)
        self.player.volume_changed.connect(self._on_volume)
        self.player.ended_early.connect(self._on_ended_early)
        messages.bridge().message.connect(self._on_message)

        self.demo = DemoFilm(self)
        self._resume_timer = QTimer(self)
        self._resume_timer.setInterval(RESUME_SAVE_MS)
        self._resume_timer.timeout.connect(self._remember_position)
        self._prefs_timer = QTimer(self)
        self._prefs_timer.setSingleShot(True)
        self._prefs_timer.setInterval(1000)
        self._prefs_timer.timeout.connect(self._save_prefs)
        geometry = geometry_bytes(self.settings.ui)
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1024, 640)

    # -- opening -----------------------------------------------------------------------------
    def open(self, location: str, *, start_at: float | None = None) -> None:
        """Open a file or URL and play it from ``start_at``, or where it was left."""
        self._remember_position()
        self.demo.wanted = False
        location = normalize_location(location)
        if is_story_file(location):
            self.story.open(location)
            return
        self.story.leave()
        self.stack.setCurrentWidget(self.video)
        point = None
        if start_at is None and self.prefs.resume_playback:
            point = self.history.resume_point(location)
        start = start_at if start_at is not None else (point.position if point else 0.0)
        controller = self.moments.controller
        via = controller.play_through(location) if controller is not None else None
        self.player.open(location, start_at=start, via=via)
        current = self.player.location()
        if current is None:
            return
        if point is not None:
            self.toast.show_message(
                f"Resumed at {format_time(point.position)}",
                button="Start over",
                on_button=lambda: self.player.seek(0.0),
                seconds=6,
            )
        self.history.add_recent(current)

    def play_moment(self, moment: Moment) -> None:
        """Play a kept moment from its start: from its source, or from its raw clip when the
        source is gone (renamed, unmounted, a live stream that moved on)."""
        source = moment.source
        start, _ = kept_range(moment)
        available = (is_url(source) and not moment.is_live) or Path(source).is_file()
        if available and not moment.is_live:
            self.open(source, start_at=start)
            return
        clip = moment.raw_clip
        if clip and Path(clip).is_file():
            _, offset = moment.pictures_for_player()  # the clip: the source is gone or live
            self.open(clip, start_at=max(0.0, start - offset))
            if not moment.is_live:
                self.toast.show_message(
                    f"“{display_name(source)}” is gone: playing the clip Moments kept."
                )
            return
        messages.error(f"Neither “{display_name(source)}” nor the kept clip can be found.")

    def show_preferences(self) -> None:
        dialog = PreferencesDialog(self.prefs, self, taken=self.moments.taken_shortcuts())
        dialog.changed.connect(self._on_preferences_changed)
        dialog.open()

    def _on_preferences_changed(self, prefs: Preferences) -> None:
        self.moments.set_shortcut(prefs.capture_key)
        if self.moments.scenes is not None:
            self.moments.scenes.preferences_changed()
        self.story.preferences_changed(prefs)
        self._save_prefs()

    def open_demo(self) -> None:
        """Play the demo film, generating it first (once) with progress shown."""
        self.demo.open()

    def choose_file(self) -> None:
        folder = ""
        recent = [r for r in self.history.recent() if not is_url(r)]
        if recent:
            folder = str(Path(recent[0]).parent)
        dialog = file_dialog(self, "Open a video", VIDEO_FILTER, folder)
        dialog.fileSelected.connect(self.open)
        dialog.open()

    def choose_url(self) -> None:
        dialog = OpenUrlDialog(self)
        dialog.url_chosen.connect(self.open)
        dialog.open()

    def choose_subtitles(self) -> None:
        location = self.player.location()
        folder = str(Path(location).parent) if location and not is_url(location) else ""
        dialog = file_dialog(self, "Load subtitles", SUBTITLE_FILTER, folder)
        dialog.fileSelected.connect(self.load_subtitles)
        dialog.open()

    def load_subtitles(self, path: str) -> None:
        try:
            self.player.add_subtitle_file(Path(path))
        except Exception as exc:  # noqa: BLE001 - shown to the user
            messages.show_exception(exc)
            return
        self._loaded_subtitles[self.player.location() or ""] = Path(path)
        self.toast.show_message(f"Subtitles loaded: {Path(path).name}")

    def subtitle_hint(self) -> SubtitleHint:
        """The subtitles the viewer is watching with, for "Quote the moment"."""
        loaded = self._loaded_subtitles.get(self.player.location() or "")
        tracks = [track_id for track_id, _ in self.player.subtitle_tracks() if track_id >= 0]
        active = self.player.subtitle_track()
        position = tracks.index(active) if active in tracks else None
        return SubtitleHint(file=loaded, track_position=position)

    # -- fullscreen --------------------------------------------------------------------------
    def set_fullscreen(self, on: bool) -> None:
        if on == self.fullscreen.active:
            return
        if on:
            self.menuBar().hide()
            self.controls.hide()
            self.showFullScreen()
            self.fullscreen.enter()
        else:
            self.fullscreen.leave()
            self.showNormal()
            self.menuBar().show()
            self.controls.show()
        if self.player_actions.fullscreen.isChecked() != on:
            self.player_actions.fullscreen.setChecked(on)

    # -- drag and drop -----------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_location(event.mimeData().urls(), event.mimeData().text()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        location = _dropped_location(event.mimeData().urls(), event.mimeData().text())
        if not location:
            return
        event.acceptProposedAction()
        suffix = Path(location).suffix.lower()
        if not is_url(location) and suffix in (".srt", ".vtt", ".ass", ".ssa"):
            self.load_subtitles(location)
        else:
            self.open(location)

    def show_doctor(self) -> None:
        from moments import doctor

        self.tasks.run(
            lambda ctx: doctor.format_report(doctor.run_checks(self.dirs), self.dirs.log_file),
            name="doctor",
            on_success=lambda report: ReportDialog("Check installation", report, self).open(),
        )

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME} {__version__}</b><p>A video player that turns the scene you just "
            "loved into a clip you can share.</p>"
            f"<p>Log file: {self.dirs.log_file}</p>",
        )

    # -- reactions ---------------------------------------------------------------------------
    def _on_media_changed(self, location: str) -> None:
        self.setWindowTitle(f"{display_name(location)} — {APP_NAME}")

    def _on_state(self, state: PlayerState) -> None:
        if state == PlayerState.PLAYING:
            self.stack.setCurrentWidget(self.video)
            self._resume_timer.start()
        else:
            self._resume_timer.stop()
        if state in (PlayerState.PAUSED, PlayerState.STOPPED, PlayerState.ENDED):
            self._remember_position()

    def _on_player_error(self, text: str) -> None:
        location = self.player.location()
        if location is not None and not is_url(location):
            self.history.forget_recent(location)  # a file that failed is not offered again
        self.stack.setCurrentWidget(self.panel)
        self.panel.show_message(
            "Cannot play this",
            text,
            buttons={"open": "Open another file…", "demo": "Play the demo film"},
        )
        log.warning("%s", text)

    def _on_ended_early(self, played: float, claimed: float) -> None:
        name = display_name(self.player.location() or "")
        self.toast.show_message(
            f"“{name}” ended at {format_time(played)} although it says it lasts "
            f"{format_time(claimed)}: the file is cut short.",
            seconds=10,
        )

    def _on_panel_button(self, key: str) -> None:
        if key == "open":
            self.choose_file()
        elif key == "demo":
            self.open_demo()
        elif key == "cancel-demo":
            self.demo.cancel()

    def _on_volume(self, volume: int, muted: bool) -> None:
        self.prefs.volume, self.prefs.muted = volume, muted
        self._prefs_timer.start()

    def _on_message(self, level: messages.Level, text: str, details: str) -> None:
        if level == messages.Level.ERROR and details:
            self.toast.show_message(
                text,
                button="Details",
                on_button=lambda: ReportDialog("Details", f"{text}\n\n{details}", self).open(),
                seconds=8,
            )
        else:
            self.toast.show_message(text, seconds=8 if level == messages.Level.ERROR else 4)

    def _remember_position(self) -> None:
        location = self.player.location()
        duration = self.player.duration()
        if location and duration > 0 and self.player.state() != PlayerState.ERROR:
            log.debug("position of %s: %.3f / %.3f", location, self.player.playhead(), duration)
            self.history.remember_position(location, self.player.playhead(), duration)

    def _save_prefs(self) -> None:
        self.settings.save_prefs()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_position()
        if self.fullscreen.active:
            self.set_fullscreen(False)
        self.settings.ui.window_geometry = geometry_text(self.saveGeometry())
        self.settings.save_ui()
        self._save_prefs()
        self.story.shutdown()
        self.moments.shutdown()
        self.tasks.close()
        self.tasks.wait(10_000)
        self.moments.close_library()
        self.toast.close()
        self.fullscreen_controls.close()
        self.player.release()
        messages.bridge().message.disconnect(self._on_message)
        super().closeEvent(event)


def _dropped_location(urls: list[QUrl], text: str) -> str | None:
    for url in urls:
        if url.isLocalFile():
            return url.toLocalFile()
        if url.scheme() and url.scheme() != "file":
            return url.toString()
    candidate = text.strip()
    return candidate if is_url(candidate) else None
