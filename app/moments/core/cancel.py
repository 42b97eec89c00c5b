"""A cancel token shared between the GUI thread and a worker."""

from __future__ import annotations

import threading

from moments.core.errors import CancelledError


class CancelToken:
    """Set by whoever wants a job to stop; polled by the job."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError()

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds; return True early when cancelled."""
        return self._event.wait(timeout)


class PauseGate:
    """Closed by whoever needs the machine for a while (the editor's preview, an export); a
    long background job waits at it, then goes on where it was."""

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()

    def pause(self) -> None:
        self._open.clear()

    def resume(self) -> None:
        self._open.set()

    @property
    def paused(self) -> bool:
        return not self._open.is_set()

    def wait_open(self, cancel: CancelToken | None = None, poll: float = 0.05) -> float:
        """Block while paused; return the seconds waited. Raises CancelledError on cancel."""
        waited = 0.0
        while not self._open.wait(poll):
            waited += poll
            if cancel is not None:
                cancel.raise_if_cancelled()
        return waited
