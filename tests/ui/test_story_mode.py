"""Story mode in the main window, with real libVLC on a frame-coded story: opened as a file,
the choice overlay on screen over the picture at its time, keys, mouse and the timer, the
false ending that goes back, both endings, leaving story mode, and resuming after a
restart. What the screen shows is read back from the frame codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from moments.core.paths import AppDirs
from moments.core.settings import Preferences
from moments.core.story import ChoiceView, EndingView, load_story
from moments.core.story.walk import walk
from moments.ui import single_instance
from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from moments.ui.story.session import StorySession
from tests.support.coded_story import (
    SEGMENTS,
    make_film,
    picture_rect,
    segment_of,
    segments_seen,
    ways_doc,
    write_story,
)
from tests.support.framecode import CodedVideo
from tests.support.screen_strip import StripSampler
from tests.ui.conftest import WindowFactory, wait_state


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_film(tmp_path_factory.mktemp("story film"))


@pytest.fixture
def story(film: Path) -> Path:
    return write_story(film.parent, ways_doc())


def session_of(qtbot: QtBot, window: MainWindow) -> StorySession:
    qtbot.waitUntil(lambda: window.story.session is not None, timeout=20_000)
    session = window.story.session
    assert session is not None
    return session


def overlay_on_screen(window: MainWindow) -> bool:
    """The overlay's band is really on the screen, over the bottom of the video area: its
    background covers most of the pixels there (grabbed from the X server's root window)."""
    overlay = window.story.overlay
    if not overlay.isVisible():
        return False
    deck = window.story.deck
    assert deck is not None
    bottom = deck.mapToGlobal(QPoint(0, deck.height()))
    if abs(overlay.geometry().bottom() + 1 - bottom.y()) > 2 or overlay.width() != deck.width():
        return False
    geometry = overlay.geometry()
    image = (
        QGuiApplication.primaryScreen()
        .grabWindow(0, geometry.x(), geometry.y(), geometry.width(), geometry.height())
        .toImage()
    )
    dark = total = 0
    for x in range(0, image.width(), 7):
        for y in range(0, image.height(), 5):
            colour = image.pixelColor(x, y)
            total += 1
            dark += colour.red() < 40 and colour.green() < 40 and colour.blue() < 45
    return dark > total * 0.5


def sample_deck(window: MainWindow) -> StripSampler:
    deck = window.story.deck
    assert deck is not None
    return StripSampler(picture_rect(deck)).start()


def test_a_story_plays_chosen_with_keys_through_both_endings(
    qtbot: QtBot, window: MainWindow, story: Path
) -> None:
    """The overlay shows at its time, on screen; 2 takes the right branch, whose false ending
    goes back to the choice; Enter takes the highlighted (default) option; the end card."""
    window.open(str(story))
    session = session_of(qtbot, window)
    sampler = sample_deck(window)
    events: list[object] = []
    session.driver.choice_shown.connect(events.append)
    session.driver.ended.connect(events.append)
    try:
        assert window.stack.currentWidget() is window.story.deck
        assert window.controls.currentWidget() is window.story.bar
        with qtbot.waitSignal(session.driver.choice_shown, timeout=20_000):
            pass
        qtbot.waitUntil(lambda: overlay_on_screen(window), timeout=3000)
        assert window.story.overlay.options_shown() == ["1  Left", "2  Right"]
        QTest.keyClick(window, Qt.Key.Key_2)
        assert session.engine.decision is not None and session.engine.decision.option == 1
        with qtbot.waitSignal(session.driver.ended, timeout=20_000) as lost:
            pass
        assert isinstance(lost.args[0], EndingView) and lost.args[0].title == "Lost"
        # the false ending goes back by itself: the choice shows again
        with qtbot.waitSignal(session.driver.choice_shown, timeout=20_000):
            pass
        qtbot.waitUntil(lambda: overlay_on_screen(window), timeout=3000)
        QTest.keyClick(window, Qt.Key.Key_Return)
        assert session.engine.decision is not None and session.engine.decision.option == 0
        with qtbot.waitSignal(session.driver.ended, timeout=20_000) as home:
            pass
    finally:
        runs = sampler.stop()
    assert isinstance(home.args[0], EndingView) and home.args[0].title == "Home"
    expected = [s.clip.segment for s in walk(load_story(story), ["1", "0"]).steps]
    assert segments_seen(runs) == expected
    assert [type(e) for e in events] == [ChoiceView, EndingView, ChoiceView, EndingView]
    qtbot.waitUntil(lambda: overlay_on_screen(window), timeout=3000)
    assert "Play again" in " ".join(window.story.overlay.options_shown())
    assert session.progress.endings == ["lost", "home"]


def test_the_timer_takes_the_default_and_the_mouse_plays_again(
    qtbot: QtBot, window: MainWindow, story: Path
) -> None:
    window.open(str(story))
    session = session_of(qtbot, window)
    overlay = window.story.overlay
    with qtbot.waitSignal(session.driver.choice_shown, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: overlay.timer.fraction_left() < 0.9, timeout=3000)
    assert overlay.timer.isVisible()
    with qtbot.waitSignal(session.driver.choice_closed, timeout=10_000) as closed:
        pass
    assert closed.args[0].timed_out and closed.args[0].option == 0
    with qtbot.waitSignal(session.driver.ended, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: overlay_on_screen(window), timeout=3000)
    again = next(b for b in overlay.buttons if "Play again" in b.text())
    with qtbot.waitSignal(session.driver.segment_started, timeout=10_000) as started:
        QTest.mouseClick(again, Qt.MouseButton.LeftButton)
    assert started.args[0].segment == "intro"
    assert session.progress.plays == 2


def test_without_timers_the_picture_holds_until_the_viewer_chooses(
    qtbot: QtBot, make_window: WindowFactory, story: Path
) -> None:
    window = make_window(prefs=Preferences(edit_on_capture=False, story_timers=False))
    window.open(str(story))
    session = session_of(qtbot, window)
    with qtbot.waitSignal(session.driver.choice_shown, timeout=20_000):
        pass
    overlay = window.story.overlay
    assert not overlay.timer.isVisible()
    qtbot.waitUntil(lambda: session.driver.holding, timeout=10_000)
    qtbot.wait(1000)  # well past the segment's end: nothing is chosen for the viewer
    sampler = sample_deck(window)
    qtbot.wait(500)
    codes = {r.code for r in sampler.stop()}
    assert session.engine.choice is not None
    last_intro = SEGMENTS["intro"][1] * 25 // 1000 - 1
    assert codes == {last_intro}, "the intro's last frame holds"
    right = overlay.buttons[1]
    with qtbot.waitSignal(session.driver.segment_started, timeout=10_000) as started:
        QTest.mouseClick(right, Qt.MouseButton.LeftButton)
    assert started.args[0].segment == "right"


def test_opening_a_film_leaves_story_mode(
    qtbot: QtBot, window: MainWindow, story: Path, coded_video: CodedVideo
) -> None:
    window.open(str(story))
    session = session_of(qtbot, window)
    qtbot.waitUntil(lambda: session.player().state() == PlayerState.PLAYING, timeout=20_000)
    assert not window.player_actions.play_pause.isEnabled()
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    assert window.story.session is None and window.story.deck is None
    assert window.stack.currentWidget() is window.video
    assert window.controls.currentWidget() is window.transport
    assert window.player_actions.play_pause.isEnabled()
    assert not window.story.actions.play_pause.isEnabled()
    assert not window.story.overlay.isVisible()
    QTest.keyClick(window, Qt.Key.Key_Space)  # Space is the film's again
    wait_state(qtbot, window, PlayerState.PAUSED)


def test_a_story_resumes_where_it_was_left_after_a_restart(
    qtbot: QtBot, make_window: WindowFactory, story: Path
) -> None:
    window = make_window()
    window.open(str(story))
    session = session_of(qtbot, window)
    with qtbot.waitSignal(session.driver.choice_shown, timeout=20_000):
        pass
    QTest.keyClick(window, Qt.Key.Key_2)
    with qtbot.waitSignal(session.driver.segment_started, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: session.position_ms() > SEGMENTS["right"][0] + 800, timeout=10_000)
    window.close()
    saved = json.loads(next((AppDirs.from_environment().stories).glob("*.json")).read_text())
    assert saved["session"]["segment"] == "right"
    left_at = saved["session"]["position_ms"]
    assert SEGMENTS["right"][0] + 700 <= left_at < SEGMENTS["right"][1]

    again = make_window()
    again.open(str(story))
    resumed = session_of(qtbot, again)
    assert resumed.resumed
    qtbot.waitUntil(lambda: resumed.player().state() == PlayerState.PLAYING, timeout=20_000)
    sampler = sample_deck(again)
    qtbot.wait(300)
    runs = sampler.stop()
    codes = [r.code for r in runs if r.code is not None]
    assert codes and segment_of(codes[0]) == "right"
    assert abs(codes[0] * 40 - left_at) <= 400
    assert resumed.engine.now.segment == "right" and resumed.can_go_back()
    assert "Resumed" in again.toast.text.text()
    resumed.go_back()  # the path came back too: back to the choice it was made at
    assert resumed.engine.now.segment == "intro" and resumed.engine.choice is not None


def test_a_story_left_at_its_end_reopens_on_its_last_frame(
    qtbot: QtBot, make_window: WindowFactory, story: Path
) -> None:
    """Reopened after it ended, the story shows the ending's last frame, still, behind the
    end card (not a black picture)."""
    window = make_window()
    window.open(str(story))
    session = session_of(qtbot, window)
    with qtbot.waitSignal(session.driver.choice_shown, timeout=20_000):
        pass
    QTest.keyClick(window, Qt.Key.Key_1)
    with qtbot.waitSignal(session.driver.ended, timeout=30_000):
        pass
    window.close()

    again = make_window()
    again.open(str(story))
    resumed = session_of(qtbot, again)
    qtbot.waitUntil(lambda: overlay_on_screen(again), timeout=10_000)
    assert "The end: Home" in again.story.overlay.prompt.text()
    deck = again.story.deck
    assert deck is not None
    qtbot.waitUntil(lambda: deck.current_key() == ("ending", "home"), timeout=20_000)
    qtbot.wait(300)
    sampler = sample_deck(again)
    qtbot.wait(300)
    runs = sampler.stop()
    codes = {r.code for r in runs if r.code is not None}
    last = SEGMENTS["home"][1] * 25 // 1000 - 1
    assert codes == {last}, codes
    assert resumed.player().state() == PlayerState.PAUSED


@pytest.mark.parametrize(
    ("problem", "says"),
    [
        ("broken json", "is not valid JSON"),
        ("missing media", "is not there"),
        ("10,000 segments", "at most 5,000"),
        ("a cycle", "in a circle with no choice"),
    ],
)
def test_a_bad_story_gets_one_clear_message(
    qtbot: QtBot, window: MainWindow, film: Path, coded_video: CodedVideo, problem: str, says: str
) -> None:
    folder = film.parent
    doc = ways_doc()
    if problem == "broken json":
        path = folder / "broken.story.json"
        path.write_text('{"format": 1, "segments": {', encoding="utf-8")
    else:
        if problem == "missing media":
            doc["media"] = "nowhere.mp4"
        elif problem == "10,000 segments":
            doc["segments"] = {f"s{n}": {"start": n, "end": n + 1} for n in range(10_000)}
        else:  # left → home → left …, no choice in the loop
            doc["segments"]["home"] = {"start": 10000, "end": 12000, "next": "left"}
            doc["segments"]["lost"]["ending"] = {"title": "Lost", "kind": "credits"}
        path = write_story(folder, doc, f"{problem}.story.json")
    window.open(str(path))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.panel, timeout=20_000)
    assert window.panel.title.text() == "This story cannot be played"
    assert says in window.panel.text.text(), window.panel.text.text()
    assert window.story.session is None
    window.open(str(coded_video.path))  # the player is still there
    wait_state(qtbot, window, PlayerState.PLAYING)
    assert window.stack.currentWidget() is window.video


def test_a_story_dropped_or_handed_over_plays(
    qtbot: QtBot, window: MainWindow, story: Path
) -> None:
    from tests.ui.test_opening import drop

    drop(window, story)
    session = session_of(qtbot, window)
    assert session.story.path == story
    window.open(str(story.parent / "coded story.mp4"))
    qtbot.waitUntil(lambda: window.story.session is None, timeout=5000)
    single_instance.present(window, [str(story)])  # what another `moments F` sends
    assert session_of(qtbot, window).story.path == story
