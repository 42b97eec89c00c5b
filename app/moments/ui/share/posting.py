"""Between the share panel's rows and the outbox: a finished rendition for an account is
queued as a post, and each row then follows its post (waiting, n%, posted with its link,
failed with Retry). The outbox keeps posts across restarts; My Moments shows them too."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from moments.core.library import Library, PostRecord, PostState
from moments.share.base import PostRequest
from moments.ui.common import TaskRunner
from moments.ui.share.outbox_service import OutboxService
from moments.ui.share.rendition_row import RenditionRow


class PostingLink(QObject):
    account_learned = Signal()
    """A failed post taught Moments something about its account (a Discord webhook turned
    out to post to a forum): the post section lists the accounts again."""

    def __init__(
        self,
        outbox: OutboxService,
        library: Library,
        tasks: TaskRunner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.outbox = outbox
        self.library = library
        self.tasks = tasks
        self._waiting: dict[tuple[str, Path], RenditionRow] = {}
        self._rows: dict[int, RenditionRow] = {}
        outbox.post_added.connect(self._on_added)
        outbox.post_progress.connect(self._on_progress)
        outbox.post_changed.connect(self._on_changed)

    def post(self, row: RenditionRow, moment_id: int, request: PostRequest) -> None:
        """Queue ``row``'s file for its account."""
        assert row.account_key is not None
        self._waiting[(row.account_key, Path(request.file))] = row
        row.status.setText("Queued for posting…")
        self.outbox.enqueue(moment_id, row.account_key, request)

    def _on_added(self, record: PostRecord) -> None:
        row = self._waiting.pop((record.account, Path(record.file)), None)
        if row is None:
            return
        self._rows[record.id] = row
        row.post_queued(record.id)
        row.retry_requested.connect(lambda post_id=record.id: self.outbox.retry(post_id))

    def _on_progress(self, post_id: int, fraction: float) -> None:
        row = self._rows.get(post_id)
        if row is not None:
            row.post_progressed(fraction)

    def _on_changed(self, post_id: int) -> None:
        row = self._rows.get(post_id)
        if row is None:
            return
        library = self.library
        self.tasks.run(
            lambda _ctx: library.get_post(post_id),
            name="read post",
            context=row,
            on_success=partial(self._updated, row),
        )

    def _updated(self, row: RenditionRow, record: PostRecord | None) -> None:
        if record is None:  # the post was deleted meanwhile
            return
        row.post_updated(record)
        if record.state is PostState.FAILED and record.target == "discord":
            self.account_learned.emit()
