"""Plays a story: the interpreter (``core/story``) says what plays and what may follow; the
driver pre-rolls every branch that may come next in the ``SwitchDeck`` and switches at the
media times the interpreter gives, timed on the playhead. Pure scheduling: it draws
nothing — the choice overlay, the path map and the window listen to its signals."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from moments.core.errors import StoryError
from moments.core.story import (
    ChoiceView,
    Clip,
    Decision,
    EndingKind,
    EndingView,
    StoryEngine,
    SwitchMode,
)
from moments.ui.player import Player, PlayerState, PlayheadDeadline, SwitchDeck

log = logging.getLogger(__name__)

FALSE_ENDING_PAUSE_MS = 1500
"""A "go back" or "play again" ending holds its last frame this long before it goes on."""


class StoryDriver(QObject):
    """Drives one ``StoryEngine`` with one ``SwitchDeck``; GUI thread only."""

    segment_started = Signal(object)
    """Clip: a segment is on screen (at the start, after a switch, a go-back, a resume)."""
    choice_shown = Signal(object)
    """ChoiceView: show the choice now (its timer, when it has one, ends at its
    ``disappear_ms``)."""
    choice_closed = Signal(object)
    """Decision: the viewer chose, or the timer did."""
    ended = Signal(object)
    """EndingView: an ending segment has played to its end."""
    failed = Signal(str)
    """A sentence for the user: the story cannot go on (a branch's media cannot play…)."""

    def __init__(
        self,
        deck: SwitchDeck,
        engine: StoryEngine,
        parent: QObject | None = None,
        *,
        timers: bool = True,
    ):
        super().__init__(parent)
        self.deck = deck
        self.engine = engine
        self.timers = timers
        """False (the viewer's preference): no choice is timed; the picture holds at the
        segment's end until the viewer chooses."""
        self._cue = PlayheadDeadline(self)
        self._expected: Clip | None = None
        self._cutting: Clip | None = None
        """A clip cut to (not a seamless switch), until it is on screen."""
        self._waiting = False
        """The segment ended with its choice still open (no timer): the picture holds."""
        deck.switched.connect(self._on_switched)
        deck.prepare_failed.connect(self._on_prepare_failed)

    # -- what the viewer does ---------------------------------------------------------------
    def start(self, *, resume: bool = False) -> None:
        """From the beginning, or where the saved session left off."""
        try:
            shown = self.engine.resume() if resume else self.engine.start()
        except StoryError as exc:
            self.failed.emit(str(exc))
            return
        if isinstance(shown, EndingView):  # resumed at an ending: its last frame, still
            clip = self.engine.now
            key = ("ending", clip.segment)
            self.deck.prepare(key, str(clip.media), (clip.end_ms - 1) / 1000)
            self.deck.switch_when_ready(key, still=True)
            self.ended.emit(shown)
            return
        self._cut_to(shown)

    def choose(self, index: int) -> None:
        """The viewer picked option ``index`` (its index in the story file)."""
        if self.engine.choice is None:
            return
        self._decided(self.engine.choose(index, self.position_ms()))

    def go_back(self) -> None:
        if self.engine.can_go_back:
            self._cut_to(self.engine.go_back(self.position_ms()))

    def play_again(self) -> None:
        self._cut_to(self.engine.play_again())

    def position_ms(self) -> int:
        return round(self.player().playhead() * 1000)

    @property
    def holding(self) -> bool:
        """The segment is over and the picture holds until the viewer chooses."""
        return self._waiting

    def timed(self, choice: ChoiceView) -> bool:
        """Whether ``choice`` runs a timer here: the story's, unless the viewer turned
        timers off."""
        return choice.timer and self.timers

    def player(self) -> Player:
        return self.deck.player()

    def stop(self) -> None:
        self._cue.cancel()
        self.deck.cancel_switch()

    # -- scheduling -------------------------------------------------------------------------
    def _cut_to(self, clip: Clip) -> None:
        """Show ``clip`` as soon as it is pre-rolled (start, go back, resume, play again):
        the picture on screen holds meanwhile. Opening it in the player on screen would
        show the file's first frame for a moment before libVLC reaches the start time."""
        self.stop()
        self._waiting = False
        self._expected = None
        self._cutting = clip
        self.deck.prepare(clip, str(clip.media), clip.start_ms / 1000)
        self.deck.switch_when_ready(clip)

    def _entered(self, clip: Clip) -> None:
        self._expected = None
        self.segment_started.emit(clip)
        choice = self.engine.choice
        if choice is not None:
            for branch in self.engine.branches():
                self._preroll(branch, clip.end_ms)
            self._at(max(choice.appear_ms, clip.start_ms), self._show_choice)
        else:
            self._plan_next(clip)

    def _plan_next(self, clip: Clip, *, held: bool = False) -> None:
        """Arm what follows ``clip``; ``held``: its last frame is on screen, paused (a choice
        without a timer was waited for), so a switch happens now."""
        following = self.engine.upcoming
        decision = self.engine.decision
        switch_ms = decision.switch_at_ms if decision is not None else clip.end_ms
        if following is None:
            # Paused two frames early: libVLC shows a frame or two more after a pause.
            frame_ms = self.player().frame_duration() * 1000
            self._at(round(clip.end_ms - 2 * frame_ms), self._ending_over)
            return
        if self._contiguous(clip, following, switch_ms):
            self.deck.cancel_switch()
            self._expected = None
            self._at(switch_ms, lambda: self._advanced(switch_ms))
            return
        self._preroll(following, switch_ms)
        self._expected = following
        if held or switch_ms <= self.position_ms():
            self.deck.switch(following)
        else:
            self.deck.switch_at(following, switch_ms / 1000)

    def _show_choice(self) -> None:
        choice = self.engine.choice
        if choice is None:
            return
        now = self.engine.now
        switch_decides = False
        timed = self.timed(choice)
        if timed and choice.switch is SwitchMode.SEGMENT_END:
            # The default's switch is armed now: a timer running out at the segment's end
            # must not make the switch wait for the decision — the switch makes it.
            default = choice.option(choice.default).leads_to
            if not self._contiguous(now, default, now.end_ms):
                self._expected = default
                self.deck.switch_at(default, now.end_ms / 1000)
                switch_decides = choice.disappear_ms >= now.end_ms
        self.choice_shown.emit(choice)
        if self.engine.choice is None or switch_decides:
            return  # chosen at once, or the default's switch takes it
        if timed:
            self._at(choice.disappear_ms, self._timed_out)
        else:
            # Paused two frames early, like an ending: libVLC shows a frame or two more.
            frame_ms = self.player().frame_duration() * 1000
            self._at(round(self.engine.now.end_ms - 2 * frame_ms), self._hold_for_choice)

    def _timed_out(self) -> None:
        if self.engine.choice is not None:
            self._decided(self.engine.timeout())

    def _hold_for_choice(self) -> None:
        """The segment's last frame stays up until the viewer chooses."""
        if self.engine.choice is not None:
            self._waiting = True
            self._hold_last_frame(self.engine.now.end_ms)

    def _decided(self, decision: Decision) -> None:
        self._cue.cancel()
        for branch in self.engine.branches():
            if branch != decision.next:
                self.deck.forget(branch)
        self.choice_closed.emit(decision)
        was_waiting, self._waiting = self._waiting, False
        self._plan_next(self.engine.now, held=was_waiting)
        if was_waiting and not self.player().is_playing():
            self.player().play()

    def _advanced(self, at_ms: int) -> None:
        """The next segment follows on in the same media: nothing to switch."""
        shown = self.engine.advance(at_ms)
        if isinstance(shown, EndingView):
            self._ended(shown)
        else:
            self._entered(shown)

    def _ending_over(self) -> None:
        shown = self.engine.advance()
        if isinstance(shown, EndingView):
            self._ended(shown)

    def _ended(self, ending: EndingView) -> None:
        self._hold_last_frame(self.engine.story.segments[ending.segment].end_ms)
        self.ended.emit(ending)
        if ending.kind is EndingKind.GO_BACK and self.engine.can_go_back:
            QTimer.singleShot(FALSE_ENDING_PAUSE_MS, self._after_false_ending)
        elif ending.kind is EndingKind.PLAY_AGAIN:
            QTimer.singleShot(FALSE_ENDING_PAUSE_MS, self.play_again)

    def _hold_last_frame(self, end_ms: int) -> None:
        player = self.player()
        player.pause()
        player.seek(end_ms / 1000 - player.frame_duration() / 2)

    def _after_false_ending(self) -> None:
        if self.engine.ending is not None and self.engine.can_go_back:
            self.go_back()

    def _on_switched(self, key: object, _player: Player) -> None:
        cut = self._cutting
        if cut is not None and key == cut:
            self._cutting = None
            self._entered(cut)
            return
        if self._expected is None or key != self._expected:
            return
        if self.engine.choice is not None:  # the default's switch came with the timer's end
            self._cue.cancel()
            self.choice_closed.emit(self.engine.timeout())
        shown = self.engine.advance()
        if isinstance(shown, EndingView):
            self._ended(shown)
        else:
            self._entered(shown)

    def _on_prepare_failed(self, key: object, text: str) -> None:
        if isinstance(key, Clip):
            self.failed.emit(f"“{key.media.name}” cannot be played for “{key.segment}”: {text}")

    def _preroll(self, clip: Clip, switch_ms: int) -> None:
        if not self._contiguous(self.engine.now, clip, switch_ms):
            self.deck.prepare(clip, str(clip.media), clip.start_ms / 1000)

    @staticmethod
    def _contiguous(now: Clip, following: Clip, switch_ms: int) -> bool:
        return following.media == now.media and following.start_ms == switch_ms

    def _at(self, media_ms: int, action: Callable[[], None]) -> None:
        player = self.player()
        if player.state() == PlayerState.ERROR:
            return
        self._cue.arm(player, media_ms / 1000, action)
