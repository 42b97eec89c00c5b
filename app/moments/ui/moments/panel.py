"""My Moments: every kept moment with its thumbnail; rename, delete, reveal, play from it."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from moments.core.edits import MomentEdits, kept_range
from moments.core.library import Library
from moments.core.moment import Moment
from moments.core.source import display_name
from moments.core.timefmt import format_time
from moments.ui.common import TaskContext, TaskRunner, desktop
from moments.ui.moments.posts import MomentPosts
from moments.ui.share import OutboxService

THUMB = QSize(128, 72)
DELETE_AFTER_MS = 8000
"""A deleted moment can be brought back (Undo) this long."""
MomentRole = Qt.ItemDataRole.UserRole + 1


def _ago(created: float) -> str:
    minutes = int(max(0.0, time.time() - created) // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h ago" if hours < 48 else time.strftime("%d %b %Y", time.localtime(created))


class MomentDelegate(QStyledItemDelegate):
    """Thumbnail, then the title (editable) over a grey line: span, length, age."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(THUMB.width() + 200, THUMB.height() + 8)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else QApplication.style()
        text, option.text = option.text, ""
        option.icon = QIcon()
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        rect = option.rect.adjusted(4, 4, -4, -4)
        if isinstance(icon, QIcon):
            icon.paint(painter, QRect(rect.topLeft(), THUMB))
        text_rect = rect.adjusted(THUMB.width() + 8, 0, 0, 0)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(palette.color(role))
        flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        title_rect = QRect(text_rect.left(), text_rect.top(), text_rect.width(), rect.height() // 2)
        painter.drawText(title_rect, flags | Qt.AlignmentFlag.AlignBottom, text)
        painter.setFont(option.font)
        grey = palette.color(role)
        grey.setAlpha(170)
        painter.setPen(grey)
        summary = str(index.data(Qt.ItemDataRole.StatusTipRole) or "")
        painter.drawText(
            text_rect.adjusted(0, rect.height() // 2 + 2, 0, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            summary,
        )
        painter.restore()


class MomentsPanel(QWidget):
    """Lists the library. All reading and writing of the library runs in workers."""

    play_requested = Signal(object)
    """A Moment to play from its start (its source, or its raw clip when the source is gone)."""
    edit_requested = Signal(object)
    """A Moment to open in the editor (double-click or Enter)."""
    changed = Signal()
    renamed = Signal(int, str)
    """A moment's id and the title the user gave it here (an open editor follows)."""
    deleting = Signal(object)
    """A Moment the user deleted: gone from the list, deleted for good after
    ``delete_after_ms`` unless ``undo_delete`` is called (the window offers Undo)."""
    deleted = Signal(int)
    """A moment's id, deleted for good."""

    def __init__(
        self,
        library: Library,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        outbox: OutboxService | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("momentsPanel")
        self._library = library
        self._tasks = tasks
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.empty = QLabel("No moments yet.\nPress C while watching to keep one.")
        self.empty.setObjectName("momentsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list = QListWidget()
        self.list.setObjectName("momentsList")
        self.list.setAccessibleName("My Moments")
        self.list.setIconSize(THUMB)
        self.list.setItemDelegate(MomentDelegate(self.list))
        self.list.setSpacing(2)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.itemActivated.connect(lambda item: self.edit_requested.emit(self._moment(item)))
        self.list.itemChanged.connect(self._on_item_changed)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.edit_button = self._button("Edit", "editMoment", self._edit_selected)
        self.play_button = self._button("Play", "playMoment", self._play_selected)
        self.rename_button = self._button("Rename", "renameMoment", self._rename_selected)
        self.reveal_button = self._button("Show file", "revealMoment", self._reveal_selected)
        self.delete_button = self._button("Delete", "deleteMoment", self._delete_selected)
        for button in (self.edit_button, self.play_button, self.rename_button, self.reveal_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout.addLayout(buttons)
        self.posts = MomentPosts(library, tasks, outbox)
        layout.addWidget(self.posts)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.list.currentItemChanged.connect(lambda *_: self._show_posts())
        self._update_buttons()
        self._filling = False
        self.delete_after_ms = DELETE_AFTER_MS
        self._pending_deletes: dict[int, QTimer] = {}

    def add_section(self, widget: QWidget) -> None:
        """Put ``widget`` above the list (the suggested moments of the open file)."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, widget)

    def refresh(self) -> None:
        """Reload the list (moments and thumbnails read in a worker)."""
        self._tasks.run(self._load, name="list moments", on_success=self._show)

    def select(self, moment_id: int) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if self._moment(item).id == moment_id:
                self.list.setCurrentItem(item)
                return

    def moments(self) -> list[Moment]:
        return [self._moment(self.list.item(row)) for row in range(self.list.count())]

    # -- worker side ---------------------------------------------------------------------------
    def _load(self, _ctx: TaskContext) -> list[tuple[Moment, QImage | None]]:
        loaded = []
        for moment in self._library.list_moments():
            image = None
            if moment.thumbnail and Path(moment.thumbnail).is_file():
                image = QImage(moment.thumbnail).scaled(
                    THUMB,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            loaded.append((moment, image))
        return loaded

    # -- GUI side ------------------------------------------------------------------------------
    def _show(self, loaded: list[tuple[Moment, QImage | None]]) -> None:
        current = self._selected()
        self._filling = True
        self.list.clear()
        loaded = [(m, i) for m, i in loaded if m.id not in self._pending_deletes]
        for moment, image in loaded:
            item = QListWidgetItem(moment.title)
            item.setData(MomentRole, moment)
            item.setData(Qt.ItemDataRole.StatusTipRole, self._summary(moment))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(self._details(moment))
            if image is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
            self.list.addItem(item)
        self._filling = False
        self.empty.setVisible(not loaded)
        self.list.setVisible(bool(loaded))
        if current is not None and current.id is not None:
            self.select(current.id)
        elif loaded:
            self.list.setCurrentRow(0)
        self._update_buttons()

    def _summary(self, moment: Moment) -> str:
        start, end = kept_range(moment)
        span = f"{format_time(start)}–{format_time(end)}"
        return f"{span} · {end - start:.0f} s · {_ago(moment.created_at)}"

    def _details(self, moment: Moment) -> str:
        start, end = kept_range(moment)
        return (
            f"{moment.title}\n{display_name(moment.source)}, "
            f"{format_time(start)}–{format_time(end)} "
            f"({end - start:.1f} s), {_ago(moment.created_at)}"
        )

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        assert callable(slot)
        button.clicked.connect(slot)
        return button

    def _moment(self, item: QListWidgetItem) -> Moment:
        moment = item.data(MomentRole)
        assert isinstance(moment, Moment)
        return moment

    def _selected(self) -> Moment | None:
        item = self.list.currentItem()
        return self._moment(item) if item is not None else None

    def _update_buttons(self) -> None:
        moment = self._selected()
        for button in (self.edit_button, self.play_button, self.rename_button, self.delete_button):
            button.setEnabled(moment is not None)
        self.reveal_button.setEnabled(moment is not None and bool(moment.raw_clip))

    def _context_menu(self, pos: QPoint) -> None:
        if self._selected() is None:
            return
        menu = QMenu(self)
        menu.addAction("Edit and share…", self._edit_selected)
        menu.addAction("Play from here", self._play_selected)
        menu.addAction("Rename", self._rename_selected)
        menu.addAction("Show raw clip in folder", self._reveal_selected)
        menu.addSeparator()
        menu.addAction("Delete", self._delete_selected)
        menu.popup(self.list.viewport().mapToGlobal(pos))

    def _show_posts(self) -> None:
        moment = self._selected()
        self.posts.show_moment(moment.id if moment is not None else None)

    def _edit_selected(self) -> None:
        moment = self._selected()
        if moment is not None:
            self.edit_requested.emit(moment)

    def _play_selected(self) -> None:
        moment = self._selected()
        if moment is not None:
            self.play_requested.emit(moment)

    def _rename_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.editItem(item)

    def _reveal_selected(self) -> None:
        moment = self._selected()
        if moment is not None and moment.raw_clip:
            desktop.reveal(Path(moment.raw_clip))

    def _delete_selected(self) -> None:
        """Take the moment off the list now; delete it for good once Undo is no longer
        offered (or when the window closes)."""
        moment = self._selected()
        if moment is None or moment.id is None:
            return
        moment_id = moment.id
        self.list.takeItem(self.list.currentRow())
        if self.list.count() == 0:  # say so now, not when the worker is done
            self.empty.setVisible(True)
            self.list.setVisible(False)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._delete_now(moment_id))
        timer.start(self.delete_after_ms)
        self._pending_deletes[moment_id] = timer
        self.deleting.emit(moment)

    def undo_delete(self, moment_id: int) -> None:
        timer = self._pending_deletes.pop(moment_id, None)
        if timer is not None:
            timer.stop()
            self.refresh()

    def _delete_now(self, moment_id: int) -> None:
        if self._pending_deletes.pop(moment_id, None) is None:
            return
        self._tasks.run(
            lambda _ctx: self._library.delete(moment_id),
            name="delete moment",
            on_success=lambda _r: self._on_deleted(moment_id),
        )

    def finish_deletes(self) -> None:
        """The window closes: what was deleted is deleted now (on this thread: the task
        runner is about to stop)."""
        for moment_id, timer in list(self._pending_deletes.items()):
            timer.stop()
            self._library.delete(moment_id)
        self._pending_deletes.clear()

    def _on_deleted(self, moment_id: int) -> None:
        self.deleted.emit(moment_id)
        self.changed.emit()
        self.refresh()

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        moment = self._moment(item)
        title = item.text().strip()
        if moment.id is None or not title or title == moment.title:
            if not title:
                item.setText(moment.title)
            return
        item.setData(MomentRole, moment.with_title(title))
        moment_id, library = moment.id, self._library

        def rename(_ctx: TaskContext) -> None:
            library.rename(moment_id, title)
            stored = library.get(moment_id)
            edits = MomentEdits.of(stored) if stored is not None else MomentEdits()
            if edits.title:  # the editor's title is the same one
                library.save_edits(moment_id, edits.replace(title=title).to_json())

        self._tasks.run(rename, name="rename moment", on_success=lambda _: self.changed.emit())
        self.renamed.emit(moment_id, title)
