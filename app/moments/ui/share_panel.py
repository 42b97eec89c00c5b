"""The share panel: choose one or several targets, see what each platform would refuse and
fix it in one click, pick the folder and the file name, export every rendition with one
progress view, then open, reveal, copy or drag each result.

Posting targets (accounts) plug in beside the presets (``add_account_target``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from moments.core.errors import CancelledError, MomentsError
from moments.core.framing import framed_output_size
from moments.core.presets import (
    PRESETS,
    ClipFacts,
    Fix,
    Problem,
    estimate_size,
    get_preset,
    validate,
)
from moments.core.source import display_name
from moments.media.export_graph import FolderTemplate
from moments.media.moment_export import Rendition
from moments.media.naming import DEFAULT_TEMPLATE, render_template
from moments.ui.editor_model import EditorModel
from moments.ui.rendition_row import RenditionRow
from moments.ui.share_export import run_rendition
from moments.ui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)

DEFAULT_TARGETS = ("x",)


def default_folder() -> Path:
    from platformdirs import user_videos_dir

    return Path(user_videos_dir()) / "Moments"


@dataclass
class TargetState:
    """What the user accepted for one preset in this session (compress to fit, a lower
    resolution)."""

    size_accepted: bool = False
    overrides: dict[str, object] = field(default_factory=dict)


class SharePanel(QWidget):
    exported = Signal(object)
    """An ExportResult, for each finished rendition."""

    def __init__(
        self,
        model: EditorModel,
        tasks: TaskRunner,
        *,
        display_size: tuple[int, int] = (1920, 1080),
        fps: float = 30.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sharePanel")
        self.model = model
        self.tasks = tasks
        self.library = model._library
        self._display = display_size
        self._fps = fps
        self._states: dict[str, TargetState] = {}
        self._queue: list[tuple[Rendition, RenditionRow]] = []
        self._running: Task | None = None
        self._rows: list[RenditionRow] = []
        settings = QSettings()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Make a file for"))
        self.targets = QListWidget()
        self.targets.setAccessibleName("Share targets")
        chosen = settings.value("share/targets", list(DEFAULT_TARGETS))
        chosen = chosen if isinstance(chosen, list) else [str(chosen)]
        for preset in PRESETS:
            item = QListWidgetItem(preset.name)
            item.setData(Qt.ItemDataRole.UserRole, preset.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = preset.id in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.targets.addItem(item)
        self.targets.itemChanged.connect(lambda _item: self.refresh())
        self.targets.setMaximumHeight(170)
        layout.addWidget(self.targets)
        self.problems = QWidget()
        self.problems_layout = QVBoxLayout(self.problems)
        self.problems_layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.problems)

        folder_row = QHBoxLayout()
        self.folder = QLineEdit(str(settings.value("share/folder", str(default_folder()))))
        self.folder.setAccessibleName("Destination folder")
        browse = QPushButton("Choose…")
        browse.setAccessibleName("Choose the destination folder")
        browse.clicked.connect(self._browse)
        folder_row.addWidget(QLabel("Save in"))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        layout.addLayout(folder_row)
        name_row = QHBoxLayout()
        self.template = QLineEdit(str(settings.value("share/template", DEFAULT_TEMPLATE)))
        self.template.setAccessibleName("File name template")
        self.template.setToolTip("{title}, {timecode} and {preset} are filled in")
        self.template.textChanged.connect(lambda _t: self.refresh())
        self.name_preview = QLabel()
        self.name_preview.setObjectName("namePreview")
        name_row.addWidget(QLabel("Name"))
        name_row.addWidget(self.template, 1)
        layout.addLayout(name_row)
        layout.addWidget(self.name_preview)

        buttons = QHBoxLayout()
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("exportButton")
        self.export_button.setAccessibleName("Export the chosen targets")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export_checked)
        self.cancel_button = QPushButton("Cancel all")
        self.cancel_button.setAccessibleName("Cancel all exports")
        self.cancel_button.clicked.connect(self.cancel_all)
        self.cancel_button.setEnabled(False)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.results = QWidget()
        self.results_layout = QVBoxLayout(self.results)
        self.results_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.results)
        layout.addWidget(scroll, 1)
        model.changed.connect(lambda _e: self.refresh())
        self.refresh()

    # -- state ---------------------------------------------------------------------------------
    def set_source_facts(self, display_size: tuple[int, int], fps: float) -> None:
        self._display, self._fps = display_size, fps or 30.0
        self.refresh()

    def checked_presets(self) -> list[str]:
        return [
            str(self.targets.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.targets.count())
            if self.targets.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, preset_ids: list[str]) -> None:
        for i in range(self.targets.count()):
            item = self.targets.item(i)
            wanted = item.data(Qt.ItemDataRole.UserRole) in preset_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def problems_for(self, preset_id: str) -> list[Problem]:
        edits, moment = self.model.edits, self.model.moment
        state = self._states.setdefault(preset_id, TargetState())
        preset = get_preset(preset_id, state.overrides)
        framing = edits.framing_for(preset_id)
        width, height = framed_output_size(
            *self._display, framing, preset.long_side, preset.short_side
        )
        duration = edits.duration(moment)
        facts = ClipFacts(
            duration=duration,
            width=width,
            height=height,
            fps=self._fps,
            framing_aspect=framing.aspect,
            text=edits.post_text(moment),
            hashtags=len(edits.hashtags),
            estimated_size=estimate_size(preset, width, height, self._fps, duration),
            size_accepted=state.size_accepted,
        )
        return validate(preset, facts)

    def refresh(self) -> None:
        while self.problems_layout.count():
            child = self.problems_layout.takeAt(0).widget()
            if child is not None:
                child.hide()
                child.setParent(None)  # gone from the panel now, deleted later
                child.deleteLater()
        blocking = False
        for preset_id in self.checked_presets():
            name = get_preset(preset_id).name
            for problem in self.problems_for(preset_id):
                blocking = blocking or problem.severity == "error"
                self.problems_layout.addWidget(self._problem_row(preset_id, name, problem))
        presets = self.checked_presets()
        self.export_button.setEnabled(bool(presets) and not blocking)
        self.export_button.setText(
            "Export" if len(presets) <= 1 else f"Export {len(presets)} files"
        )
        self.name_preview.setText(self._name_preview(presets[0] if presets else "original"))

    def _name_preview(self, preset_id: str) -> str:
        edits, moment = self.model.edits, self.model.moment
        start, _ = edits.trim(moment)
        preset = get_preset(preset_id)
        title = edits.title or Path(display_name(moment.source)).stem
        name = render_template(self.template.text(), title=title, start=start, preset=preset_id)
        return f"→ {name}.{preset.extension}"

    def _problem_row(self, preset_id: str, name: str, problem: Problem) -> QWidget:
        row = QWidget()
        row.setObjectName(f"problem-{problem.code}")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        mark = "⛔" if problem.severity == "error" else "⚠️"
        label = QLabel(f"{mark} {name}: {problem.message}")
        label.setWordWrap(True)
        layout.addWidget(label, 1)
        for fix in problem.fixes:
            button = QPushButton(fix.label)
            button.setAccessibleName(f"{fix.label} for {name}")
            button.clicked.connect(lambda _=False, f=fix, p=preset_id: self.apply_fix(p, f))
            layout.addWidget(button)
        return row

    def apply_fix(self, preset_id: str, fix: Fix) -> None:
        """One click: change the edits (trim, aspect, hashtags) or accept for this target."""
        model, edits, moment = self.model, self.model.edits, self.model.moment
        state = self._states.setdefault(preset_id, TargetState())
        start, end = edits.trim(moment)
        if fix.kind == "trim":
            model.set_trim(start, start + float(fix.value))
        elif fix.kind == "extend":
            wanted = start + float(fix.value)
            if wanted > moment.end:  # grow backwards too, inside what was kept
                start = max(moment.start, moment.end - float(fix.value))
            model.set_trim(start, min(moment.end, max(end, start + float(fix.value))))
        elif fix.kind == "aspect":  # for this platform only: the others keep their shape
            framing = replace(edits.framing_for(preset_id), aspect=str(fix.value))
            changed = edits.with_framing(framing, preset_id).replace(preset=preset_id)
            model.apply(changed, f"Frame for {get_preset(preset_id).name}")  # and show it
        elif fix.kind == "fewer-hashtags":
            model.set_hashtags(list(edits.hashtags[: int(fix.value)]))
        elif fix.kind == "target-size":
            state.size_accepted = True
        elif fix.kind == "resolution":
            long_side = int(fix.value)
            state.overrides.update(long_side=long_side, short_side=long_side * 9 // 16 // 2 * 2)
            state.size_accepted = True
        elif fix.kind == "shorten-text":
            model.set_title((edits.title or moment.title)[: max(0, int(fix.value) - 40)])
        self.refresh()

    # -- exporting -----------------------------------------------------------------------------
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save clips in", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def export_checked(self) -> list[RenditionRow]:
        """Queue one rendition per checked target; they run one after another."""
        presets = self.checked_presets()
        if not presets:
            return []
        folder = Path(self.folder.text()).expanduser()
        settings = QSettings()
        settings.setValue("share/folder", str(folder))
        settings.setValue("share/template", self.template.text())
        settings.setValue("share/targets", presets)
        template = self.template.text() or DEFAULT_TEMPLATE
        if len(presets) > 1 and "{preset}" not in template:
            template += " {preset}"  # one file per platform: say which is which
        destination = FolderTemplate(folder, template)
        rows = []
        for preset_id in presets:
            rendition = Rendition(self.model.moment, self.model.edits, preset_id, destination)
            row = RenditionRow(get_preset(preset_id).name, self.model.edits.post_text(
                self.model.moment))  # fmt: skip
            self.results_layout.insertWidget(self.results_layout.count() - 1, row)
            self._queue.append((rendition, row))
            self._rows.append(row)
            rows.append(row)
        self.cancel_button.setEnabled(True)
        self._next()
        return rows

    def rows(self) -> list[RenditionRow]:
        return list(self._rows)

    def is_busy(self) -> bool:
        return self._running is not None or bool(self._queue)

    def cancel_all(self) -> None:
        for _rendition, row in self._queue:
            row.failed("Cancelled.")
        self._queue.clear()
        if self._running is not None:
            self._running.cancel()

    def _next(self) -> None:
        if self._running is not None or not self._queue:
            self.cancel_button.setEnabled(self._running is not None)
            return
        rendition, row = self._queue.pop(0)
        state = self._states.get(rendition.preset, TargetState())
        row.started()

        def work(ctx):  # type: ignore[no-untyped-def]
            return run_rendition(ctx, rendition, library=self.library, overrides=state.overrides)

        task = self.tasks.run(
            work,
            name=f"export {rendition.preset}",
            context=self,
            on_progress=row.progressed,
            on_success=lambda result: self._finished(row, result),
            on_error=lambda error: self._failed(row, error),
        )
        row.cancel_requested.connect(task.cancel)
        self._running = task

    def _finished(self, row: RenditionRow, result: object) -> None:
        self._running = None
        row.finished(result)  # type: ignore[arg-type]
        self.exported.emit(result)
        self._next()

    def _failed(self, row: RenditionRow, error: BaseException) -> None:
        self._running = None
        if isinstance(error, CancelledError):
            row.failed("Cancelled: nothing was written.")
        elif isinstance(error, MomentsError):
            row.failed(str(error))
        else:
            log.error("export crashed", exc_info=error)
            row.failed(f"The export failed: {error!r}")
        self._next()
