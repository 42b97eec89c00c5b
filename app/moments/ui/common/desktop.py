"""Hand things to the desktop: open a file, reveal it in the file manager, the clipboard."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

log = logging.getLogger(__name__)


def open_url(url: str) -> bool:
    """Open a web page in the user's browser; False when nothing could open it (no browser,
    no desktop session), so the caller says so instead of claiming it opened."""
    opened = QDesktopServices.openUrl(QUrl(url))
    if not opened:
        log.info("no browser opened %s", url.split("?", 1)[0])
    return opened


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
