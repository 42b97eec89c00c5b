"""Story mode in the main window: a ``*.story.json`` opened from File → Open, a drop, the
command line or another ``moments`` process plays as a story — the switch deck in place of
the video view, the story bar in place of the transport bar, the choice overlay over the
picture, the Story menu — and opening anything else puts the window back as it was.

Loading (JSON, schema, checks) and the viewer's saved progress are read in a worker; a
story that cannot play gets one clear message in the window, which stays usable."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QBoxLayout

from moments import APP_NAME
from moments.core.errors import CancelledError, StoryError
from moments.core.settings import Preferences
from moments.core.story import ProgressStore, Story, StoryProgress, load_story
from moments.core.story.seen import seen_window
from moments.media.story_demo import demo_story_is_ready, demo_story_path, make_demo_story
from moments.ui.common import Task
from moments.ui.moments import StoryPress
from moments.ui.player import Player, PlayerState, SwitchDeck, vlc_arguments
from moments.ui.story.actions import StoryActions, playback_actions_on_story_keys
from moments.ui.story.bar import StoryBar
from moments.ui.story.overlay import ChoiceOverlay
from moments.ui.story.path_map import PathMapDialog
from moments.ui.story.session import StorySession

if TYPE_CHECKING:
    from moments.ui.player.window import MainWindow

log = logging.getLogger(__name__)

STORY_SUFFIX = ".story.json"


def is_story_file(location: str) -> bool:
    return location.lower().endswith(STORY_SUFFIX)


class StoryMode(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.store = ProgressStore(window.dirs.stories)
        self.overlay = ChoiceOverlay(window.stack, window)
        self.actions = a = StoryActions(window, self)
        for target in (window, window.fullscreen_controls):
            a.install_on(target)
        for number, action in enumerate(a.picks, 1):
            action.triggered.connect(lambda _=False, n=number: self.overlay.pick(n))
        a.previous.triggered.connect(lambda: self.overlay.move_highlight(-1))
        a.next.triggered.connect(lambda: self.overlay.move_highlight(1))
        a.take.triggered.connect(self.overlay_take)
        a.play_pause.triggered.connect(self.toggle_pause)
        a.go_back.triggered.connect(self.go_back)
        a.path_map.triggered.connect(self.show_path_map)
        a.share_path.triggered.connect(self.share_path)
        a.start_over.triggered.connect(self.start_over)
        a.try_story.triggered.connect(self.open_demo)
        extra = [window.moments.capture_action]
        sound = window.player
        self.bar = StoryBar(a, window.player_actions, sound, extra)
        window.controls.addWidget(self.bar)
        self.fullscreen_bar = StoryBar(a, window.player_actions, sound, extra)
        self.fullscreen_bar.hide()
        fullscreen_layout = window.fullscreen_controls.layout()
        assert isinstance(fullscreen_layout, QBoxLayout)
        fullscreen_layout.addWidget(self.fullscreen_bar)
        menu = window.menuBar().addMenu("S&tory")
        window.menuBar().insertMenu(window.menus.help.menuAction(), menu)
        for action in (a.go_back, a.path_map, a.share_path, a.start_over):
            menu.addAction(action)
        window.menus.help.insertAction(window.menus.help.actions()[0], a.try_story)
        window.panel.button_clicked.connect(self._on_panel_button)
        sound.volume_changed.connect(self._on_volume)
        self.deck: SwitchDeck | None = None
        self.session: StorySession | None = None
        self._opening = 0
        self._demo_task: Task | None = None

    @property
    def active(self) -> bool:
        return self.session is not None

    # -- opening and leaving ------------------------------------------------------------------
    def open(self, location: str) -> None:
        """Load the story in a worker, then play it (where the viewer left it)."""
        self._opening += 1
        token, path, store = self._opening, Path(location), self.store
        log.info("opening story %s", path)
        self._window.tasks.run(
            lambda _ctx: _load(path, store),
            name="open story",
            on_success=lambda loaded: self._loaded(token, *loaded),
            on_error=lambda error: self._load_failed(token, path, error),
        )

    def leave(self, *, show_video: bool = True) -> None:
        """Back to plain playback: the story saved where it was, its players gone."""
        self._opening += 1  # a story still loading will not take over
        session, self.session = self.session, None
        if session is None:
            return
        if self._window.moments.controller is not None:
            self._window.moments.controller.story_source = None
        session.stop()
        session.deleteLater()
        self._release_deck()
        self._set_story_controls(False)
        window = self._window
        if show_video:
            window.stack.setCurrentWidget(window.video)
        window.setWindowTitle(APP_NAME)

    def shutdown(self) -> None:
        """The window closes: progress saved, players released."""
        self.leave(show_video=False)
        self.overlay.close()

    def open_demo(self) -> None:
        """Play the demo story, generating it first (once) with progress shown."""
        window = self._window
        window.demo.wanted = False  # the demo film being made will not open over the story
        folder = window.dirs.demo
        if demo_story_is_ready(folder):
            self.open(str(demo_story_path(folder)))
            return
        if self._demo_task is not None:
            return
        self.leave(show_video=False)
        token = self._opening  # opening anything else meanwhile cancels the story's opening
        window.player.pause()
        window.stack.setCurrentWidget(window.panel)
        window.panel.show_message(
            "Preparing the interactive story…",
            "“The lighthouse” is made once, from ffmpeg's own test sources: two and a half "
            "minutes, three choices, two endings.",
            progress=0.0,
            buttons={"cancel-story-demo": "Cancel"},
        )
        self._demo_task = window.tasks.run(
            lambda ctx: make_demo_story(folder, progress=ctx.progress, cancel=ctx.cancel),
            name="demo story",
            on_progress=lambda p: self._on_demo_progress(token, p.fraction),
            on_success=lambda path: self._on_demo_ready(token, path),
            on_error=lambda error: self._on_demo_failed(token, error),
        )

    def preferences_changed(self, prefs: Preferences) -> None:
        if self.session is not None:
            self.session.driver.timers = prefs.story_timers

    # -- commands -----------------------------------------------------------------------------
    def toggle_pause(self) -> None:
        if self.session is not None:
            self.session.toggle_pause()

    def go_back(self) -> None:
        if self.session is not None:
            self.session.go_back()

    def start_over(self) -> None:
        if self.session is not None:
            self.session.start_over()

    def overlay_take(self) -> None:
        self.overlay.take_highlighted()

    def show_path_map(self) -> None:
        session = self.session
        if session is None:
            return
        self.overlay.dismiss()
        dialog = PathMapDialog(session.story, session.progress, self._window.tasks, self._window)
        dialog.finished.connect(lambda _code: session.show_ending_card())
        dialog.open()

    def share_path(self) -> None:
        if self.session is None:
            return
        from moments.ui.story.share_path import share_path

        share_path(self._window, self.session)

    def _story_press(self, before_s: float, after_s: float) -> StoryPress | None:
        """The Moments button in a story: what was seen, across switches, and where."""
        session = self.session
        if session is None:
            return None
        press_ms = session.position_ms()
        spans, press_in_clip = seen_window(
            session.engine,
            press_ms,
            before_ms=round(before_s * 1000),
            after_ms=round(after_s * 1000),
        )
        if self._window.prefs.pause_on_capture and session.player().is_playing():
            session.toggle_pause()
        title = f"{session.story.display_title}: {session.where()}"
        return StoryPress(title, tuple(spans), press_in_clip / 1000, session.memo(press_ms))

    # -- internals ----------------------------------------------------------------------------
    def _loaded(self, token: int, story: Story, progress: StoryProgress) -> None:
        if token != self._opening:
            return  # something else was opened meanwhile
        window = self._window
        self.leave(show_video=False)
        window.player.stop()
        deck = self._make_deck()
        window.stack.setCurrentWidget(deck)
        self._set_story_controls(True)
        session = StorySession(
            story,
            progress,
            self.store,
            deck,
            self.overlay,
            window.tasks,
            timers=window.prefs.story_timers,
            parent=self,
        )
        self.session = session
        session.changed.connect(self._refresh)
        session.failed.connect(self._on_failed)
        session.card_action.connect(self._on_card)
        session.start()
        if window.moments.controller is not None:
            window.moments.controller.story_source = self._story_press
        window.setWindowTitle(f"{story.display_title} — {APP_NAME}")
        window.history.add_recent(str(story.path))
        if session.resumed:
            window.toast.show_message(
                f"Resumed “{story.display_title}” where you left it",
                button="Start over",
                on_button=self.start_over,
                seconds=6,
            )
        self._refresh()

    def _load_failed(self, token: int, path: Path, error: BaseException) -> None:
        if token != self._opening:
            return
        if isinstance(error, StoryError):
            sentence = str(error).removeprefix("This story cannot play: ")
            sentence = sentence[:1].upper() + sentence[1:]
            text = f"{sentence}\n\n“moments story check” lists every problem in “{path.name}”."
        else:
            text = f"“{path.name}” could not be read: {error}"
        log.warning("story %s cannot be played: %s", path, error)
        self._show_problem("This story cannot be played", text)

    def _on_failed(self, text: str) -> None:
        self._show_problem("The story cannot go on", text)

    def _show_problem(self, title: str, text: str) -> None:
        window = self._window
        self.leave(show_video=False)
        window.player.stop()
        window.stack.setCurrentWidget(window.panel)
        window.panel.show_message(
            title,
            text,
            buttons={"open": "Open another file…", "story-demo": "Try the demo story"},
        )

    def _make_deck(self) -> SwitchDeck:
        prefs = self._window.prefs
        deck = SwitchDeck(vlc_args=vlc_arguments(prefs.extra_vlc_args, prefs.audio_output))
        deck.setObjectName("storyDeck")
        deck.set_volume(self._window.player.volume())
        deck.set_muted(self._window.player.is_muted())
        for player in deck.players():
            self._watch(player)
        deck.player_added.connect(self._watch)
        deck.switched.connect(lambda _key, _player: self._show_state())
        deck.double_clicked.connect(self._window.player_actions.fullscreen.toggle)
        self._window.stack.addWidget(deck)
        self.deck = deck
        return deck

    def _release_deck(self) -> None:
        deck, self.deck = self.deck, None
        if deck is None:
            return
        deck.release()
        self._window.stack.removeWidget(deck)
        deck.hide()
        deck.deleteLater()

    def _watch(self, player: Player) -> None:
        player.state_changed.connect(lambda _state, p=player: self._on_player_state(p))
        player.error.connect(lambda text, p=player: self._on_player_error(p, text))

    def _on_player_state(self, player: Player) -> None:
        if self.deck is not None and player is self.deck.player():
            self._show_state()

    def _on_player_error(self, player: Player, text: str) -> None:
        if self.session is not None and self.deck is not None and player is self.deck.player():
            self._on_failed(text)

    def _show_state(self) -> None:
        playing = self.deck is not None and self.deck.player().state() == PlayerState.PLAYING
        self.actions.show_playing(playing)

    def _set_story_controls(self, on: bool) -> None:
        window = self._window
        self.actions.set_active(on)
        for action in playback_actions_on_story_keys(window.player_actions):
            action.setEnabled(not on)
        window.controls.setCurrentWidget(self.bar if on else window.transport)
        window.fullscreen_controls.transport.setVisible(not on)
        self.fullscreen_bar.setVisible(on)
        if not on:
            self.overlay.dismiss()

    def _refresh(self) -> None:
        session = self.session
        if session is None:
            return
        self.actions.go_back.setEnabled(session.can_go_back())
        for bar in (self.bar, self.fullscreen_bar):
            bar.show_where(session.story.display_title, session.where())
        self._show_state()

    def _on_card(self, key: str) -> None:
        if key == "map":
            self.show_path_map()
        elif key == "share":
            self.share_path()

    def _on_volume(self, volume: int, muted: bool) -> None:
        if self.deck is not None:
            self.deck.set_volume(volume)
            self.deck.set_muted(muted)

    def _on_panel_button(self, key: str) -> None:
        if key == "story-demo":
            self.open_demo()
        elif key == "cancel-story-demo" and self._demo_task is not None:
            self._demo_task.cancel()

    def _on_demo_progress(self, token: int, fraction: float | None) -> None:
        if token == self._opening:
            self._window.panel.set_progress(fraction)

    def _on_demo_ready(self, token: int, path: Path) -> None:
        self._demo_task = None
        if token == self._opening:
            self.open(str(path))

    def _on_demo_failed(self, token: int, error: BaseException) -> None:
        self._demo_task = None
        if token != self._opening:
            return
        cancelled = isinstance(error, CancelledError)
        self._window.panel.show_message(
            "The demo story was not made" if cancelled else "The demo story could not be made",
            "" if cancelled else str(error),
            buttons={"story-demo": "Try again", "open": "Open a file…"},
        )


def _load(path: Path, store: ProgressStore) -> tuple[Story, StoryProgress]:
    """In a worker: the story (checked) and what this viewer has done in it."""
    story = load_story(path)
    return story, store.load(story)
