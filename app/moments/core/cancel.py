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
