"""The private viewing history, kept while the player plays: what was watched, watched again,
paused on and kept, per file, in the library (``core/viewing.py``) — and the curve it draws
over the seek bar.

The history of the open file is read in a worker when it opens, counted on the GUI thread
as the playhead moves (cheap: a few bins a second), and written back in a worker every
``SAVE_EVERY_MS`` and when another file opens; when the window closes, at once. Nothing is recorded
while the ``remember_viewing`` preference is off, and ``forget()`` removes every file's
history. It stays in the library on this machine: nothing here is exported or sent.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from moments.core.errors import CancelledError
from moments.core.library import Library
from moments.core.settings import Preferences
from moments.core.source import looks_live
from moments.core.viewing import ViewingRecord, ViewingTracker
from moments.ui.common import TaskRunner
from moments.ui.player import Player, PlayerState

log = logging.getLogger(__name__)

SAVE_EVERY_MS = 15_000
HEAT_EVERY_MS = 2_000


class ViewingRecorder(QObject):
    """Counts what ``player`` plays into the library's viewing history."""

    heat_changed = Signal(object)
    """The seek bar's curve for the open file (``HEAT_BINS`` values 0–1), or None."""
    saved = Signal(str)
    """A file's history was written (its location)."""
    forgotten = Signal()

    def __init__(
        self,
        player: Player,
        library: Library,
        tasks: TaskRunner,
        prefs: Preferences,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._player = player
        self._library = library
        self._tasks = tasks
        self._prefs = prefs
        self._tracker: ViewingTracker | None = None
        self._location: str | None = None
        self._pending_kept: list[tuple[str, float, float]] = []
        self._heat: list[float] | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(SAVE_EVERY_MS)
        self._save_timer.timeout.connect(self.save)
        self._heat_timer = QTimer(self)
        self._heat_timer.setSingleShot(True)
        self._heat_timer.setInterval(HEAT_EVERY_MS)
        self._heat_timer.timeout.connect(self._update_heat)
        player.media_changed.connect(self._on_media_changed)
        player.duration_changed.connect(self._on_duration)
        player.position_changed.connect(self._on_position)
        player.state_changed.connect(self._on_state)

    @property
    def enabled(self) -> bool:
        return self._prefs.remember_viewing

    def heat(self) -> list[float] | None:
        return self._heat if self.enabled else None

    def record(self) -> ViewingRecord | None:
        """The open file's history as counted so far (a copy), or None."""
        return copy.deepcopy(self._tracker.record) if self._tracker is not None else None

    def kept(self, source: str, start: float, end: float) -> None:
        """A Moment of ``source`` was kept over ``[start, end)``."""
        if not self.enabled:
            return
        tracker = self._tracker
        if tracker is not None and tracker.record.source == source:
            tracker.on_kept(start, end)
            self._heat_timer.start()
            self.save()
        else:
            self._pending_kept.append((source, start, end))

    def preferences_changed(self) -> None:
        """``remember_viewing`` may have changed: stop, or start with the open file."""
        if not self.enabled:
            self._tracker = None
            self._save_timer.stop()
        elif self._tracker is None and self._location is not None:
            self._load(self._location, self._player.duration())
        self._set_heat(self._heat)

    def forget(self, on_done: Callable[[], object] | None = None) -> None:
        """Forget every file's viewing history (and what was counted of the open one)."""
        self._pending_kept.clear()
        tracker = self._tracker
        if tracker is not None:
            self._tracker = ViewingTracker(
                ViewingRecord.new(tracker.record.source, tracker.record.duration)
            )
        self._set_heat(None)

        def done(_result: object) -> None:
            self.forgotten.emit()
            if on_done is not None:
                on_done()

        self._tasks.run(
            lambda _ctx: self._library.forget_viewing(), name="forget viewing", on_success=done
        )

    def save(self, *, cancellable: bool = True) -> None:
        """Write the open file's history (in a worker) when it changed."""
        tracker = self._tracker
        if tracker is None or not tracker.changed or not self.enabled:
            return
        tracker.changed = False
        record = copy.deepcopy(tracker.record)
        self._tasks.run(
            lambda _ctx: self._library.write_viewing(record),
            name="save viewing",
            on_success=lambda _: self.saved.emit(record.source),
            on_error=_log_failure,
            cancellable=cancellable,
        )

    def shutdown(self) -> None:
        """The window closes: the last counts are written by a task that closing does not
        cancel (the window waits for it); nothing is counted after."""
        self._save_timer.stop()
        self._heat_timer.stop()
        self.save(cancellable=False)
        self._tracker = None  # nothing is counted or saved after
        self._location = None

    # -- player --------------------------------------------------------------------------------
    def _on_media_changed(self, location: str) -> None:
        self.save()
        self._tracker = None
        self._location = location
        self._set_heat(None)

    def _on_duration(self, seconds: float) -> None:
        location = self._location
        if location is None or seconds <= 0 or looks_live(location) or not self.enabled:
            return
        tracker = self._tracker
        if tracker is not None and tracker.record.source == location:
            return
        self._load(location, seconds)

    def _load(self, location: str, duration: float) -> None:
        if duration <= 0:
            return

        def read(_ctx: object) -> ViewingRecord:
            stored = self._library.read_viewing(location)
            if stored is not None and abs(stored.duration - duration) < 1.0:
                return stored
            return ViewingRecord.new(location, duration)

        self._tasks.run(
            read,
            name="read viewing",
            on_success=self._on_loaded,
            on_error=lambda error: log.info("no viewing history: %s", error),
        )

    def _on_loaded(self, record: ViewingRecord) -> None:
        if record.source != self._location or not self.enabled:
            return
        tracker = ViewingTracker(record)
        for _source, start, end in [k for k in self._pending_kept if k[0] == record.source]:
            tracker.on_kept(start, end)
        self._pending_kept = [k for k in self._pending_kept if k[0] != record.source]
        self._tracker = tracker
        self._save_timer.start()
        self._update_heat()

    def _on_position(self, seconds: float) -> None:
        tracker = self._tracker
        if tracker is None:
            return
        if self._player.state() == PlayerState.PLAYING:
            tracker.on_position(seconds)
            if tracker.changed and not self._heat_timer.isActive():
                self._heat_timer.start()
        else:
            tracker.break_viewing()

    def _on_state(self, state: PlayerState) -> None:
        tracker = self._tracker
        if tracker is None:
            return
        if state == PlayerState.PAUSED:
            duration = self._player.duration()
            t = self._player.playhead()
            if duration <= 0 or t < duration - 1.0:
                tracker.on_pause(t)
                self._heat_timer.start()
        elif state in (PlayerState.STOPPED, PlayerState.ENDED):
            tracker.break_viewing()
            self.save()

    def _update_heat(self) -> None:
        tracker = self._tracker
        self._set_heat(tracker.record.heat() if tracker is not None else None)

    def _set_heat(self, heat: list[float] | None) -> None:
        self._heat = heat
        self.heat_changed.emit(self.heat())


def _log_failure(error: BaseException) -> None:
    if not isinstance(error, CancelledError):
        log.warning("viewing history not saved: %s", error)
