"""``moments --self-test``: does this installation really play video?

It opens the main window, plays the demo film (made first when missing) for two seconds,
checks that libVLC's own clock advanced and that a picture is on screen, closes and exits 0;
otherwise it exits 1 with one line saying why. The window works in throwaway folders, so the
user's history, settings and moments are left alone (only the demo film is kept, where the
player keeps it). A watchdog thread ends the process if anything hangs.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from moments.core.errors import ToolMissingError
from moments.core.paths import AppDirs
from moments.core.settings import load_preferences
from moments.core.timefmt import format_time
from moments.media.demo import demo_film_path, demo_is_ready, make_demo

if TYPE_CHECKING:  # both load libVLC: imported once the preflight has found it
    from moments.ui.player import PlayerState
    from moments.ui.player.window import MainWindow

log = logging.getLogger(__name__)

PLAY_S = 2.0
START_AT_S = 8.0
"""Into the test card: colour everywhere (the title card before it is nearly black)."""
REPORT_SLACK_S = 0.6
"""libVLC reports its time every 250-500 ms, so two seconds may read as 1.5."""
PLAY_TIMEOUT_S = 30.0
"""From opening the film to two seconds played."""
DEFAULT_TIMEOUT_S = 300.0
"""Everything, making the demo film included (about 1.5 min on two cores);
``MOMENTS_SELF_TEST_TIMEOUT`` changes it."""
PREFIX = "moments self-test"


def run_self_test() -> int:
    started = time.monotonic()
    reason = _preflight()
    if reason:
        return _fail(reason)
    timeout = _timeout()
    watchdog = threading.Timer(timeout + 30, _hard_exit, args=(timeout + 30,))
    watchdog.daemon = True
    watchdog.start()
    from moments.ui.app import create_application
    from moments.ui.player.window import MainWindow

    app = create_application(sys.argv[:1])
    real = AppDirs.from_environment().ensure()
    with tempfile.TemporaryDirectory(prefix="moments-self-test-") as tmp:
        root = Path(tmp)
        dirs = AppDirs(root / "data", root / "config", root / "cache", real.log).ensure()
        try:
            window = MainWindow(dirs, load_preferences(real.settings_file))
        except ToolMissingError as exc:
            watchdog.cancel()
            return _fail(f"{exc} Fix: {exc.fix}")
        check = SelfTest(window, real.demo, timeout)
        window.show()
        check.start()
        app.exec()
    watchdog.cancel()
    if check.failure:
        return _fail(check.failure)
    print(f"{PREFIX}: ok — {check.summary} ({time.monotonic() - started:.1f} s)", flush=True)
    return 0


class SelfTest(QObject):
    """Drives the window on the GUI thread with timers and signals; ``failure`` is None when
    the film played."""

    def __init__(self, window: MainWindow, demo_folder: Path, timeout_s: float) -> None:
        super().__init__(window)
        self.window = window
        self.demo_folder = demo_folder
        self.failure: str | None = "did not finish"
        self.summary = ""
        self._phase = "starting"
        self._from: float | None = None
        self._since = 0.0
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(round(timeout_s * 1000))
        self._deadline.timeout.connect(
            lambda: self._finish(f"gave up after {timeout_s:.0f} s while {self._phase}")
        )
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._check)
        self._done = False

    def start(self) -> None:
        self._deadline.start()
        if demo_is_ready(self.demo_folder):
            self._play(demo_film_path(self.demo_folder))
            return
        self._phase = "making the demo film"
        log.info("self-test: making the demo film in %s", self.demo_folder)
        self.window.panel.show_message(
            "Self-test: preparing the demo film…", "Made once, then kept.", progress=0.0
        )
        self.window.stack.setCurrentWidget(self.window.panel)
        folder = self.demo_folder
        self.window.tasks.run(
            lambda ctx: make_demo(folder, progress=ctx.progress, cancel=ctx.cancel),
            name="demo film",
            on_progress=lambda p: self.window.panel.set_progress(p.fraction),
            on_success=self._play,
            on_error=lambda exc: self._finish(f"the demo film could not be made: {exc}"),
        )

    def _play(self, path: Path) -> None:
        self._phase = "waiting for libVLC to play the demo film"
        player = self.window.player
        player.error.connect(lambda text: self._finish(f"libVLC could not play: {text}"))
        player.state_changed.connect(self._on_state)
        self.window.open(str(path), start_at=START_AT_S)
        self._poll.start()
        QTimer.singleShot(
            round(PLAY_TIMEOUT_S * 1000),
            self,
            lambda: self._finish(f"no playback within {PLAY_TIMEOUT_S:.0f} s ({self._phase})"),
        )

    def _on_state(self, state: PlayerState) -> None:
        from moments.ui.player import PlayerState

        if state in (PlayerState.ENDED, PlayerState.STOPPED, PlayerState.ERROR):
            self._finish(f"playback stopped early ({state.value})")

    def _check(self) -> None:
        from moments.ui.player import PlayerState

        player = self.window.player
        now = player.reported_time()
        if player.state() != PlayerState.PLAYING or now is None or now < START_AT_S - 1:
            return  # libVLC may report 0 before it applies the start time
        if self._from is None:
            self._from, self._since = now, time.monotonic()
            self._phase = f"playing from {format_time(now)}"
            return
        if time.monotonic() - self._since < PLAY_S:
            return
        if now - self._from < PLAY_S - REPORT_SLACK_S:
            self._finish(f"libVLC's clock moved {now - self._from:.2f} s in {PLAY_S:.0f} s")
            return
        picture = _picture_problem(self.window)
        if picture:
            self._finish(picture)
            return
        self.summary = (
            f"played the demo film from {format_time(self._from)} to {format_time(now)}, "
            f"picture on screen ({QGuiApplication.platformName()})"
        )
        self._finish(None)

    def _finish(self, failure: str | None) -> None:
        if self._done:
            return
        self._done = True
        self.failure = failure
        self._poll.stop()
        self._deadline.stop()
        log.info("self-test: %s", failure or "ok")
        self.window.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()


def _picture_problem(window: MainWindow) -> str | None:
    """None when the video view shows something other than black (checked where the screen
    can be read back: X11)."""
    if QGuiApplication.platformName() != "xcb":
        return None
    screen = QGuiApplication.primaryScreen()
    image = screen.grabWindow(int(window.video.winId())).toImage()
    if image.isNull() or image.width() < 8 or image.height() < 8:
        return "the video view could not be read back from the screen"
    small = image.scaled(64, 36).convertToFormat(QImage.Format.Format_RGB32)
    lit = sum(
        1
        for y in range(small.height())
        for x in range(small.width())
        if small.pixelColor(x, y).lightness() > 40
    )
    if lit < small.width() * small.height() // 20:
        return "libVLC played, but the video view stayed black (no picture on screen)"
    return None


def _preflight() -> str | None:
    """What stops the test before a window can open, as one line."""
    from moments.doctor import essential_problems

    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        return "no display: run it in a desktop session, or under xvfb-run"
    problems = essential_problems()
    if problems:
        first = problems[0]
        return f"{first.name}: {first.detail.rstrip('.')}. Fix: {first.fix}"
    return None


def _timeout() -> float:
    try:
        return max(10.0, float(os.environ.get("MOMENTS_SELF_TEST_TIMEOUT", DEFAULT_TIMEOUT_S)))
    except ValueError:
        return DEFAULT_TIMEOUT_S


def _fail(reason: str) -> int:
    log.error("self-test failed: %s", reason)
    print(f"{PREFIX}: FAILED: {' '.join(reason.split())}", file=sys.stderr, flush=True)
    return 1


def _hard_exit(seconds: float) -> None:
    """The watchdog: the event loop is stuck (a hung libVLC, a blocked GUI thread)."""
    os.write(2, f"{PREFIX}: FAILED: stuck for {seconds:.0f} s; stopped by the watchdog\n".encode())
    os._exit(3)
