"""Scene analysis in the window: the open file is analysed in the background while it plays.

When a file opens, ``media/analysis.analyse`` runs in a worker (the one task door), at the
lowest CPU priority: the window around the playhead first, then the rest in one-minute
stretches from there on, so the analysis stays ahead of playback and a press 20 s in already
has its cuts. Each stretch reaches the GUI as new ``SceneFacts`` (``facts_changed``).

- A jump far from what is analysed (a seek, a chapter) restarts it around the new playhead.
- ``urgent(t)``: a press that found nothing analysed around it has its window analysed
  first, without pausing for the editor that waits for it, and at normal priority: the
  idle scheduling class gets no time at all on a busy machine (seen: 3 s of CPU in 90 s
  with the load at 17), and the user is waiting for these ~40 s of small frames.
- ``hold(reason)`` / ``release(reason)``: while the GUI needs the decoder (an editor open:
  its preview, its exports; a capture) the background analysis is stopped where it is.
- ``status`` always ends in a final state: "Scenes ready", "Couldn't analyse: …".

The analysis saves what it did on cancel (the sidecar cache), so a restart, a close or the
next open goes on where it stopped.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from moments.core.cancel import PauseGate
from moments.core.errors import CancelledError, MomentsError
from moments.core.scene.facts import SceneFacts
from moments.core.scene.snapping import PAD_AFTER, PAD_BEFORE
from moments.core.source import is_url, looks_live
from moments.media.analysis import AnalysisCache, AnalysisProgress, analyse, subtitle_cues
from moments.ui.common import Task, TaskContext, TaskRunner
from moments.ui.player import Player

log = logging.getLogger(__name__)

CHUNK_S = 60.0
"""The stretches after the first window: short enough that results keep coming ahead of the
playhead, long enough that ffmpeg's start and 3 s lead-in cost little (~6 %)."""
URGENT_WINDOW = (PAD_BEFORE + 6.0, PAD_AFTER + 8.0)
"""What a press waiting for its snap needs analysed around it (edges a little wider: a shot
change near the edge of what is analysed waits for the frames after it)."""
FIRST_WINDOW = (40.0, PAD_AFTER + 35.0)
"""Before and after the playhead, analysed first: a press in the next ~35 s of playback
finds its scene (the press needs ``PAD_BEFORE`` before and ``PAD_AFTER`` after it)."""
JUMP_S = 3.0
SEEK_SETTLE_MS = 400
"""A jump restarts the analysis once the playhead has stayed put this long (scrubbing)."""
PROGRESS_EVERY_S = 0.25


@dataclass(frozen=True)
class _Request:
    location: str
    focus: float
    urgent: bool


class SceneAnalysis(QObject):
    """Analyses what ``player`` plays. Facts and status arrive on the GUI thread."""

    facts_changed = Signal(str, object)
    """The location and its new ``SceneFacts``."""
    status_changed = Signal(str)
    failed = Signal(str, str)
    """The location and the reason (the analysis will not go on)."""

    def __init__(
        self,
        player: Player,
        tasks: TaskRunner,
        parent: QObject | None = None,
        *,
        cache: AnalysisCache | None = None,
    ) -> None:
        super().__init__(parent)
        self._player = player
        self._tasks = tasks
        self._cache = cache
        self._gate = PauseGate()
        self._holds: set[str] = set()
        self._location: str | None = None
        self._facts: dict[str, SceneFacts] = {}
        self._job: Task | None = None
        self._running: _Request | None = None
        self._next: _Request | None = None
        self._status = ""
        self._fraction = 0.0
        self._failure: str | None = None
        self._last_position: float | None = None
        self._closed = False
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SEEK_SETTLE_MS)
        self._settle.timeout.connect(self._after_jump)
        player.media_changed.connect(self._on_media_changed)
        player.position_changed.connect(self._on_position)

    # -- what the others ask -------------------------------------------------------------------
    @property
    def location(self) -> str | None:
        return self._location

    def facts(self, location: str | None = None) -> SceneFacts | None:
        """The facts known of ``location`` (the open file by default), or None."""
        return self._facts.get(location or self._location or "")

    @property
    def status(self) -> str:
        return self._status

    @property
    def paused(self) -> bool:
        return self._gate.paused

    def is_running(self) -> bool:
        return self._job is not None

    def failure(self) -> str | None:
        """Why the open file could not be analysed (None: it can be, or it is)."""
        return self._failure

    def urgent(self, location: str, t: float) -> None:
        """Analyse around ``t`` now, even while the GUI holds the decoder (a press waits)."""
        if location != self._location or self._closed or self._failure is not None:
            return
        facts = self._facts.get(location)
        if facts is not None and facts.ready_for(t):
            return
        self._request(_Request(location, t, urgent=True))

    def hold(self, reason: str) -> None:
        """The GUI needs the decoder: the background analysis stops where it is."""
        self._holds.add(reason)
        self._gate.pause()
        self._show_status()

    def release(self, reason: str) -> None:
        self._holds.discard(reason)
        if not self._holds:
            self._gate.resume()
        self._show_status()

    def shutdown(self) -> None:
        """Stop for good (the window closes): the running job is cancelled and saves."""
        self._closed = True
        self._next = None
        self._settle.stop()
        self._gate.resume()
        if self._job is not None:
            self._job.cancel()

    # -- player --------------------------------------------------------------------------------
    def _on_media_changed(self, location: str) -> None:
        self._location = location
        self._failure = None
        self._last_position = None
        self._next = None
        if self._job is not None:
            self._job.cancel()
        if looks_live(location):
            self._set_status("")  # the live follower says what it does
            return
        if is_url(location):
            self._fail(location, "only files and recorded streams are analysed")
            return
        if not Path(location).is_file():
            return  # the player says it is missing
        self._request(_Request(location, self._player.playhead(), urgent=False))

    def _on_position(self, seconds: float) -> None:
        last, self._last_position = self._last_position, seconds
        if last is not None and abs(seconds - last) > JUMP_S:
            self._settle.start()

    def _after_jump(self) -> None:
        location = self._location
        if location is None or self._closed or self._failure is not None:
            return
        t = self._player.playhead()
        facts = self._facts.get(location)
        if facts is not None and (facts.complete or facts.ready_for(t)):
            return
        running = self._running
        if running is not None and running.urgent:
            self._next = _Request(location, t, urgent=False)
            return
        log.info("analysis of %s moves to %.1f s (a jump)", location, t)
        self._request(_Request(location, t, urgent=False))

    # -- jobs ----------------------------------------------------------------------------------
    def _request(self, request: _Request) -> None:
        if self._job is not None:
            self._next = request
            self._job.cancel()
            return
        self._start(request)

    def _start(self, request: _Request) -> None:
        if self._closed or request.location != self._location:
            return
        facts = self._facts.get(request.location) or SceneFacts.empty()
        if facts.complete:
            self._set_status("Scenes ready")
            return
        self._running = request
        self._fraction = facts.signals.fraction_done()
        self._show_status()
        self._job = self._tasks.run(
            lambda ctx: self._work(ctx, request, facts),
            name="scene analysis" + (" (urgent)" if request.urgent else ""),
            on_progress=lambda item: self._on_progress(request, item),
            on_success=lambda facts: self._on_done(request, facts),
            on_error=lambda error: self._on_error(request, error),
            on_finished=self._on_finished,
        )

    def _work(self, ctx: TaskContext, request: _Request, facts: SceneFacts) -> SceneFacts:
        """In the worker: analyse, turning each stretch into facts for the GUI."""
        location = request.location
        latest = facts if facts.cues else facts.with_cues(subtitle_cues(location))
        reported = 0.0

        def progress(item: AnalysisProgress) -> None:
            nonlocal latest, reported
            if item.signals is not None:
                latest = latest.with_signals(item.signals)
                if item.phase == "done" and not latest.cues:
                    latest = latest.with_cues(subtitle_cues(location, item.signals))
                ctx.progress(latest)
            elif time.monotonic() - reported > PROGRESS_EVERY_S:
                reported = time.monotonic()
                ctx.progress(item.fraction)

        signals = analyse(
            location,
            focus=request.focus,
            window=URGENT_WINDOW if request.urgent else FIRST_WINDOW,
            only_window=request.urgent,
            cache=self._cache if self._cache is not None else True,
            progress=progress,
            cancel=ctx.cancel,
            pause=None if request.urgent else self._gate,
            idle=not request.urgent,
            chunk_s=CHUNK_S,
        )
        latest = latest.with_signals(signals)
        if signals.complete and not latest.cues:
            latest = latest.with_cues(subtitle_cues(location, signals))
        return latest

    def _on_progress(self, request: _Request, item: object) -> None:
        if isinstance(item, SceneFacts):
            self._accept(request.location, item)
        elif isinstance(item, float):
            self._fraction = item
            self._show_status()

    def _on_done(self, request: _Request, facts: SceneFacts) -> None:
        self._accept(request.location, facts)
        if request.urgent and self._next is None and request.location == self._location:
            self._next = _Request(request.location, self._player.playhead(), urgent=False)

    def _on_error(self, request: _Request, error: BaseException) -> None:
        if isinstance(error, CancelledError):
            return
        reason = str(error) if isinstance(error, MomentsError) else repr(error)
        log.warning("scene analysis of %s failed: %s", request.location, reason)
        self._fail(request.location, reason)

    def _on_finished(self) -> None:
        self._job, self._running = None, None
        request, self._next = self._next, None
        if request is not None and self._failure is None:
            self._start(request)
        else:
            self._show_status()

    def _accept(self, location: str, facts: SceneFacts) -> None:
        self._facts[location] = facts
        if location == self._location:
            self._fraction = facts.signals.fraction_done()
            self._show_status()
        self.facts_changed.emit(location, facts)

    def _fail(self, location: str, reason: str) -> None:
        if location != self._location:
            return
        self._failure = reason.rstrip(".")
        self._next = None
        self._set_status(f"Couldn't analyse the scenes: {self._failure}")
        self.failed.emit(location, self._failure)

    # -- status --------------------------------------------------------------------------------
    def _show_status(self) -> None:
        location = self._location
        if location is None or self._failure is not None or looks_live(location):
            return
        facts = self._facts.get(location)
        if facts is not None and facts.complete:
            self._set_status("Scenes ready")
        elif self._job is None and self._next is None:
            self._set_status("Scenes: analysis stopped" if self._closed else "")
        elif self._gate.paused and not (self._running and self._running.urgent):
            self._set_status(f"Finding scenes… {self._fraction:.0%} (paused while you edit)")
        else:
            self._set_status(f"Finding scenes… {self._fraction:.0%}")

    def _set_status(self, text: str) -> None:
        if text != self._status:
            self._status = text
            self.status_changed.emit(text)
