"""Seamless branch switches: the next branch waits, paused on its first frame, in a second
libVLC player whose native view lies under the one playing; the switch resumes it and
raises its view.

Measured on screen with frame-coded media (``bench/story_switch.py``, docs/architecture.md
"Stories: seamless branch switches"): a seek in one player holds the picture 1.3-1.8
frames, a new media in one player 2.3-5 frames, while the raised pre-rolled player is on
screen within a fraction of a frame. Its view keeps its
pixels while covered (X backing store, ``x11_backing.py``), so raising it shows the
pre-rolled frame at once instead of a black flash.

The switch is timed on the playing player's ``playhead()`` (libVLC's coarse time reports
extrapolated, ``core/playhead.py``) by a precise timer that re-arms itself as the deadline
nears, never by waiting on the GUI thread.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QWidget

from moments.ui.player.player import PAUSE_SETTLE_MS, Player, PlayerState
from moments.ui.player.video_view import VideoView
from moments.ui.player.x11_backing import keep_contents_when_covered

log = logging.getLogger(__name__)

READY_AFTER_SEEK_MS = 200
"""After a paused seek to a keyframe, libVLC has drawn the frame well within this."""
SWITCH_LEAD_S = 0.009
"""A resumed player shows its next frame ~9 ms later than its timeline says (measured: with
no lead the next segment's frames came 5-6 ms late at 25 and 60 fps, at 9 ms within 1 ms):
the switch is sent this much before the deadline."""
FINAL_APPROACH_S = 0.030
AUDIO_OVERLAP_MS = 20
"""The branch left is paused this long after the switch (its view is covered already): a
resumed player's first sound comes 3-14 ms after the switch, so pausing at once left that
much silence; 20 ms later there was none, and both sounded together for 4-21 ms."""


@dataclass(eq=False)
class _Slot:
    view: VideoView
    player: Player
    key: Hashable | None = None
    location: str = ""
    start: float = 0.0
    stage: str = "idle"
    """idle, opening (until playing), pausing, seeking, ready, current, failed; leaving (just
    switched from, still sounding) and deferred (asked to pre-roll while leaving)."""
    used: int = 0
    timers: list[QTimer] = field(default_factory=list)


class PlayheadDeadline(QObject):
    """Calls back when a player's ``playhead()`` reaches a media time: a precise timer
    re-armed as the deadline nears (a few ms early, ``SWITCH_LEAD_S``), or at once when
    the player ends first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player: Player | None = None
        self._media_s = 0.0
        self._action: Callable[[], object] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._poll)

    def arm(self, player: Player, media_s: float, action: Callable[[], object]) -> None:
        self._player, self._media_s, self._action = player, media_s, action
        self._poll()

    def cancel(self) -> None:
        self._action = None
        self._timer.stop()

    def is_armed(self) -> bool:
        return self._action is not None

    def _poll(self) -> None:
        player, action = self._player, self._action
        if player is None or action is None:
            return
        media_s = self._media_s
        if player.duration() > 0:
            media_s = min(media_s, player.duration())
        if player.state() in (PlayerState.ENDED, PlayerState.STOPPED):
            left = 0.0
        elif player.state() != PlayerState.PLAYING:
            self._timer.start(20)
            return
        else:
            left = (media_s - player.playhead()) / max(0.1, player.rate()) - SWITCH_LEAD_S
        if left > FINAL_APPROACH_S:
            self._timer.start(int((left - FINAL_APPROACH_S / 2) * 1000))
        elif left >= 0.001:
            self._timer.start(int(left * 1000))
        else:
            self._action = None
            action()


class SwitchDeck(QWidget):
    """Stacked native video views, one libVLC player each; one is on screen."""

    switched = Signal(object, object)
    """(key, Player): the player now on screen and the key it was prepared under."""
    prepared = Signal(object)
    """key: that branch is paused on its first frame, ready to switch to."""
    prepare_failed = Signal(object, str)
    """key, a sentence for the user."""
    player_added = Signal(object)
    """A new Player joined the deck (before it opens anything)."""
    double_clicked = Signal()
    """On any of its views (the window's fullscreen toggle)."""

    def __init__(
        self, parent: QWidget | None = None, *, vlc_args: list[str] | None = None, slots: int = 5
    ) -> None:
        super().__init__(parent)
        self.setObjectName("switchDeck")
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
        self.setMinimumSize(320, 180)
        self._vlc_args = vlc_args
        self._max_slots = max(2, slots)
        self._slots: list[_Slot] = []
        self._clock = 0
        self._volume = 80
        self._muted = False
        self._current = self._new_slot()
        self._current.stage = "current"
        self._deadline: tuple[Hashable, float] | None = None
        self._waiting_for: Hashable | None = None
        self._waiting_still = False
        self._at_deadline = PlayheadDeadline(self)

    def sizeHint(self) -> QSize:
        return QSize(960, 540)

    # -- what is on screen -------------------------------------------------------------------
    def player(self) -> Player:
        """The player on screen."""
        return self._current.player

    def view(self) -> VideoView:
        return self._current.view

    def current_key(self) -> Hashable | None:
        return self._current.key

    def players(self) -> list[Player]:
        return [slot.player for slot in self._slots]

    def open(self, location: str, *, start_at: float = 0.0, key: Hashable | None = None) -> None:
        """Play ``location`` from ``start_at`` in the player on screen (not seamless)."""
        self.cancel_switch()
        slot = self._current
        slot.key, slot.location, slot.start = key, location, start_at
        self._apply_audio(slot.player)
        slot.player.open(location, start_at=start_at)

    def set_volume(self, volume: int) -> None:
        self._volume = volume
        self._apply_audio(self._current.player)

    def set_muted(self, muted: bool) -> None:
        self._muted = muted
        self._apply_audio(self._current.player)

    # -- pre-roll ----------------------------------------------------------------------------
    def prepare(self, key: Hashable, location: str, start_s: float) -> None:
        """Get ``location`` paused on its frame at ``start_s`` under the view on screen."""
        slot = self._slot_for(key)
        if slot is self._current:  # the same clip again (play again): another player
            slot.key, slot = None, None
        if slot is not None and slot.location == location and abs(slot.start - start_s) < 1e-4:
            if slot.stage == "ready":
                self.prepared.emit(key)
            return
        slot = slot or self._free_slot()
        self._clock += 1
        slot.key, slot.location, slot.start, slot.used = key, location, start_s, self._clock
        self._stop_timers(slot)
        if slot.stage in ("leaving", "deferred"):
            slot.stage = "deferred"  # it still sounds under the switch: pre-roll after
            return
        self._start_preroll(slot)

    def _start_preroll(self, slot: _Slot) -> None:
        player = slot.player
        player.set_muted(True)
        if player.location() == slot.location and player.state() == PlayerState.PAUSED:
            self._seek_and_wait(slot)
        elif player.location() == slot.location and player.is_playing():
            slot.stage = "pausing"
            player.pause()
        else:
            slot.stage = "opening"
            player.open(slot.location, start_at=slot.start, play=True)

    def is_ready(self, key: Hashable) -> bool:
        slot = self._slot_for(key)
        return slot is not None and slot.stage == "ready"

    def forget(self, key: Hashable) -> None:
        """``key`` will not be needed: its player may be used for another branch."""
        slot = self._slot_for(key)
        if slot is not None and slot is not self._current:
            slot.key = None

    # -- the switch --------------------------------------------------------------------------
    def switch(self, key: Hashable, *, still: bool = False) -> bool:
        """Put ``key``'s player on screen now; False if it is not ready (the switch then
        happens as soon as it is, the picture holding meanwhile). ``still``: it stays
        paused on its frame (a picture behind an ending's card)."""
        self._deadline = None
        self._at_deadline.cancel()
        slot = self._slot_for(key)
        if slot is None:
            raise KeyError(f"branch {key!r} was not prepared")
        if slot.stage != "ready":
            log.warning("branch %r not ready at its switch: holding the picture", key)
            self.switch_when_ready(key, still=still)
            return False
        self._waiting_for = None
        log.debug("switch to %r (slot %d)", key, self._slots.index(slot))
        old, self._current = self._current, slot
        slot.stage = "current"
        self._apply_audio(slot.player)
        slot.view.raise_()
        QGuiApplication.sync()  # the raise reaches the X server now, whatever play() costs
        if not still:
            slot.player.play()
        # Its audio plays on under the new branch's start: an overlap instead of a gap.
        old.stage, old.key = "leaving", None
        QTimer.singleShot(AUDIO_OVERLAP_MS, lambda: self._left(old))
        self.switched.emit(key, slot.player)
        return True

    def switch_when_ready(self, key: Hashable, *, still: bool = False) -> None:
        """Put ``key``'s player on screen as soon as it is pre-rolled (at once if it is);
        the picture on screen holds meanwhile (a cut: going back, resuming)."""
        if self.is_ready(key):
            self.switch(key, still=still)
            return
        self._deadline = None
        self._at_deadline.cancel()
        self._waiting_for, self._waiting_still = key, still
        self._current.player.pause()

    def switch_at(self, key: Hashable, media_s: float) -> None:
        """Switch to ``key`` when the player on screen reaches ``media_s`` (its segment's
        end): after the last frame that starts before ``media_s``, shown whole."""
        frame = self._current.player.frame_duration()
        media_s = math.ceil(media_s / frame - 1e-3) * frame
        self._deadline = (key, media_s)
        self._at_deadline.arm(self._current.player, media_s, lambda: self.switch(key))

    def cancel_switch(self) -> None:
        self._deadline = None
        self._waiting_for = None
        self._at_deadline.cancel()

    def pending_switch(self) -> tuple[Hashable, float] | None:
        return self._deadline

    def release(self) -> None:
        self.cancel_switch()
        for slot in self._slots:
            self._stop_timers(slot)
            slot.player.release()

    # -- internals ---------------------------------------------------------------------------
    def _left(self, slot: _Slot) -> None:
        """The overlap after a switch is over: silence the branch left, or pre-roll the
        branch asked of it meanwhile."""
        if slot.stage == "leaving":
            slot.stage = "idle"
            slot.player.pause()
        elif slot.stage == "deferred":
            self._start_preroll(slot)

    def _new_slot(self) -> _Slot:
        view = VideoView(self)
        view.setMinimumSize(1, 1)
        view.setGeometry(self.rect())
        view.double_clicked.connect(self.double_clicked)
        player = Player(self, vlc_args=self._vlc_args)
        player.attach_window(int(view.winId()))
        keep_contents_when_covered(int(view.winId()))
        slot = _Slot(view, player)
        player.state_changed.connect(lambda state, s=slot: self._on_state(s, state))
        player.error.connect(lambda text, s=slot: self._on_error(s, text))
        view.lower()
        view.show()
        self._slots.append(slot)
        self.player_added.emit(player)
        return slot

    def _free_slot(self) -> _Slot:
        idle = [s for s in self._slots if s is not self._current and s.key is None]
        if idle:
            return idle[0]
        if len(self._slots) < self._max_slots:
            return self._new_slot()
        spare = [s for s in self._slots if s is not self._current]
        oldest = min(spare, key=lambda s: s.used)
        log.info("pre-roll: %r gives way", oldest.key)
        return oldest

    def _slot_for(self, key: Hashable) -> _Slot | None:
        for slot in self._slots:
            if slot.key is not None and slot.key == key:
                return slot
        return None

    def _on_state(self, slot: _Slot, state: PlayerState) -> None:
        if slot.stage == "opening" and state == PlayerState.PLAYING:
            slot.stage = "pausing"
            slot.player.pause()
        elif slot.stage == "pausing" and state == PlayerState.PAUSED:
            # Once the pause has settled, a precise seek puts the exact first frame up.
            self._later(slot, PAUSE_SETTLE_MS + 30, lambda: self._seek_and_wait(slot))
        elif slot.stage == "opening" and state == PlayerState.ENDED:
            self._on_error(slot, "the branch starts after the end of its media")

    def _seek_and_wait(self, slot: _Slot) -> None:
        slot.stage = "seeking"
        slot.player.seek(slot.start)
        self._later(slot, READY_AFTER_SEEK_MS, lambda: self._mark_ready(slot))

    def _mark_ready(self, slot: _Slot) -> None:
        if slot.stage != "seeking" or slot.player.state() != PlayerState.PAUSED:
            return
        slot.stage = "ready"
        key = slot.key
        log.debug("ready: %r (slot %d)", key, self._slots.index(slot))
        self.prepared.emit(key)
        if self._waiting_for is not None and self._waiting_for == key:
            self.switch(key, still=self._waiting_still)

    def _on_error(self, slot: _Slot, text: str) -> None:
        if slot is self._current:
            return  # the player's own error signal reaches whoever shows it
        key, slot.key, slot.stage = slot.key, None, "failed"
        self._stop_timers(slot)
        if key is not None:
            self.prepare_failed.emit(key, text)

    def _later(self, slot: _Slot, ms: int, action: object) -> None:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(action)
        timer.start(ms)
        slot.timers.append(timer)

    def _stop_timers(self, slot: _Slot) -> None:
        for timer in slot.timers:
            timer.stop()
            timer.deleteLater()
        slot.timers.clear()

    def _apply_audio(self, player: Player) -> None:
        player.set_volume(self._volume)
        player.set_muted(self._muted)

    def resizeEvent(self, event: QResizeEvent) -> None:
        for slot in self._slots:
            slot.view.setGeometry(self.rect())
        super().resizeEvent(event)
