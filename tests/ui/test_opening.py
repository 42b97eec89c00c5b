"""Opening things: files, URLs, drops, recent files, resume, subtitles, and bad input."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from moments.media.demo import make_demo
from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.framecode import CodedVideo
from tests.support.http import serve_folder
from tests.support.media import make_subtitles
from tests.ui.conftest import WindowFactory, grab_video, video_rect, wait_code, wait_state


def drop(window: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # Qt's own signatures: QDragEnterEvent takes a QPoint, QDropEvent a QPointF.
    enter = QDragEnterEvent(QPoint(200, 200), actions, mime, buttons, mods)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window, QDropEvent(QPointF(200, 200), actions, mime, buttons, mods))


def test_drop_a_file_to_play_it(qtbot: QtBot, window: MainWindow, coded_video: CodedVideo):
    drop(window, coded_video.path)
    wait_state(qtbot, window, PlayerState.PLAYING)
    wait_code(qtbot, window, lambda code: code >= 0)


def test_recent_files_and_resume_survive_a_restart(
    qtbot: QtBot, make_window: WindowFactory, long_video: CodedVideo
):
    first = make_window()
    first.open(str(long_video.path))
    wait_state(qtbot, first, PlayerState.PLAYING)
    first.player.seek(42.0)
    wait_code(qtbot, first, lambda c: 1050 <= c <= 1100)
    first.close()

    second = make_window()
    second.menus.fill_recent()
    names = [a.text() for a in second.menus.recent.actions()]
    assert names[0] == "long film.mp4"
    second.menus.recent.actions()[0].trigger()
    wait_state(qtbot, second, PlayerState.PLAYING)
    assert 41.5 <= second.player.playhead() <= 45
    wait_code(qtbot, second, lambda c: 1040 <= c <= 1150)
    assert second.toast.isVisible() and "Resumed at 0:4" in second.toast.text.text()
    second.toast.button.click()  # Start over
    wait_code(qtbot, second, lambda c: c < 100)


def test_window_geometry_is_remembered(qtbot: QtBot, make_window: WindowFactory):
    first = make_window()
    first.setGeometry(90, 70, 800, 500)
    qtbot.waitUntil(lambda: first.size().width() == 800)
    first.close()
    second = make_window(size=None)
    assert (second.width(), second.height()) == (800, 500)


def test_external_subtitles_show_on_screen(
    qtbot: QtBot, window: MainWindow, coded_video: CodedVideo, tmp_path: Path
):
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    window.player.pause()
    wait_state(qtbot, window, PlayerState.PAUSED)
    window.player.seek(2.0)
    wait_code(qtbot, window, lambda code: code == coded_video.frame_at(2.0))
    before = _bright_pixels_low(window)
    srt = make_subtitles(tmp_path / "subs é.srt", [(0.0, 20.0, "HELLO SUBTITLE WORLD")])
    drop(window, srt)
    qtbot.waitUntil(lambda: len(window.player.subtitle_tracks()) >= 2, timeout=5000)
    window.player.play()
    qtbot.waitUntil(lambda: _bright_pixels_low(window) > before + 100, timeout=5000)
    window.menus.fill_subtitle_tracks()
    checked = [a.text() for a in window.menus.subtitle_tracks.actions() if a.isChecked()]
    assert checked and checked[0] != "Disable"


def _bright_pixels_low(window: MainWindow) -> int:
    """White pixels in the lower quarter of the picture, where subtitles go."""
    image = grab_video(window)
    rect = video_rect(window)
    count = 0
    for y in range(rect.y() + rect.height() * 3 // 4, rect.bottom(), 3):
        for x in range(rect.x(), rect.right(), 3):
            if image.pixelColor(x, y).lightness() > 230:
                count += 1
    return count


def test_url_plays(qtbot: QtBot, window: MainWindow, coded_video: CodedVideo, tmp_path: Path):
    shutil.copy(coded_video.path, tmp_path / "clip one.mp4")
    with serve_folder(tmp_path) as base:
        window.open(base + quote("clip one.mp4"))
        wait_state(qtbot, window, PlayerState.PLAYING)
        wait_code(qtbot, window, lambda c: c >= 0)
        assert window.windowTitle().startswith("clip one.mp4")


@pytest.mark.parametrize(
    "location",
    ["http://127.0.0.1:9/nothing.mp4", "/nonexistent/film.mp4"],
    ids=["unreachable-url", "missing-file"],
)
def test_unplayable_location_says_so_and_player_stays_usable(
    qtbot: QtBot, window: MainWindow, coded_video: CodedVideo, location: str
):
    window.open(location)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.panel, timeout=15_000)
    text = window.panel.text.text()
    assert "nothing.mp4" in text or "film.mp4" in text
    assert "could not be played" in text or "does not exist" in text
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    wait_code(qtbot, window, lambda code: code >= 0)


@pytest.mark.corpus
def test_broken_corpus_files(qtbot: QtBot, window: MainWindow, coded_video, corpus: Path):
    """Each damaged file either plays what it can or gets a clear message; never a hang."""
    outcomes = {}
    settled = (PlayerState.ERROR, PlayerState.ENDED)
    for path in sorted((corpus / "broken").iterdir()):
        window.open(str(path))
        # libVLC may say "playing" for an instant before it gives up: wait for an end, an
        # error, or a second of real playback.
        playing_since: list[float] = []

        def outcome(playing_since: list[float] = playing_since) -> None:
            state = window.player.state()
            if state == PlayerState.PLAYING:
                playing_since.append(time.monotonic())
                assert playing_since[-1] - playing_since[0] > 1.0
            else:
                playing_since.clear()
                assert state in settled

        qtbot.waitUntil(outcome, timeout=15_000)
        state = window.player.state()
        if state == PlayerState.ERROR:
            assert path.name in window.panel.text.text()
        outcomes[path.name] = state
    assert PlayerState.ERROR in outcomes.values(), outcomes
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    wait_code(qtbot, window, lambda code: code >= 0)


def test_the_demo_film_being_made_does_not_open_over_a_file_opened_meanwhile(
    qtbot: QtBot, window: MainWindow, coded_video: CodedVideo, monkeypatch: pytest.MonkeyPatch
):
    made: list[Path] = []

    def short_demo(folder: Path, **kwargs: object) -> Path:
        made.append(make_demo(folder, scale=0.05, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr("moments.ui.player.demo_film.make_demo", short_demo)
    window.open_demo()
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    qtbot.waitUntil(lambda: bool(made), timeout=180_000)  # slow on a busy machine
    qtbot.wait(500)
    assert window.player.location() == str(coded_video.path)  # kept for next time only
    assert made[0].is_file()


def test_demo_film_made_on_first_run_then_played(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
):
    def short_demo(folder: Path, **kwargs: object) -> Path:
        return make_demo(folder, scale=0.05, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("moments.ui.player.demo_film.make_demo", short_demo)
    window.open_demo()
    assert window.stack.currentWidget() is window.panel
    assert "Preparing the demo film" in window.panel.title.text()
    qtbot.waitUntil(lambda: window.panel.progress.value() > 0, timeout=20_000)
    wait_state(qtbot, window, PlayerState.PLAYING, timeout=60_000)
    assert window.windowTitle().startswith("moments-demo")
    qtbot.waitUntil(lambda: len(window.player.subtitle_tracks()) >= 2, timeout=5000)


def test_waiting_for_the_demo_shows_the_keys_and_a_file_opened_meanwhile_keeps_playing(
    qtbot: QtBot, window: MainWindow, coded_video: CodedVideo, monkeypatch: pytest.MonkeyPatch
):
    def short_demo(folder: Path, **kwargs: object) -> Path:
        return make_demo(folder, scale=0.05, size=(320, 180), **kwargs)  # type: ignore[arg-type]

    made: list[Path] = []
    monkeypatch.setattr("moments.ui.player.demo_film.make_demo", short_demo)
    monkeypatch.setattr(window.demo, "_on_ready", _spy(made, window.demo._on_ready))
    window.open_demo()
    text = window.panel.text.text()
    assert "press C to keep the last seconds you saw" in text and "Space pauses" in text
    drop(window, coded_video.path)
    wait_state(qtbot, window, PlayerState.PLAYING)
    qtbot.waitUntil(lambda: bool(made), timeout=60_000)
    qtbot.wait(300)
    assert str(window.player.location()).endswith(coded_video.path.name)
    assert window.stack.currentWidget() is window.video


def _spy(seen: list[Path], slot: Callable[[Path], None]) -> Callable[[Path], None]:
    def record(path: Path) -> None:
        slot(path)
        seen.append(path)

    return record
