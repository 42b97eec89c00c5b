"""My Moments: where each post of the selected moment stands — waiting (and why), uploading
n%, posted (double-click opens it), failed with the reason — and Retry. Read in workers,
updated as the outbox reports."""

from __future__ import annotations

import time
from functools import partial

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from moments.core.library import Library, PostRecord, PostState
from moments.share.credentials import PLATFORM_NAMES
from moments.ui.common import TaskRunner
from moments.ui.share import OutboxService

ROLE_POST = Qt.ItemDataRole.UserRole


def describe(post: PostRecord, now: float | None = None) -> str:
    """One line: where, and how it stands."""
    where = f"{PLATFORM_NAMES.get(post.target, post.target)} {post.account.split(':', 1)[-1]}"
    if post.state is PostState.POSTED:
        return f"{where} — posted: {post.url}"
    if post.state is PostState.UPLOADING:
        return f"{where} — uploading {post.progress * 100:.0f}%"
    if post.state is PostState.FAILED:
        return f"{where} — failed: {post.error or 'unknown reason'}"
    wait = ""
    if post.next_try_at is not None:
        seconds = post.next_try_at - (now if now is not None else time.time())
        wait = f", next try in {max(0, round(seconds))} s" if seconds > 1 else ""
    why = f" ({post.error})" if post.error else ""
    return f"{where} — waiting to be sent{why}{wait}"


class MomentPosts(QWidget):
    def __init__(
        self,
        library: Library,
        tasks: TaskRunner,
        outbox: OutboxService | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("momentPosts")
        self._library = library
        self._tasks = tasks
        self._outbox = outbox
        self._moment_id: int | None = None
        self._posts: list[PostRecord] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Posts"))
        self.list = QListWidget()
        self.list.setAccessibleName("Posts of this moment")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(110)
        self.list.itemActivated.connect(self._open)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.retry_button = QPushButton("Retry")
        self.retry_button.setAccessibleName("Send the selected post again")
        self.retry_button.clicked.connect(self._retry)
        row.addWidget(self.retry_button)
        row.addStretch(1)
        layout.addLayout(row)
        if outbox is not None:
            outbox.post_changed.connect(self._on_changed)
            outbox.post_progress.connect(self._on_progress)
        self.setVisible(False)
        self._update_buttons()

    def show_moment(self, moment_id: int | None) -> None:
        self._moment_id = moment_id
        if moment_id is None:
            self._show([])
            return
        library = self._library
        self._tasks.run(
            lambda _ctx: library.list_posts(moment_id),
            name="list posts",
            context=self,
            on_success=partial(self._loaded, moment_id),
        )

    def posts(self) -> list[PostRecord]:
        return list(self._posts)

    def _loaded(self, moment_id: int, posts: list[PostRecord]) -> None:
        if moment_id == self._moment_id:
            self._show(posts)

    def _show(self, posts: list[PostRecord]) -> None:
        current = self._selected()
        self._posts = posts
        self.list.clear()
        for post in posts:
            item = QListWidgetItem(describe(post))
            item.setData(ROLE_POST, post.id)
            item.setToolTip(post.url or post.error or "")
            self.list.addItem(item)
            if current is not None and post.id == current.id:
                self.list.setCurrentItem(item)
        self.setVisible(bool(posts))
        self._update_buttons()

    def _selected(self) -> PostRecord | None:
        item = self.list.currentItem()
        if item is None:
            return None
        post_id = item.data(ROLE_POST)
        return next((p for p in self._posts if p.id == post_id), None)

    def _update_buttons(self) -> None:
        post = self._selected()
        can_retry = post is not None and post.state in (PostState.FAILED, PostState.QUEUED)
        self.retry_button.setEnabled(can_retry and self._outbox is not None)

    def _retry(self) -> None:
        post = self._selected()
        if post is not None and self._outbox is not None:
            self._outbox.retry(post.id)

    def _open(self, item: QListWidgetItem) -> None:
        post = next((p for p in self._posts if p.id == item.data(ROLE_POST)), None)
        if post is not None and post.url:
            QDesktopServices.openUrl(QUrl(post.url))

    def _on_changed(self, post_id: int) -> None:
        if self._moment_id is not None and (
            any(p.id == post_id for p in self._posts) or self.isVisible() or not self._posts
        ):
            self.show_moment(self._moment_id)

    def _on_progress(self, post_id: int, fraction: float) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(ROLE_POST) == post_id:
                post = next(p for p in self._posts if p.id == post_id)
                where = describe(post).split(" — ", 1)[0]
                item.setText(f"{where} — uploading {fraction * 100:.0f}%")
