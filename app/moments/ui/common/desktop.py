"""Hand things to the desktop: open a file, reveal it in the file manager, the clipboard."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from shiboken6 import Shiboken

log = logging.getLogger(__name__)


def open_url(url: str) -> bool:
    """Open a web page in the user's browser; False when nothing could open it (no browser,
    no desktop session), so the caller says so instead of claiming it opened."""
    opened = QDesktopServices.openUrl(QUrl(url))
    if not opened:
        log.info("no browser opened %s", url.split("?", 1)[0])
    return opened


OPENER_GRACE_MS = 4000
"""An opener still running after this long is running a browser in the foreground (it
returns when that browser closes): the page counts as opened."""
_launches: set[QProcess] = set()


def open_in_browser(url: str, context: QObject, done: Callable[[bool], object]) -> None:
    """Open a web page; ``done(opened)`` follows on the GUI thread (while ``context`` lives)
    once it is known whether a browser took it. Never blocks.

    Qt's ``openUrl`` answers True as soon as ``xdg-open`` starts, even when xdg-open then
    finds no browser (it exits 3, "no method available"). Where Qt would use xdg-open,
    Moments runs it itself and reads how it ended."""

    def answer(opened: bool) -> None:
        if not opened:
            log.info("no browser opened %s", url.split("?", 1)[0])
        if Shiboken.isValid(context):
            done(opened)

    opener = shutil.which("xdg-open") if sys.platform.startswith("linux") else None
    if opener is None or os.environ.get("FLATPAK_ID") or os.environ.get("SNAP"):
        answer(open_url(url))  # elsewhere (and in a portal) Qt's answer is the real one
        return
    proc = QProcess()
    proc.setProgram(opener)
    proc.setArguments([url])
    proc.setStandardOutputFile(QProcess.nullDevice())
    proc.setStandardErrorFile(QProcess.nullDevice())
    answered = [False]

    def once(opened: bool) -> None:
        if not answered[0]:
            answered[0] = True
            answer(opened)

    def ended(code: int, status: QProcess.ExitStatus) -> None:
        once(status == QProcess.ExitStatus.NormalExit and code == 0)
        _launches.discard(proc)
        proc.deleteLater()

    def failed(error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            once(False)
            _launches.discard(proc)

    proc.finished.connect(ended)
    proc.errorOccurred.connect(failed)
    _launches.add(proc)  # kept, and never stopped: it may be running the browser
    QTimer.singleShot(OPENER_GRACE_MS, lambda: once(True))
    proc.start()


def open_path(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def reveal(path: Path) -> bool:
    """Show ``path`` selected in the file manager (freedesktop FileManager1), or open its
    folder when no file manager answers that call."""
    try:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface

        bus = QDBusConnection.sessionBus()
        if bus.isConnected():
            manager = QDBusInterface(
                "org.freedesktop.FileManager1",
                "/org/freedesktop/FileManager1",
                "org.freedesktop.FileManager1",
                bus,
            )
            if manager.isValid():
                reply = manager.call("ShowItems", [QUrl.fromLocalFile(str(path)).toString()], "")
                if not reply.errorName():
                    return True
    except ImportError:
        pass
    log.info("no file manager answered ShowItems; opening the folder of %s", path)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
