"""The outbox while the app runs: a timer finds due posts and sends each through the task
runner; the GUI thread never waits on the library or the network.

Wiring (the window): ``service.start()`` once; ``service.stop()`` in ``closeEvent`` before
``tasks.cancel_all()``, so posts cut off by quitting are sent at the next start.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from moments.core.library import PostRecord
from moments.share.base import PostRequest
from moments.share.outbox import Outbox
from moments.ui.common import Task, TaskContext, TaskRunner

log = logging.getLogger(__name__)


class OutboxService(QObject):
    post_changed = Signal(int)
    """A post's state changed (queued, uploading, posted, failed): read it again."""
    post_progress = Signal(int, float)
    """(post id, fraction) while a post uploads."""
    post_added = Signal(object)
    """The ``PostRecord`` ``enqueue`` stored."""

    def __init__(
        self,
        runner: TaskRunner,
        outbox: Outbox,
        *,
        interval_ms: int = 5000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._outbox = outbox
        self._sending: dict[int, Task] = {}
        self._checking = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        """Resume posts a stopped Moments left half-sent, then send what is due."""
        self._timer.start()
        self._run(self._resume, "outbox resume", self._on_resumed)

    def stop(self) -> None:
        """Stop the timer; posts being sent now are queued again for the next start."""
        self._timer.stop()
        self._outbox.close()
        for task in self._sending.values():
            task.cancel()

    def enqueue(self, moment_id: int, account_key: str, request: PostRequest) -> None:
        """Store the post (``post_added``) and send it at once (once ``start()`` ran)."""
        self._run(
            lambda ctx: self._outbox.enqueue(moment_id, account_key, request),
            "outbox enqueue",
            self._on_added,
        )

    def retry(self, post_id: int) -> None:
        self._run(
            lambda ctx: self._outbox.retry(post_id),
            "outbox retry",
            lambda _: self._changed_and_check(post_id),
        )

    def cancel(self, post_id: int) -> None:
        """Stop sending ``post_id``; it fails as cancelled (``retry`` sends it again)."""
        task = self._sending.get(post_id)
        if task is not None:
            task.cancel()

    def sending(self) -> list[int]:
        return list(self._sending)

    def check(self) -> None:
        """Find the due posts (in a worker) and send each that is not on its way already."""
        if self._checking:
            return
        self._checking = True
        self._run(
            lambda ctx: [p.id for p in self._outbox.due()],
            "outbox check",
            self._on_due,
            on_done=self._checked,
        )

    # --- internals ------------------------------------------------------------------------------

    def _resume(self, ctx: TaskContext) -> list[int]:
        return self._outbox.resume()

    def _on_resumed(self, ids: Any) -> None:
        for post_id in ids:
            self.post_changed.emit(post_id)
        self.check()

    def _on_added(self, post: Any) -> None:
        assert isinstance(post, PostRecord)
        self.post_added.emit(post)
        self._send(post.id)

    def _on_due(self, ids: Any) -> None:
        for post_id in ids:
            self._send(post_id)

    def _checked(self) -> None:
        self._checking = False

    def _send(self, post_id: int) -> None:
        if post_id in self._sending or not self._timer.isActive():
            return

        def work(ctx: TaskContext) -> PostRecord | None:
            return self._outbox.send(post_id, progress=ctx.progress, cancel=ctx.cancel)

        task = self._runner.run(
            work,
            name=f"post {post_id}",
            on_progress=lambda fraction: self._on_progress(post_id, fraction),
            on_success=lambda _: self.post_changed.emit(post_id),
            on_finished=lambda: self._sending.pop(post_id, None),
        )
        self._sending[post_id] = task
        self.post_changed.emit(post_id)

    def _on_progress(self, post_id: int, fraction: Any) -> None:
        self.post_progress.emit(post_id, float(fraction))

    def _changed_and_check(self, post_id: int) -> None:
        self.post_changed.emit(post_id)
        self.check()

    def _run(self, fn: Any, name: str, on_success: Any, *, on_done: Any = None) -> None:
        self._runner.run(fn, name=name, on_success=on_success, on_finished=on_done)
