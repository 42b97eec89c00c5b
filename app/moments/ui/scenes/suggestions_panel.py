"""Suggested moments of the open file, at the top of My Moments: shot-aligned ranges ranked
by loudness, activity, dialogue and the viewer's own rewatches, each with its reasons, each
opened in the editor with one click. Above them, the scene analysis's status line.

The ranking is ``media/analysis.suggestions_for`` — the function ``moments suggest`` calls —
run in a worker on the analysis's signals and the viewing history as counted so far.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from moments.core.scene.facts import SceneFacts
from moments.core.scene.suggestions import RewatchHistogram, Suggestion
from moments.core.timefmt import format_time
from moments.media.analysis import suggestions_for
from moments.ui.common import Task, TaskRunner

SuggestionRole = Qt.ItemDataRole.UserRole + 2
REFRESH_MS = 500
"""Recompute at most this often (a rewatch saved, the analysis done)."""


class SuggestionsPanel(QWidget):
    """The status of the scene analysis and the suggested moments of the open file."""

    open_requested = Signal(str, object)
    """The source and the ``Suggestion`` to open in the editor."""
    shown = Signal(list)
    """The suggestions now listed (after each refresh)."""

    def __init__(
        self,
        tasks: TaskRunner,
        rewatches: Callable[[str], RewatchHistogram | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("suggestionsPanel")
        self._tasks = tasks
        self._rewatches = rewatches
        self._location: str | None = None
        self._facts: SceneFacts | None = None
        self._task: Task | None = None
        self._again = False
        self._closed = False
        self._suggestions: list[Suggestion] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        title = QLabel("<b>Suggested moments</b>")
        self.status = QLabel("")
        self.status.setObjectName("sceneStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Scene analysis")
        self.list = QListWidget()
        self.list.setObjectName("suggestionsList")
        self.list.setAccessibleName("Suggested moments")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(170)
        self.list.setToolTip("Click a suggestion to open it in the editor")
        self.list.itemClicked.connect(self._on_clicked)
        self.list.itemActivated.connect(self._on_clicked)
        layout.addWidget(title)
        layout.addWidget(self.status)
        layout.addWidget(self.list)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._compute)
        self._show([])

    def suggestions(self) -> list[Suggestion]:
        return list(self._suggestions)

    def set_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def set_location(self, location: str | None) -> None:
        if location != self._location:
            self._location, self._facts = location, None
            self._show([])

    def set_facts(self, location: str, facts: SceneFacts) -> None:
        """The analysis moved on; suggestions come once it has the whole file."""
        if location != self._location:
            return
        self._facts = facts
        if facts.complete:
            self.refresh()

    def refresh(self) -> None:
        """Rank again (soon, in a worker): the rewatches or the analysis changed."""
        if not self._closed and self._facts is not None and self._facts.complete:
            self._timer.start()

    def shutdown(self) -> None:
        """The window closes: nothing more is started (a ranking begun after the window's
        tasks were waited for would still run while its thread pool is destroyed)."""
        self._closed = True
        self._timer.stop()
        self._again = False

    def _compute(self) -> None:
        if self._closed:
            return
        if self._task is not None:
            self._again = True
            return
        location, facts = self._location, self._facts
        if location is None or facts is None:
            return
        rewatches = self._rewatches(location)
        self._task = self._tasks.run(
            lambda _ctx: suggestions_for(location, facts.signals, rewatches=rewatches),
            name="suggest moments",
            context=self,
            on_success=lambda found: self._on_found(location, found),
            on_error=lambda error: self.set_status(f"No suggestions: {error}"),
            on_finished=self._on_finished,
        )

    def _on_finished(self) -> None:
        self._task = None
        if self._again:
            self._again = False
            self._compute()

    def _on_found(self, location: str, found: list[Suggestion]) -> None:
        if location == self._location:
            self._show(found)

    def _show(self, found: list[Suggestion]) -> None:
        self._suggestions = list(found)
        self.list.clear()
        for item in found:
            span = f"{format_time(item.start)}–{format_time(item.end)}"
            row = QListWidgetItem(
                f"{span}  ({item.end - item.start:.0f} s)\n{', '.join(item.reasons)}"
            )
            row.setData(SuggestionRole, item)
            row.setToolTip(f"Open {span} in the editor — {', '.join(item.reasons)}")
            self.list.addItem(row)
        self.list.setVisible(bool(found))
        self.shown.emit(list(found))

    def _on_clicked(self, row: QListWidgetItem) -> None:
        item = row.data(SuggestionRole)
        if isinstance(item, Suggestion) and self._location is not None:
            self.open_requested.emit(self._location, item)
