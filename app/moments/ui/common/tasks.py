"""The one front door for background work: a function runs on a thread pool, its progress,
result and error come back as signals on the GUI thread, and it can be cancelled."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from shiboken6 import Shiboken

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, MomentsError

log = logging.getLogger(__name__)


class TaskContext:
    """Handed to the work function: report progress, check for cancel."""

    def __init__(self, task: Task) -> None:
        self._task = task
        self.cancel = task.token

    def progress(self, value: Any) -> None:
        self._task.progress.emit(value)


class Task(QObject):
    """A handle on one piece of background work. Signals arrive on the GUI thread."""

    progress = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    """The exception; CancelledError when cancelled."""
    finished = Signal()
    """After ``succeeded`` or ``failed``."""

    def __init__(
        self, name: str, parent: QObject | None = None, *, cancellable: bool = True
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.cancellable = cancellable
        self.token = CancelToken()
        self.done = False
        self.finished.connect(self._mark_done)

    def cancel(self) -> None:
        self.token.cancel()

    def _mark_done(self) -> None:
        self.done = True


class _Runnable(QRunnable):
    def __init__(self, task: Task, fn: Callable[[TaskContext], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._task = task
        self._fn = fn

    def run(self) -> None:
        task = self._task
        try:
            task.token.raise_if_cancelled()
            result = self._fn(TaskContext(task))
        except MomentsError as exc:
            log.info("task %s ended: %s", task.name, exc)
            task.failed.emit(exc)
        except Exception as exc:
            log.exception("task %s crashed", task.name)
            task.failed.emit(exc)
        else:
            task.succeeded.emit(result)
        task.finished.emit()


class TaskRunner(QObject):
    """Runs work functions on its own thread pool and keeps their handles alive until done."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._live: dict[Task, _Runnable] = {}
        self._closed = False

    def run(
        self,
        fn: Callable[[TaskContext], Any],
        *,
        name: str,
        on_success: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
        on_progress: Callable[[Any], object] | None = None,
        on_finished: Callable[[], object] | None = None,
        context: QObject | None = None,
        cancellable: bool = True,
    ) -> Task:
        """Start ``fn(context)`` in the background. Without ``on_error``, errors other than a
        cancel are shown to the user through ``messages``. ``on_finished`` runs after either.

        Pass every handler here: connecting to the returned task's signals afterwards races
        with a task that is already done (its queued signal was posted without that slot).
        With ``context`` (a widget, say), the handlers are skipped once it is deleted.
        What a handler returns is ignored. ``cancellable=False`` is for work that must finish
        once asked for (saving, cleaning up): ``cancel_all()`` leaves it alone, so work asked
        for while a window closes still runs before ``wait()`` returns."""
        if context is not None:
            on_success, on_error, on_progress, on_finished = (
                _while_alive(context, fn) for fn in (on_success, on_error, on_progress, on_finished)
            )
        task = Task(name, self, cancellable=cancellable)
        if on_success is not None:
            task.succeeded.connect(on_success)
        if on_progress is not None:
            task.progress.connect(on_progress)
        if on_error is not None:
            task.failed.connect(on_error)
        else:
            task.failed.connect(_report)
        if on_finished is not None:
            task.finished.connect(on_finished)
        task.finished.connect(lambda: self._forget(task))
        if self._closed and cancellable:
            # Asked for after close (a timer firing late): not started. Work in a pool that is
            # deleted with its window makes the deletion wait for it — inside a QTest wait or
            # at exit, holding the Python lock that work needs: a deadlock.
            task.cancel()
            QTimer.singleShot(0, task, lambda: _end_unstarted(task))
            return task
        runnable = _Runnable(task, fn)
        self._live[task] = runnable
        self._pool.start(runnable)
        return task

    def active(self) -> list[Task]:
        return [task for task in self._live if not task.done]

    def cancel_all(self) -> None:
        """Cancel every task but those that must finish (``cancellable=False``)."""
        for task in self._live:
            if task.cancellable:
                task.cancel()

    def close(self) -> None:
        """The owner is closing: cancel what may be cancelled, and start nothing cancellable
        from now on (it fails with ``CancelledError`` at once)."""
        self._closed = True
        self.cancel_all()

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until the pool is idle. Only for shutdown and tests, never during normal use."""
        return bool(self._pool.waitForDone(msecs))

    def _forget(self, task: Task) -> None:
        self._live.pop(task, None)
        task.deleteLater()


def _end_unstarted(task: Task) -> None:
    task.failed.emit(CancelledError())
    task.finished.emit()


def _while_alive(context: QObject, fn: Callable[..., Any] | None) -> Any:
    """``fn``, called only while ``context``'s C++ object exists."""
    if fn is None:
        return None

    def call(*args: Any) -> None:
        if Shiboken.isValid(context):
            fn(*args)

    return call


def _report(error: BaseException) -> None:
    if isinstance(error, CancelledError):
        return
    from moments.ui.common import messages

    messages.show_exception(error)
