"""One player per user: a second ``moments FILE`` hands FILE to the running window and exits.

The first instance listens on a per-user local socket (QLocalServer) and reads requests with
signals only, never blocking the GUI thread. A later instance connects, sends one JSON line
``{"open": [locations]}``, waits (bounded: it has no window yet) for ``ok`` and exits. A
socket left by a crashed instance is removed and taken over. ``MOMENTS_INSTANCE_NAME``
names the socket (tests isolate themselves with it); ``MOMENTS_NEW_WINDOW=1`` or
``--new-window`` skips all this.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from moments import APP_ID
from moments.core.errors import MomentsError
from moments.core.paths import AppDirs

if TYPE_CHECKING:
    from moments.ui.player.window import MainWindow

log = logging.getLogger(__name__)

CONNECT_MS = 1000
ANSWER_MS = 10_000
"""How long a second instance waits for the first one's answer (it may still be starting)."""
MAX_REQUEST = 64 * 1024


class InstanceBusyError(MomentsError):
    """A Moments is running but did not answer in time."""


def server_name() -> str:
    """The socket's name: ``MOMENTS_INSTANCE_NAME``, else one per user and settings folder
    (in ``$XDG_RUNTIME_DIR`` when there is one), so separate profiles stay separate."""
    override = os.environ.get("MOMENTS_INSTANCE_NAME")
    if override:
        return override
    digest = hashlib.sha256(str(AppDirs.from_environment().config).encode()).hexdigest()[:12]
    if os.name != "posix":
        return f"{APP_ID}-{getpass.getuser()}-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(runtime) if runtime and Path(runtime).is_dir() else Path(tempfile.gettempdir())
    return str(folder / f"{APP_ID}-{os.getuid()}-{digest}")


def claim(locations: list[str], name: str | None = None) -> InstanceServer | None:
    """Hand ``locations`` to a running Moments and return None, or become the running one
    and return its server. Raises InstanceBusyError when the running one does not answer."""
    name = name or server_name()
    if _send(name, locations):
        return None
    server = QLocalServer()
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    if not server.listen(name):
        if server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
            log.warning("single instance: cannot listen on %s: %s", name, server.errorString())
            return InstanceServer(None)
        if _send(name, locations):  # another instance started at the same moment, and won
            return None
        log.info("single instance: removing the stale socket %s", name)
        QLocalServer.removeServer(name)
        if not server.listen(name):
            log.warning("single instance: cannot listen on %s: %s", name, server.errorString())
            return InstanceServer(None)
    log.info("single instance: listening on %s", server.fullServerName())
    return InstanceServer(server)


def _send(name: str, locations: list[str]) -> bool:
    """True when a running instance took ``locations``; False when none is listening.

    Blocking waits, bounded: only a process that has no window yet calls this.
    """
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(json.dumps({"open": locations}).encode("utf-8") + b"\n")
    answer = b""
    # waitForReadyRead also sends what write() buffered.
    while b"\n" not in answer and socket.waitForReadyRead(ANSWER_MS):
        answer += bytes(socket.readAll().data())
    socket.abort()
    if answer.startswith(b"ok"):
        log.info("single instance: handed %s to the running Moments", locations or "nothing")
        return True
    raise InstanceBusyError(
        "Moments is already running but did not answer. "
        "To start another player anyway: moments --new-window"
    )


class InstanceServer(QObject):
    """The running instance's end: emits ``open_requested`` for each request it reads."""

    open_requested = Signal(list)
    """The locations another ``moments`` was started with (may be empty: just show up)."""

    def __init__(self, server: QLocalServer | None) -> None:
        super().__init__()
        self._server = server
        self._buffers: dict[QLocalSocket, bytes] = {}
        if server is not None:
            server.setParent(self)
            server.newConnection.connect(self._on_new_connection)

    def is_listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()

    def _on_new_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        if socket not in self._buffers:
            return
        data = self._buffers[socket] + bytes(socket.readAll().data())
        if b"\n" not in data:
            if len(data) > MAX_REQUEST:
                log.warning("single instance: request too long; dropped")
                socket.abort()
            else:
                self._buffers[socket] = data
            return
        del self._buffers[socket]
        locations = _parse(data.split(b"\n", 1)[0])
        if locations is None:
            socket.abort()
            return
        socket.write(b"ok\n")
        socket.disconnectFromServer()
        self.open_requested.emit(locations)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()


def _parse(line: bytes) -> list[str] | None:
    try:
        request = json.loads(line.decode("utf-8"))
    except ValueError:
        log.warning("single instance: unreadable request %r", line[:200])
        return None
    opened = request.get("open") if isinstance(request, dict) else None
    if not isinstance(opened, list) or not all(isinstance(item, str) for item in opened):
        log.warning("single instance: request without locations %r", line[:200])
        return None
    return [item for item in opened if item.strip()]


def present(window: MainWindow, locations: list[str]) -> None:
    """Bring ``window`` to the front and open the first of ``locations``."""
    if locations:
        if len(locations) > 1:
            log.info("another instance asked for %d locations; opening the first", len(locations))
        log.info("opening %s for another instance", locations[0])
        window.open(locations[0])
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()
