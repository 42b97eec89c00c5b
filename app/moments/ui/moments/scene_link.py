"""Scene intelligence wired into the Moments button, the editor and My Moments.

- **At the press** (``shape``): when the analysis knows the scene around the playhead, the
  moment is cut at the snapped ends (``SceneFacts.snap``: a shot change at the start, a line's
  end at the end, why each). When it does not yet, the raw clip is padded to the widest
  range a snap may need (``PAD_BEFORE``/``PAD_AFTER``), the trim keeps the clock's ends, and
  the analysis of that window goes first; when it arrives the ends move (in the editor: one
  undo step and a note; else in the library).
- **The editor** gets the shot changes and line ends for its filmstrip, and the background
  analysis stops while its preview plays or a capture cuts.
- **My Moments** shows the analysis's status and the suggested moments; a suggestion is kept
  like a press and opened in the editor.
- **The seek bar** shows the viewing history's curve; Moments ▸ Forget Viewing History.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import Shiboken

from moments.core.edits import MomentEdits
from moments.core.library import Library
from moments.core.moment import Moment, SourceRange
from moments.core.scene.facts import SceneFacts
from moments.core.scene.snapping import PAD_AFTER, PAD_BEFORE, WHY_CUT, Snap
from moments.core.scene.suggestions import RewatchHistogram, Suggestion
from moments.core.settings import Preferences
from moments.ui.common import TaskRunner
from moments.ui.editor import EditorWindow
from moments.ui.moments.capture import Capture, CaptureController
from moments.ui.player import Player
from moments.ui.scenes import SceneAnalysis, SuggestionsPanel, ViewingRecorder

if TYPE_CHECKING:
    from moments.ui.player.seek_slider import SeekSlider

log = logging.getLogger(__name__)

SNAP_WAIT_MS = 180_000
"""A press waits this long at most for its scene; then the clock's ends stay, and it says so."""


@dataclass
class _Pending:
    """A press kept padded, waiting for its scene."""

    job: Capture
    press: float
    clock: tuple[float, float]
    snap: Snap | None = None
    done: bool = False
    editor: EditorWindow | None = field(default=None, repr=False)


class SceneLink(QObject):
    """Owns the analysis, the viewing history and the suggestions for one main window."""

    def __init__(
        self,
        player: Player,
        library: Library,
        tasks: TaskRunner,
        prefs: Preferences,
        controller: CaptureController,
        sliders: list[SeekSlider],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._player, self._library, self._tasks, self._prefs = player, library, tasks, prefs
        self.analysis = SceneAnalysis(player, tasks, self)
        self.viewing = ViewingRecorder(player, library, tasks, prefs, self)
        self.suggestions = SuggestionsPanel(tasks, self._rewatches)
        self._sliders = sliders
        self._waiting: dict[int, tuple[float, tuple[float, float]]] = {}
        """id(padded Moment) → press, clock: shaped at the press, before its job exists."""
        self._pending: list[_Pending] = []
        self._editors: list[EditorWindow] = []
        self.forget_action = QAction("&Forget Viewing History…", self)
        self.forget_action.setObjectName("forgetViewing")
        self.forget_action.setToolTip(
            "Forget what you watched again, paused on and kept, for "
            "every file (it never leaves this computer)"
        )
        self.forget_action.triggered.connect(self.ask_forget)
        controller.shape = self.shape
        controller.saved.connect(self._on_saved)
        controller.failed.connect(lambda job, _error: self._drop(job))
        controller.removed.connect(self._drop)
        self.analysis.facts_changed.connect(self._on_facts)
        self.analysis.status_changed.connect(self.suggestions.set_status)
        self.analysis.failed.connect(self._on_failed)
        self.viewing.heat_changed.connect(self._on_heat)
        self.viewing.heat_changed.connect(lambda _heat: self.suggestions.refresh())
        player.media_changed.connect(self._on_media_changed)

    # -- the press -----------------------------------------------------------------------------
    def shape(self, moment: Moment) -> Moment:
        """The moment to keep for a press (``CaptureController.shape``): its raw range padded
        to what any snap may need (room to move the ends in the editor too), its trim at the
        scene's ends — or at the clock's, until the analysis reaches the press."""
        if not self._prefs.snap_moments or moment.is_live or len(moment.ranges) != 1:
            return moment
        if moment.source != self.analysis.location or self.analysis.failure() is not None:
            return moment  # nothing will be found: the clock's window, as before
        press, clock = moment.press_time, (moment.start, moment.end)
        duration = self._player.duration() or None
        end = press + PAD_AFTER if duration is None else min(duration, press + PAD_AFTER)
        start = max(0.0, press - PAD_BEFORE)
        padded = SourceRange(moment.source, min(clock[0], start), max(clock[1], end))
        facts = self.analysis.facts(moment.source)
        snap = facts.snap(press, clock) if facts is not None else None
        ends = (snap.start, snap.end) if snap is not None else clock
        trim = MomentEdits(trim_start=ends[0], trim_end=ends[1]).to_json()
        shaped = moment.with_ranges([padded]).with_edits(trim)
        if snap is not None:
            log.info("press at %.3f snapped: %s", press, snap)
            return shaped.with_why(snap.start_why, snap.end_why)
        self._waiting[id(shaped)] = (press, clock)
        self.analysis.urgent(moment.source, press)
        log.info("press at %.3f before its scene was analysed: kept %s, waiting", press, padded)
        return shaped

    def pressed(self, job: Capture, editor: EditorWindow | None) -> None:
        """A moment is being kept (``editor``: the one opened on it at the press)."""
        self.analysis.hold(f"capture {id(job)}")
        if editor is not None:
            self.editor_opened(editor)
        waiting = self._waiting.pop(id(job.moment), None)
        self._waiting.clear()
        if waiting is None:
            return
        pending = _Pending(job, *waiting, editor=editor)
        self._pending.append(pending)
        if editor is not None:
            editor.scene.wait_for_snap()
        QTimer.singleShot(SNAP_WAIT_MS, self, lambda: self._give_up(pending, "it takes too long"))
        facts = self.analysis.facts(job.moment.source)
        if facts is not None:
            self._try(pending, facts)

    def _on_saved(self, job: Capture) -> None:
        self.analysis.release(f"capture {id(job)}")
        stored = job.stored
        if stored is None or stored.id is None:
            return
        start, end = MomentEdits.of(stored).trim(stored)
        self.viewing.kept(stored.source, start, end)
        for pending in [p for p in self._pending if p.job is job and p.snap is not None]:
            self._store(pending)

    def _drop(self, job: Capture) -> None:
        self.analysis.release(f"capture {id(job)}")
        self._pending = [p for p in self._pending if p.job is not job]

    def _on_facts(self, location: str, facts: SceneFacts) -> None:
        self.suggestions.set_facts(location, facts)
        for editor in self._live_editors():
            if editor.model.moment.source == location:
                editor.scene.set_marks(facts.marks(*editor.timeline.strip.range()))
        for pending in list(self._pending):
            if pending.job.moment.source == location and not pending.done:
                self._try(pending, facts)

    def _try(self, pending: _Pending, facts: SceneFacts) -> None:
        snap = facts.snap(pending.press, pending.clock)
        if snap is None:
            return
        pending.snap, pending.done = snap, True
        log.info("the scene of the press at %.3f arrived: %s", pending.press, snap)
        editor = pending.editor
        if editor is not None and Shiboken.isValid(editor):
            editor.scene.snap_found(snap)
        if pending.job.stored is not None:
            self._store(pending)

    def _store(self, pending: _Pending) -> None:
        """Record the snap in the library: why each end is there; the trim too when no
        editor holds the moment (an editor saves its own edits)."""
        stored, snap = pending.job.stored, pending.snap
        if stored is None or stored.id is None or snap is None:
            return
        self._pending = [p for p in self._pending if p is not pending]
        editor = pending.editor
        has_editor = editor is not None and Shiboken.isValid(editor) and editor.isVisible()
        trim = editor.model.edits.trim(editor.model.moment) if editor is not None else None
        if has_editor and trim != (snap.start, snap.end):
            return  # the user's own ends were kept
        moment_id, library = stored.id, self._library
        edits = MomentEdits.of(stored).replace(trim_start=snap.start, trim_end=snap.end)

        def write(_ctx: object) -> None:
            if not has_editor:
                library.save_edits(moment_id, edits.to_json())
            library.set_why(moment_id, snap.start_why, snap.end_why)

        self._tasks.run(write, name="snap kept moment")

    def _on_failed(self, location: str, reason: str) -> None:
        for pending in [p for p in self._pending if p.job.moment.source == location]:
            self._give_up(pending, reason)

    def _give_up(self, pending: _Pending, reason: str) -> None:
        if pending.done:
            return
        pending.done = True
        self._pending = [p for p in self._pending if p is not pending]
        editor = pending.editor
        if editor is not None and Shiboken.isValid(editor):
            editor.scene.snap_failed(reason)

    # -- editors -------------------------------------------------------------------------------
    def editor_opened(self, editor: EditorWindow) -> None:
        """Marks on its filmstrip; the background analysis pauses while it is open (its
        preview loops, its exports encode; a press still has its own window analysed)."""
        if editor in self._editors:
            return
        self._editors.append(editor)
        key = f"editor {id(editor)}"
        self.analysis.hold(key)
        editor.closed.connect(lambda _moment: self._editor_closed(editor, key))
        facts = self.analysis.facts(editor.model.moment.source)
        if facts is not None:
            editor.scene.set_marks(facts.marks(*editor.timeline.strip.range()))

    def _editor_closed(self, editor: EditorWindow, key: str) -> None:
        self.analysis.release(key)
        if editor in self._editors:
            self._editors.remove(editor)

    def _live_editors(self) -> list[EditorWindow]:
        self._editors = [e for e in self._editors if Shiboken.isValid(e)]
        return list(self._editors)

    # -- suggestions, heat ---------------------------------------------------------------------
    def suggested_moment(self, source: str, item: Suggestion) -> Moment:
        """A suggestion as a Moment to keep (its ends are shot changes or line ends)."""
        rng = SourceRange(source, item.start, item.end)
        moment = Moment.new(source, [rng], item.start, start_why=WHY_CUT, end_why=WHY_CUT)
        return moment.with_title(f"{moment.title} (suggested)")

    def _rewatches(self, location: str) -> RewatchHistogram | None:
        record = self.viewing.record() if self.viewing.enabled else None
        return record.replays() if record is not None and record.source == location else None

    def _on_heat(self, heat: list[float] | None) -> None:
        for slider in self._sliders:
            slider.set_heat(heat)

    def _on_media_changed(self, location: str) -> None:
        self.suggestions.set_location(location)
        for pending in [p for p in self._pending if p.job.moment.source != location]:
            self._give_up(pending, "another video was opened")

    def ask_forget(self, parent: QWidget | None = None) -> QMessageBox:
        """Ask, then forget every file's viewing history."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Forget viewing history",
            "Forget what you watched again, paused on and kept, for every file? "
            "The curve over the seek bar and the rewatches in suggestions start "
            "again from nothing.",
            parent=parent,
        )
        box.setObjectName("forgetViewingBox")
        forget = box.addButton("Forget", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: self.forget() if button is forget else None)
        box.open()
        return box

    def forget(self) -> None:
        self.viewing.forget(on_done=self.suggestions.refresh)

    def preferences_changed(self) -> None:
        self.viewing.preferences_changed()
        self.suggestions.refresh()

    def shutdown(self) -> None:
        self.suggestions.shutdown()
        self.viewing.shutdown()
        self.analysis.shutdown()
