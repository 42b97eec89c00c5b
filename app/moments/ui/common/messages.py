"""The single bridge from anywhere (any thread) to what the user sees: errors, warnings, info.

Callers never build dialogs; the main window listens to ``bridge().message`` and decides how
to show it. Uncaught exceptions, in any thread, are logged and shown through here too.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from enum import Enum
from types import TracebackType

from PySide6.QtCore import QObject, Signal

from moments.core.errors import MomentsError

log = logging.getLogger(__name__)


class Level(Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class MessageBridge(QObject):
    message = Signal(object, str, str)
    """(Level, text, details) — always delivered on the GUI thread."""


_bridge: MessageBridge | None = None


def bridge() -> MessageBridge:
    """The bridge; create it on the GUI thread (the app does so at start)."""
    global _bridge
    if _bridge is None:
        _bridge = MessageBridge()
    return _bridge


def info(text: str, details: str = "") -> None:
    bridge().message.emit(Level.INFO, text, details)


def warning(text: str, details: str = "") -> None:
    log.warning("%s", text)
    bridge().message.emit(Level.WARNING, text, details)


def error(text: str, details: str = "") -> None:
    log.error("%s %s", text, details)
    bridge().message.emit(Level.ERROR, text, details)


def show_exception(exc: BaseException) -> None:
    """Tell the user about ``exc``: our own errors by their sentence, others as a bug."""
    if isinstance(exc, MomentsError):
        error(str(exc), exc.details)
        return
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    error(f"Something went wrong inside Moments: {exc!r}. It has been logged.", details)


def install_excepthooks() -> None:
    """Log and show every uncaught exception, on the GUI thread and in worker threads."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.critical("uncaught exception", exc_info=(kind, exc, tb))
        show_exception(exc.with_traceback(tb))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        log.critical(
            "uncaught exception in thread %s",
            getattr(args.thread, "name", "?"),
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )
        show_exception(args.exc_value)

    bridge()
    sys.excepthook = hook
    threading.excepthook = thread_hook
