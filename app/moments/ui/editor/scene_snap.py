"""The editor's side of scene snapping: a Moment pressed before its scene was analysed opens
with the clock's ends inside a wider clip, and when the analysis arrives its ends move to
the scene — one undo step, with a note saying what moved and why.

``EditorScene`` is what the editor offers the Moments feature: the marks for the filmstrip
and the snap's arrival. ``SceneSnapNote`` is the note (a line above the trim row, final in
every case: moved, kept because the user had already trimmed, or not found and why).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from moments.core.scene.facts import SceneMark
from moments.core.scene.snapping import Snap
from moments.ui.editor.filmstrip_strip import FilmstripStrip
from moments.ui.editor.model import EditorModel

NOTE_MS = 30_000
"""The note goes after this long (it stays while its undo step is the last one)."""

_START = {
    "cut": "starts on a shot change",
    "sentence": "starts where a line starts",
    "pause": "starts in a pause",
    "clock": "keeps its start",
}
_END = {
    "cut": "ends on a shot change",
    "sentence": "ends where a line ends",
    "pause": "ends in a pause",
    "clock": "keeps its end",
}


def describe(snap: Snap) -> str:
    """``"starts on a shot change and ends where a line ends"``."""
    start = _START.get(snap.start_why, "keeps its start")
    return f"{start} and {_END.get(snap.end_why, 'keeps its end')}"


class SceneSnapNote(QLabel):
    """A quiet line above the trim row about the scene's ends."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sceneNote")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(
            "QLabel#sceneNote { color: palette(window-text); padding: 2px 6px;"
            " background: rgba(79, 195, 247, 40); border-radius: 3px; }"
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(NOTE_MS)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def say(self, text: str, *, lasting: bool = False) -> None:
        self.setText(text)
        self.show()
        if lasting:
            self._timer.stop()
        else:
            self._timer.start()


def apply_snap(model: EditorModel, snap: Snap, clock: tuple[float, float] | None) -> str:
    """Move the trim to ``snap`` as one undo step, unless the user has already moved it away
    from ``clock`` (the ends the editor opened with). Returns the note to show."""
    start, end = model.edits.trim(model.moment)
    if clock is not None and (abs(start - clock[0]) > 1e-3 or abs(end - clock[1]) > 1e-3):
        return (
            f"The scene was found (it {describe(snap)}), but you had already moved the "
            "ends: yours are kept."
        )
    if abs(start - snap.start) < 1e-3 and abs(end - snap.end) < 1e-3:
        return ""
    model.end_merge()
    model.apply(replace(model.edits, trim_start=snap.start, trim_end=snap.end), "Snap to the scene")
    model.end_merge()
    model.moment = model.moment.with_why(snap.start_why, snap.end_why)
    return f"The scene was found: the clip now {describe(snap)}. Undo puts the ends back."


class EditorScene:
    """The scene knowledge an editor shows: marks on its filmstrip, and a pending snap."""

    def __init__(self, model: EditorModel, strip: FilmstripStrip, note: SceneSnapNote) -> None:
        self._model, self._strip, self.note = model, strip, note
        self._clock: tuple[float, float] | None = None
        self.waiting = False

    def set_marks(self, marks: Sequence[SceneMark]) -> None:
        """Shot changes and line ends of the source (those in the moment are drawn)."""
        start, end = self._strip.range()
        self._strip.set_marks(
            [m for m in marks if start <= m.time <= end or start <= m.end_time <= end]
        )

    def wait_for_snap(self) -> None:
        """The press came before its scene was analysed: say the ends will move."""
        self.waiting = True
        self._clock = self._model.edits.trim(self._model.moment)
        self.note.say(
            "Finding this scene's shot changes and line ends… the ends will move "
            "to them when they are found.",
            lasting=True,
        )

    def snap_found(self, snap: Snap) -> None:
        """The analysis arrived: the ends move (one undo step) unless the user moved them."""
        self.waiting = False
        text = apply_snap(self._model, snap, self._clock)
        if text:
            self.note.say(text)
        else:
            self.note.hide()

    def snap_failed(self, reason: str) -> None:
        self.waiting = False
        self.note.say(
            f"Couldn't find this scene's shot changes ({reason}): the clock's ends are kept."
        )
