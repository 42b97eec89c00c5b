"""One story being played in the window: the interpreter and its driver on the switch deck,
the choice overlay kept in step with them, the ending cards, and the viewer's progress saved
as they go (and restored when the story is opened again)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from moments.core.errors import MomentsError
from moments.core.story import (
    ChoiceView,
    Clip,
    Decision,
    EndingKind,
    EndingView,
    ProgressStore,
    Story,
    StoryEngine,
    StoryProgress,
)
from moments.ui.common import TaskRunner
from moments.ui.player import Player, PlayerState, SwitchDeck
from moments.ui.story.driver import StoryDriver
from moments.ui.story.overlay import CardButton, ChoiceOverlay

log = logging.getLogger(__name__)

SAVE_EVERY_MS = 5000
"""While a story plays, where the viewer is is saved this often (and at every change)."""


class StorySession(QObject):
    """Plays ``story`` on ``deck``; GUI thread only."""

    changed = Signal()
    """What the bar shows changed: the segment, going back, an ending."""
    failed = Signal(str)
    """A sentence for the user: the story cannot go on."""
    card_action = Signal(str)
    """An ending card's button the session does not handle itself: ``map``, ``share``."""

    def __init__(
        self,
        story: Story,
        progress: StoryProgress,
        store: ProgressStore,
        deck: SwitchDeck,
        overlay: ChoiceOverlay,
        tasks: TaskRunner,
        *,
        timers: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.story = story
        self.progress = progress
        self.store = store
        self.deck = deck
        self.overlay = overlay
        self.tasks = tasks
        self.engine = StoryEngine(story, progress)
        self.driver = StoryDriver(deck, self.engine, self, timers=timers)
        self.resumed = False
        """The session started where a saved one left off."""
        self._stopped = False
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(SAVE_EVERY_MS)
        self._save_timer.timeout.connect(self.save)
        d = self.driver
        d.segment_started.connect(self._on_segment)
        d.choice_shown.connect(self._on_choice_shown)
        d.choice_closed.connect(self._on_choice_closed)
        d.ended.connect(self._on_ended)
        d.failed.connect(self._on_failed)
        overlay.chosen.connect(self._on_chosen)
        overlay.card_action.connect(self._on_card)

    @property
    def path(self) -> Path:
        return self.story.path

    # -- what the viewer does ---------------------------------------------------------------
    def start(self) -> None:
        """Where the viewer left off when a session was saved, else from the beginning."""
        self.resumed = bool(self.progress.session)
        self.driver.start(resume=self.resumed)
        self._save_timer.start()

    def start_over(self) -> None:
        """From the beginning (a new play: persistent state and what was found stay)."""
        self.overlay.dismiss()
        self.driver.play_again()
        self.save()

    def go_back(self) -> None:
        if self.engine.can_go_back:
            self.overlay.dismiss()
            self.driver.go_back()
            self.save()

    def can_go_back(self) -> bool:
        return self.engine.can_go_back

    def toggle_pause(self) -> None:
        """Space: pause or go on, except while the picture holds for a choice or an ending."""
        if self.driver.holding or self.engine.ending is not None:
            return
        self.player().toggle_pause()

    def choose(self, index: int) -> None:
        self.driver.choose(index)

    def player(self) -> Player:
        return self.deck.player()

    def where(self) -> str:
        """The segment on screen, as the bar names it."""
        if self.engine.ending is not None:
            return f"The end: {self.engine.ending.title}"
        try:
            segment = self.story.segments[self.engine.now.segment]
        except RuntimeError:
            return ""
        return segment.title or segment.id

    def position_ms(self) -> int:
        return self.driver.position_ms()

    def memo(self, position_ms: int | None = None) -> dict[str, Any]:
        """Where the story is, for a Moment kept in it (``Moment.story``)."""
        engine, story = self.engine, self.story
        data: dict[str, Any] = {
            "story": str(story.path),
            "identity": story.identity,
            "title": story.display_title,
            "state": dict(engine.state),
            "path": [step.segment for step in engine.path],
        }
        try:
            data["segment"] = engine.now.segment
            data["session"] = engine.snapshot(position_ms)
        except RuntimeError:
            pass
        return data

    # -- progress ---------------------------------------------------------------------------
    def save(self, *, wait: bool = False) -> None:
        """Keep where the viewer is (and what they found) for the next time; in a worker,
        or here when ``wait`` (the window is closing)."""
        if self._stopped and not wait:
            return
        try:
            self.progress.session = self.engine.snapshot(self._position_for_save())
        except RuntimeError:  # not started (its first media failed)
            return
        copy = StoryProgress.from_json(self.progress.to_json())
        store, story = self.store, self.story
        if wait:
            try:
                store.save(story, copy)
            except MomentsError as exc:
                log.warning("story progress not saved: %s", exc)
            return
        self.tasks.run(
            lambda _ctx: store.save(story, copy),
            name="save story progress",
            on_error=lambda exc: log.warning("story progress not saved: %s", exc),
        )

    def stop(self) -> None:
        """Leaving the story (another file, the window closing): saved where it is."""
        if self._stopped:
            return
        self.save(wait=True)
        self._stopped = True
        self._save_timer.stop()
        self.driver.stop()
        self.overlay.dismiss()
        for player in self.deck.players():
            if player.is_playing():
                player.pause()

    def _position_for_save(self) -> int | None:
        if self.engine.ending is not None:
            return None
        player = self.player()
        if player.state() in (PlayerState.ERROR, PlayerState.IDLE):
            return None
        now = self.engine.now
        return min(max(self.position_ms(), now.start_ms), now.end_ms)

    # -- the driver's news --------------------------------------------------------------------
    def _on_segment(self, _clip: Clip) -> None:
        choice = self.engine.choice
        if choice is not None:
            self.overlay.prepare_choice(
                choice, timed=self.driver.timed(choice), clock=self.driver.position_ms
            )
        else:
            self.overlay.dismiss()
        self.changed.emit()
        self.save()

    def _on_choice_shown(self, choice: ChoiceView) -> None:
        if self.engine.choice is not None and self.engine.choice.id == choice.id:
            self.overlay.show_choice()

    def _on_chosen(self, index: int) -> None:
        if self.engine.choice is not None:
            self.driver.choose(index)

    def _on_choice_closed(self, decision: Decision) -> None:
        self.overlay.mark_chosen(decision.option)
        self.save()

    def _on_ended(self, ending: EndingView) -> None:
        self.changed.emit()
        self.save()
        self._show_card(ending)

    def _show_card(self, ending: EndingView) -> None:
        total = sum(1 for e in self.story.endings().values() if e.kind is EndingKind.CREDITS)
        if ending.kind is EndingKind.GO_BACK and self.engine.can_go_back:
            buttons = [CardButton("back", "Go back now")]
            self.overlay.show_card(ending.title, "Back to your last choice…", buttons)
            return
        if ending.kind is EndingKind.PLAY_AGAIN:
            self.overlay.show_card(ending.title, "Starting again…", [])
            return
        buttons = []
        if self.engine.can_go_back:
            buttons.append(CardButton("back", "Go back to the last choice"))
        buttons += [
            CardButton("again", "Play again"),
            CardButton("map", "Path map"),
            CardButton("share", "Share your path"),
        ]
        credits_found = sum(
            1
            for e in self.story.endings().values()
            if e.kind is EndingKind.CREDITS and e.id in self.progress.endings
        )
        text = f"Endings found: {credits_found} of {total}" if total else ""
        self.overlay.show_card(f"The end: {ending.title}", text, buttons)

    def _on_card(self, key: str) -> None:
        if key == "back":
            self.go_back()
        elif key == "again":
            self.start_over()
        else:
            self.card_action.emit(key)

    def show_ending_card(self) -> None:
        """Show the ending's card again (after the path map or the recap it led to)."""
        ending = self.engine.ending
        if ending is not None and not self._stopped:
            self._show_card(ending)

    def _on_failed(self, text: str) -> None:
        self._save_timer.stop()
        self.overlay.dismiss()
        self.failed.emit(text)
