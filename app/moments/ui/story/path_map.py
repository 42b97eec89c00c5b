"""The path map: the story drawn as a graph (``core/story/svg``: what you saw solid, the rest
faded), with the chapters' scenes seen and the endings found beside it. The drawing is made
in a worker (a large story's layout takes a moment) and shown with QtSvg."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSize, Qt, QTimer
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from moments.core.story import Story, StoryProgress
from moments.core.story.layout import NodeBox, layout
from moments.core.story.model import EndingKind
from moments.core.story.pathmap import PathMap, path_map
from moments.core.story.svg import story_svg
from moments.ui.common import TaskRunner

MAX_SHOWN = QSize(1100, 640)


class PathMapDialog(QDialog):
    def __init__(
        self, story: Story, progress: StoryProgress, tasks: TaskRunner, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pathMap")
        self.setWindowTitle(f"Path map — {story.display_title}")
        marks = path_map(story, progress)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.summary = QLabel(summary_html(marks))
        self.summary.setObjectName("pathMapSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(220)
        self.summary.setMaximumWidth(300)
        self.graph = QSvgWidget()
        self.graph.setObjectName("pathMapGraph")
        self.status = QLabel("Drawing the map…")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area = QScrollArea()
        self.area.setWidget(self.status)
        self.area.setWidgetResizable(True)
        self.area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.area.setMinimumSize(480, 320)
        row.addWidget(self.summary)
        row.addWidget(self.area, 1)
        layout.addLayout(row, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        snapshot = StoryProgress.from_json(progress.to_json())
        self.drawn = False
        self.here: QRect | None = None
        """Where the viewer is on the map, as shown (kept in view)."""
        tasks.run(
            lambda _ctx: _drawing(story, snapshot),
            name="path map",
            on_success=lambda drawn: self._on_drawn(*drawn),
            on_error=lambda exc: self.status.setText(f"The map could not be drawn: {exc}"),
        )

    def _on_drawn(self, svg: str, here: NodeBox | None) -> None:
        self.graph.load(QByteArray(svg.encode("utf-8")))
        size = self.graph.renderer().defaultSize()
        most = QSize(MAX_SHOWN)
        screen = self.screen()
        if screen is not None:  # the dialog, the summary beside the map, stays on screen
            room = screen.availableGeometry().size() - QSize(self.summary.minimumWidth() + 80, 140)
            most = most.boundedTo(room.expandedTo(QSize(480, 320)))
        fitted = size.scaled(most, Qt.AspectRatioMode.KeepAspectRatio)
        # Small maps are shown whole; a large one keeps its size and scrolls.
        shown = fitted if fitted.width() >= size.width() * 0.6 else size
        self.graph.setFixedSize(shown)
        self.area.setWidgetResizable(False)
        self.area.setWidget(self.graph)
        self.area.setMinimumSize(
            min(shown.width() + 4, most.width()), min(shown.height() + 4, most.height())
        )
        self.drawn = True
        self.adjustSize()
        if here is not None:  # a map wider than the dialog scrolls to where the viewer is
            scale = shown.width() / max(1, size.width())
            self.here = QRect(
                round(here.x * scale), round(here.y * scale), round(here.w * scale),
                round(here.h * scale),
            )  # fmt: skip
            QTimer.singleShot(0, self._show_here)  # once the area has its final size

    def _show_here(self) -> None:
        if self.here is not None:
            centre, box = self.here.center(), self.here
            self.area.ensureVisible(centre.x(), centre.y(), box.width(), box.height())


def _drawing(story: Story, progress: StoryProgress) -> tuple[str, NodeBox | None]:
    """In a worker: the map's SVG and the box of the segment the viewer is at."""
    plan = layout(story)
    segment = (progress.session or {}).get("segment")
    return story_svg(story, progress, plan), plan.nodes.get(str(segment))


def summary_html(marks: PathMap) -> str:
    """Scenes seen per chapter, endings found (the titles of those not found stay hidden)."""
    lines = [f"<p><b>Scenes seen: {marks.seen} of {marks.total}</b></p><p>"]
    for chapter in marks.chapters:
        lines.append(f"{_html(chapter.title)}: {chapter.seen} of {len(chapter.segments)}<br>")
    lines.append("</p>")
    credits = [e for e in marks.endings if e.kind is EndingKind.CREDITS]
    found = [e for e in credits if e.found]
    lines.append(f"<p><b>Endings found: {len(found)} of {len(credits)}</b><br>")
    for ending in found:
        lines.append(f"✓ {_html(ending.title)}<br>")
    hidden = len(credits) - len(found)
    if hidden:
        lines.append(f"{hidden} still to find<br>" if hidden > 1 else "1 still to find<br>")
    lines.append("</p>")
    if marks.plays:
        lines.append(f"<p>Played {marks.plays} time{'s' * (marks.plays != 1)}</p>")
    return "".join(lines)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
