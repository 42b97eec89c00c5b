"""Start the GUI: the QApplication, error hooks, the startup checks and the main window."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from moments import APP_ID, APP_NAME, __version__
from moments.core.errors import ToolMissingError
from moments.core.paths import AppDirs, resources_dir
from moments.core.settings import load_preferences
from moments.core.source import normalize_location
from moments.ui import single_instance
from moments.ui.common import messages

log = logging.getLogger(__name__)


def create_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    icon = resources_dir() / "icons" / "moments.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    messages.install_excepthooks()
    return app


def startup_problem_text() -> str | None:
    """libVLC or ffmpeg missing: the doctor's sentence and fix, for a dialog."""
    from moments.doctor import essential_problems

    problems = essential_problems()
    if not problems:
        return None
    lines = [f"{c.name}: {c.detail}\n    Fix: {c.fix}" for c in problems]
    return "Moments cannot start:\n\n" + "\n\n".join(lines) + "\n\nRun `moments doctor` for more."


def quit_on_signals(window: QWidget) -> QObject:
    """Close ``window`` cleanly on SIGINT/SIGTERM (saving what closing saves).

    Python runs signal handlers only when it holds control, which Qt's event loop does not
    give it; the signal wakes a socket that Qt watches instead.
    """
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    notifier = _SignalWakeup((reader, writer), window)

    def on_signal() -> None:
        with contextlib.suppress(OSError):
            reader.recv(64)
        log.info("closing on a signal")
        window.close()

    notifier.activated.connect(on_signal)
    return notifier


class _SignalWakeup(QSocketNotifier):
    """Qt's watch on the socket Python's signal wakeup writes to. It holds both ends open:
    a socket object closes its descriptor when it is collected."""

    def __init__(self, sockets: tuple[socket.socket, socket.socket], parent: QObject) -> None:
        super().__init__(sockets[0].fileno(), QSocketNotifier.Type.Read, parent)
        self.sockets = sockets


def run_gui(locations: list[str], *, fullscreen: bool = False, new_window: bool = False) -> int:
    dirs = AppDirs.from_environment().ensure()
    app = create_application(sys.argv[:1])
    locations = [normalize_location(loc) for loc in locations if loc.strip()]
    if new_window or os.environ.get("MOMENTS_NEW_WINDOW", "") not in ("", "0"):
        return _run_window(app, dirs, locations, fullscreen, None)
    try:
        instance = single_instance.claim(locations)
    except single_instance.InstanceBusyError as exc:
        print(exc, file=sys.stderr)
        return 1
    if instance is None:
        return 0  # the running Moments opens them
    try:
        return _run_window(app, dirs, locations, fullscreen, instance)
    finally:
        instance.close()


def _run_window(
    app: QApplication,
    dirs: AppDirs,
    locations: list[str],
    fullscreen: bool,
    instance: single_instance.InstanceServer | None,
) -> int:
    problem = startup_problem_text()
    if problem:
        log.error("%s", problem)
        print(problem, file=sys.stderr)
        QMessageBox.critical(None, APP_NAME, problem)
        return 1
    from moments.ui.player.window import MainWindow

    try:
        window = MainWindow(dirs, load_preferences(dirs.settings_file))
    except ToolMissingError as exc:  # libVLC present but refusing to start
        text = f"Moments cannot start:\n\n{exc}\n    Fix: {exc.fix}"
        log.error("%s", text)
        print(text, file=sys.stderr)
        QMessageBox.critical(None, APP_NAME, text)
        return 1
    window.show()
    signals = quit_on_signals(window)
    if instance is not None:
        instance.open_requested.connect(lambda found: single_instance.present(window, found))
    if fullscreen:
        window.set_fullscreen(True)
    if locations:
        window.open(locations[0])
    else:
        window.open_demo()
    code = app.exec()
    signals.deleteLater()
    return code
