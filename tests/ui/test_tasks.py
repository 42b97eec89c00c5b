"""The task door (ui/common/tasks.py): what cancel_all() and close() cancel and what they let
finish."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from moments.core.errors import CancelledError
from moments.ui.common.tasks import TaskContext, TaskRunner


def test_cancel_all_spares_work_that_must_finish(qtbot: QtBot) -> None:
    """A save or a clean-up asked for as a window closes is queued behind running work;
    the window's cancel_all() must not drop it."""
    runner = TaskRunner(max_threads=1)
    release = threading.Event()
    done: list[str] = []
    errors: list[BaseException] = []

    def busy(ctx: TaskContext) -> None:
        release.wait(10)
        ctx.cancel.raise_if_cancelled()

    runner.run(busy, name="export", on_error=errors.append)
    runner.run(lambda _ctx: done.append("probe"), name="probe", on_error=errors.append)
    runner.run(lambda _ctx: done.append("save"), name="save edits", cancellable=False)
    runner.cancel_all()
    release.set()
    assert runner.wait(10_000)
    qtbot.waitUntil(lambda: len(errors) == 2)
    assert done == ["save"]
    assert all(isinstance(error, CancelledError) for error in errors)


def test_work_asked_for_after_close_is_not_started(qtbot: QtBot) -> None:
    """A timer that fires after the window closed (a thumbnail, a held cut) must not put work
    in the pool the closed window's deletion then waits for; a save still runs."""
    runner = TaskRunner()
    runner.close()
    done: list[str] = []
    errors: list[BaseException] = []
    finished: list[str] = []
    runner.run(
        lambda _ctx: done.append("thumbnail"),
        name="thumbnail",
        on_error=errors.append,
        on_finished=lambda: finished.append("thumbnail"),
    )
    assert errors == [], "ended on the next turn of the loop, like any task"
    runner.run(lambda _ctx: done.append("save"), name="save edits", cancellable=False)
    assert runner.wait(10_000)
    qtbot.waitUntil(lambda: finished == ["thumbnail"])
    assert done == ["save"]
    assert len(errors) == 1 and isinstance(errors[0], CancelledError)
