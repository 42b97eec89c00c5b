"""The share panel: choose one or several targets, see what each platform would refuse and
fix it in one click, pick the folder and the file name, export every rendition with one
progress view, then open, reveal, copy or drag each result.

Posting targets (accounts) plug in beside the presets (``add_account_target``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from moments.core.errors import CancelledError, MomentsError
from moments.core.presets import (
    PRESETS,
    Fix,
    Problem,
    get_preset,
)
from moments.core.settings import Settings
from moments.core.source import display_name
from moments.media.export import (
    DEFAULT_TEMPLATE,
    ExportResult,
    FolderTemplate,
    Rendition,
    render_template,
)
from moments.share.base import PostRequest
from moments.share.credentials import PLATFORM_NAMES, AccountStore
from moments.share.handoff import PLATFORMS as HANDOFF_SPECS
from moments.share.handoff import Handoff, handoff_for
from moments.ui.common import Task, TaskContext, TaskRunner
from moments.ui.share.accounts_dialog import AccountsDialog
from moments.ui.share.checks import ShareChecks
from moments.ui.share.export import run_rendition
from moments.ui.share.outbox_service import OutboxService
from moments.ui.share.post_section import PostSection
from moments.ui.share.posting import PostingLink
from moments.ui.share.rendition_row import RenditionRow

if TYPE_CHECKING:  # the share panel works on the editor's model; the editor embeds it
    from moments.ui.editor import EditorModel

log = logging.getLogger(__name__)

HANDOFF_OF_PRESET = {spec.preset: name for name, spec in HANDOFF_SPECS.items()}


def _handoff(preset_id: str, text: str, hashtags: tuple[str, ...]) -> Handoff | None:
    """What "Post on X…" does for a file made with ``preset_id`` (None: no such platform)."""
    platform = HANDOFF_OF_PRESET.get(preset_id)
    return handoff_for(platform, text, hashtags) if platform is not None else None


def default_folder() -> Path:
    from platformdirs import user_videos_dir

    return Path(user_videos_dir()) / "Moments"


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
        accounts: AccountStore | None = None,
        outbox: OutboxService | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sharePanel")
        self.settings = settings if settings is not None else Settings()
        self.model = model
        self.tasks = tasks
        self.library = model._library
        self.accounts = accounts
        self.posting = (
            PostingLink(outbox, self.library, tasks, self)
            if outbox is not None and self.library is not None
            else None
        )
        self._queue: list[tuple[Rendition, RenditionRow]] = []
        self._running: Task | None = None
        self._running_row: RenditionRow | None = None
        self._rows: list[RenditionRow] = []
        remembered = self.settings.ui
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Make a file for"))
        self.targets = QListWidget()
        self.targets.setAccessibleName("Share targets")
        chosen = remembered.share_targets
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
        self.post = PostSection(accounts if self.posting is not None else None, tasks)
        if self.posting is not None:
            self.posting.account_learned.connect(self.post.refresh_accounts)
        self.post.changed.connect(self._on_post_changed)
        self.post.accounts_requested.connect(self.open_accounts)
        self.post.setVisible(accounts is not None)
        layout.addWidget(self.post)
        self.problems = ShareChecks(model, self.settings)
        self.problems.display, self.problems.fps = display_size, fps
        self.problems.fixed.connect(self.refresh)
        self._held: set[str] = set()

        folder_row = QHBoxLayout()
        self.folder = QLineEdit(remembered.share_folder or str(default_folder()))
        self.folder.setAccessibleName("Destination folder")
        browse = QPushButton("Choose…")
        browse.setAccessibleName("Choose the destination folder")
        browse.clicked.connect(self._browse)
        folder_row.addWidget(QLabel("Save in"))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        layout.addLayout(folder_row)
        name_row = QHBoxLayout()
        self.template = QLineEdit(remembered.share_template or DEFAULT_TEMPLATE)
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
        self.held_note = QLabel()  # beside the buttons: nothing moves when it changes
        self.held_note.setObjectName("heldNote")
        self.held_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.held_note, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.problems)  # below the buttons: rows come and go under them
        self.results = QWidget()
        self.results_layout = QVBoxLayout(self.results)
        self.results_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.results)
        layout.addWidget(scroll, 1)
        model.changed.connect(lambda _e: self.refresh())
        self.refresh()

    # -- posting -------------------------------------------------------------------------------
    def open_accounts(self) -> None:
        if self.accounts is None:
            return
        dialog = AccountsDialog(self.accounts, self.tasks, self)
        dialog.accounts_changed.connect(self.post.refresh_accounts)
        dialog.open()

    def _on_post_changed(self) -> None:
        text = self.post.post_text()
        edits = self.model.edits
        if text != (edits.description or (edits.title or "")):
            self.model.apply(edits.replace(description=text), "Post text", merge="description")
        self.refresh()

    # -- state ---------------------------------------------------------------------------------
    def set_source_facts(self, display_size: tuple[int, int], fps: float) -> None:
        self.problems.display, self.problems.fps = display_size, fps or 30.0
        self.refresh()

    def checked_presets(self) -> list[str]:
        return [
            str(self.targets.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.targets.count())
            if self.targets.item(i).checkState() == Qt.CheckState.Checked
        ]

    def problems_for(self, preset_id: str) -> list[Problem]:
        return self.problems.problems_for(preset_id)

    def apply_fix(self, preset_id: str, fix: Fix) -> None:
        self.problems.apply_fix(preset_id, fix)

    def set_checked(self, preset_ids: list[str]) -> None:
        for i in range(self.targets.count()):
            item = self.targets.item(i)
            wanted = item.data(Qt.ItemDataRole.UserRole) in preset_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def refresh(self) -> None:
        edits = self.model.edits
        self.post.set_text(edits.description or (edits.title or ""), edits.hashtags)
        accounts = self.post.checked_accounts()
        presets = self.checked_presets()
        targets = [*presets, *(a.platform for a in accounts)]
        # Posts are counted by the post section, against the service's live limit.
        self._held = self.problems.show_problems(targets, text_checked=set(presets))
        blocking = bool(self.post.over_limit()) or bool(self.post.missing_title())
        presets = [p for p in presets if p not in self._held]
        accounts = [a for a in accounts if a.platform not in self._held]
        count = len(presets) + len(accounts)
        self.export_button.setEnabled(count > 0 and not blocking)
        held = sorted(get_preset(target).name for target in self._held)
        note = f"Held back: {', '.join(held)} (see below)" if held else ""
        self.held_note.setText(note)
        self.held_note.setToolTip(note)
        if accounts:
            self.export_button.setText("Export and post" if presets else "Post")
        else:
            self.export_button.setText("Export" if count <= 1 else f"Export {count} files")
        self.name_preview.setText(
            self._name_preview(targets[0] if targets else "original", several=len(targets) > 1)
        )

    def _name_preview(self, preset_id: str, *, several: bool = False) -> str:
        edits, moment = self.model.edits, self.model.moment
        start, _ = edits.trim(moment)
        preset = self.settings.preset(preset_id)
        title = edits.title or Path(display_name(moment.source)).stem
        template = self.template.text() or DEFAULT_TEMPLATE
        if several and "{preset}" not in template:
            template += " {preset}"  # as export_checked names them
        name = render_template(template, title=title, start=start, preset=preset_id)
        return f"→ {name}.{preset.extension}"

    # -- exporting -----------------------------------------------------------------------------
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save clips in", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def export_checked(self) -> list[RenditionRow]:
        """Queue one rendition per checked target; they run one after another."""
        presets = self.checked_presets()
        accounts = self.post.checked_accounts() if self.posting is not None else []
        remembered_targets = presets
        presets = [p for p in presets if p not in self._held]  # said why in held_note
        accounts = [a for a in accounts if a.platform not in self._held]
        if not presets and not accounts:
            return []
        folder = Path(self.folder.text()).expanduser()
        remembered = self.settings.ui
        remembered.share_folder = str(folder)
        remembered.share_template = self.template.text()
        remembered.share_targets = remembered_targets
        self.settings.save_ui()
        template = self.template.text() or DEFAULT_TEMPLATE
        if len(presets) + len(accounts) > 1 and "{preset}" not in template:
            template += " {preset}"  # one file per platform: say which is which
        destination = FolderTemplate(folder, template)
        rows = []
        text = self.model.edits.post_text()
        jobs: list[tuple[str, RenditionRow]] = []
        for preset_id in presets:
            handoff = _handoff(preset_id, self.post.post_text(), self.model.edits.hashtags)
            jobs.append(
                (preset_id, RenditionRow(get_preset(preset_id).name, text, handoff=handoff))
            )
        for account in accounts:
            limits = self.post.limits(account)
            preset_id = limits.preset if limits is not None else account.platform
            label = f"{PLATFORM_NAMES.get(account.platform, '')} {account.label}"
            jobs.append((preset_id, RenditionRow(label, text, account_key=account.key)))
        for preset_id, row in jobs:
            rendition = Rendition(self.model.moment, self.model.edits, preset_id, destination)
            self.results_layout.insertWidget(self.results_layout.count() - 1, row)
            self._queue.append((rendition, row))
            self._rows.append(row)
            row.cancel_requested.connect(lambda row=row: self._cancel(row))
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
            row.cancelled()
        self._queue.clear()
        if self._running_row is not None:
            self._running_row.cancel()

    def _cancel(self, row: RenditionRow) -> None:
        """One row's Cancel: a waiting rendition leaves the queue; a running one stops."""
        if row is self._running_row and self._running is not None:
            self._running.cancel()
            return
        waiting = [job for job in self._queue if job[1] is row]
        for job in waiting:
            self._queue.remove(job)
            row.cancelled()
        if not self.is_busy():
            self.cancel_button.setEnabled(False)

    def _next(self) -> None:
        if self._running is not None or not self._queue:
            self.cancel_button.setEnabled(self._running is not None)
            return
        rendition, row = self._queue.pop(0)
        state = self.problems.state(rendition.preset)
        row.started()

        overrides = self.settings.export_overrides(rendition.preset, state.overrides)

        def work(ctx: TaskContext) -> ExportResult:
            return run_rendition(ctx, rendition, library=self.library, overrides=overrides)

        task = self.tasks.run(
            work,
            name=f"export {rendition.preset}",
            context=self,
            on_progress=row.progressed,
            on_success=lambda result: self._finished(row, result),
            on_error=lambda error: self._failed(row, error),
        )
        self._running = task
        self._running_row = row

    def _finished(self, row: RenditionRow, result: ExportResult) -> None:
        self._running = self._running_row = None
        row.finished(result)
        self.exported.emit(result)
        moment_id = self.model.moment.id
        if row.account_key is not None and self.posting is not None:
            if moment_id is None:
                row.failed("The moment is still being kept; post it from My Moments.")
            else:
                request = PostRequest(
                    result.path,
                    text=self.post.post_text(),
                    alt_text=self.post.alt_text() or self.post.post_text(),
                    hashtags=self.model.edits.hashtags,
                    size=(result.width, result.height),
                    title=self.post.thread_title_text(),
                )
                self.posting.post(row, moment_id, request)
        self._next()

    def _failed(self, row: RenditionRow, error: BaseException) -> None:
        self._running = self._running_row = None
        if isinstance(error, CancelledError):
            row.cancelled()
        elif isinstance(error, MomentsError):
            row.failed(str(error))
        else:
            log.error("export crashed", exc_info=error)
            row.failed(f"The export failed: {error!r}")
        self._next()
