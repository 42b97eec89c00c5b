"""Start the GUI: the QApplication, error hooks, the startup checks and the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from moments import APP_ID, APP_NAME, __version__
from moments.core.paths import AppDirs, resources_dir
from moments.core.settings import load_preferences
from moments.ui import messages

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


def run_gui(location: str | None, *, fullscreen: bool = False) -> int:
    dirs = AppDirs.from_environment().ensure()
    app = create_application(sys.argv[:1])
    problem = startup_problem_text()
    if problem:
        log.error("%s", problem)
        print(problem, file=sys.stderr)
        QMessageBox.critical(None, APP_NAME, problem)
        return 1
    from moments.ui.main_window import MainWindow

    window = MainWindow(dirs, load_preferences(dirs.settings_file))
    window.show()
    if fullscreen:
        window.set_fullscreen(True)
    if location:
        window.open(location)
    else:
        window.open_demo()
    return app.exec()
