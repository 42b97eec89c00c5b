"""GUI fixtures: the real main window, real libVLC drawing into it, read back from the screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication, QImage
from pytestqt.qtbot import QtBot

from moments.core.paths import AppDirs
from moments.core.settings import Preferences
from moments.ui.common import messages
from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo, decode_pixels

WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[WindowFactory]:
    """Build main windows on the isolated folders; each is closed at the end of the test."""
    windows: list[MainWindow] = []

    def factory(
        *,
        size: tuple[int, int] | None = (960, 640),
        edit_on_capture: bool = False,
        prefs: Preferences | None = None,
    ) -> MainWindow:
        """``edit_on_capture`` is off unless asked for: the editor would take the focus from
        the window the test types into. ``prefs`` (as read from settings.json) wins."""
        messages.install_excepthooks()
        prefs = prefs if prefs is not None else Preferences(edit_on_capture=edit_on_capture)
        window = MainWindow(AppDirs.from_environment().ensure(), prefs)
        qtbot.addWidget(window)
        if size is not None:
            window.resize(*size)
        with qtbot.waitExposed(window):
            window.show()
        # No window manager under Xvfb: activate by hand, shortcuts need an active window.
        with qtbot.waitActive(window):
            window.activateWindow()
        windows.append(window)
        return window

    yield factory
    for window in windows:
        if window.isVisible():
            window.close()


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window()


def video_rect(window: MainWindow, aspect: float = 16 / 9) -> QRect:
    """Where libVLC puts a picture of ``aspect`` inside the video view (letterboxed)."""
    view = window.video
    w, h = view.width(), view.height()
    if w / h > aspect:
        pw = round(h * aspect)
        return QRect((w - pw) // 2, 0, pw, h)
    ph = round(w / aspect)
    return QRect(0, (h - ph) // 2, w, ph)


def grab_video(window: MainWindow) -> QImage:
    """The video view's pixels as the X server shows them (libVLC's output included)."""
    screen = QGuiApplication.primaryScreen()
    return screen.grabWindow(int(window.video.winId())).toImage()


def screen_code(window: MainWindow) -> int | None:
    """The frame number shown on screen now, or None if no coded frame is visible."""
    image = grab_video(window)
    rect = video_rect(window)
    ratio = image.width() / max(1, window.video.width())

    def sample(fx: float, fy: float) -> int:
        x = int((rect.x() + fx * rect.width()) * ratio)
        y = int((rect.y() + fy * rect.height()) * ratio)
        return QImage.pixelColor(image, x, y).lightness()

    return decode_pixels(sample)


def wait_state(qtbot: QtBot, window: MainWindow, state: PlayerState, timeout: int = 10_000):
    qtbot.waitUntil(lambda: window.player.state() == state, timeout=timeout)


def wait_paused(qtbot: QtBot, window: MainWindow, video: CodedVideo) -> int:
    """Wait until the player is paused, has settled, and the screen shows the frame its
    playhead froze on; that frame's code."""
    player = window.player
    wait_state(qtbot, window, PlayerState.PAUSED)
    qtbot.waitUntil(lambda: not player.is_settling(), timeout=5000)
    return wait_code(qtbot, window, lambda code: code == video.frame_at(player.playhead()))


def wait_code(
    qtbot: QtBot, window: MainWindow, want: Callable[[int], bool], timeout: int = 5000
) -> int:
    seen: list[int] = []

    def check() -> None:
        code = screen_code(window)
        assert code is not None and want(code), f"screen shows {code}"
        seen.append(code)

    qtbot.waitUntil(check, timeout=timeout)
    return seen[-1]
