"""Moments in a story, with real libVLC and ffmpeg on a frame-coded story: C keeps what was
seen across a branch switch (the played spans joined, frame by frame) with where the story
was; "Share your path" makes the recap Moment, opened in the editor, exported for Mastodon
and read back frame by frame; the path map; Help → "Try an interactive story"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from moments.core.edits import MomentEdits
from moments.core.moment import Moment
from moments.core.story import load_story
from moments.core.story.recap import plan_recap
from moments.media.export import ExportResult, Rendition
from moments.media.story_demo import make_demo_story
from moments.ui.moments.capture import Capture
from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from moments.ui.share.export import run_rendition
from moments.ui.story.session import StorySession
from tests.support.coded_story import FPS, SEGMENTS, make_film, ways_doc, write_story
from tests.support.framecode import decode_file
from tests.ui.test_story_mode import overlay_on_screen, session_of


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_film(tmp_path_factory.mktemp("story film"))


@pytest.fixture
def story(film: Path) -> Path:
    return write_story(film.parent, ways_doc())


def frames(start_ms: int, end_ms: int) -> list[int]:
    """The frames that start within [start, end): what a joined range holds."""
    return list(range(-(-start_ms * FPS // 1000), -(-end_ms * FPS // 1000)))


def play_to_home(qtbot: QtBot, window: MainWindow, story: Path) -> StorySession:
    """Open the story, choose Left at once, and wait for the end card."""
    window.open(str(story))
    session = session_of(qtbot, window)
    with qtbot.waitSignal(session.driver.choice_shown, timeout=20_000):
        pass
    QTest.keyClick(window, Qt.Key.Key_1)
    with qtbot.waitSignal(session.driver.ended, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: overlay_on_screen(window), timeout=3000)
    return session


def test_a_moment_across_a_switch_is_what_was_seen(
    qtbot: QtBot, window: MainWindow, story: Path
) -> None:
    window.open(str(story))
    session = session_of(qtbot, window)
    with qtbot.waitSignal(session.driver.choice_shown, timeout=20_000):
        pass
    QTest.keyClick(window, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: session.engine.now.segment == "left", timeout=20_000)
    qtbot.waitUntil(lambda: session.position_ms() > SEGMENTS["left"][0] + 600, timeout=10_000)
    controller = window.moments.controller
    assert controller is not None
    with qtbot.waitSignal(controller.saved, timeout=60_000) as saved:
        window.moments.capture_action.trigger()
    job = saved.args[0]
    assert isinstance(job, Capture) and job.stored is not None
    moment: Moment = job.stored
    assert not session.player().is_playing(), "the story pauses at the press"
    # the intro, then the left branch up to its end: what was seen, joined at the switch
    expected = frames(*SEGMENTS["intro"]) + frames(*SEGMENTS["left"])
    assert decode_file(Path(moment.source)) == expected
    assert moment.raw_clip == moment.source and Path(moment.source).parent == (
        window.moments.library.media_dir if window.moments.library else None
    )
    assert abs(moment.duration - len(expected) / FPS) < 0.05
    pressed_at = moment.story["session"]["position_ms"]
    assert abs(moment.press_time - (3.0 + (pressed_at - SEGMENTS["left"][0]) / 1000)) < 0.05
    assert moment.story["segment"] == "left" and moment.story["path"] == ["intro", "left"]
    assert moment.story["title"] == "Ways" and moment.title.startswith("Ways: Left")


def test_share_your_path_makes_a_recap_exported_for_mastodon(
    qtbot: QtBot, window: MainWindow, story: Path, tmp_path: Path
) -> None:
    session = play_to_home(qtbot, window, story)
    share = next(b for b in window.story.overlay.buttons if "Share your path" in b.text())
    QTest.mouseClick(share, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.moments.editors), timeout=60_000)
    (editor,) = window.moments.editors.values()
    moment = editor.model.moment
    plan = plan_recap(load_story(story), session.engine.path)
    edits = MomentEdits.of(moment)
    assert [c.text for c in edits.captions] == [c.text for c in plan.captions]
    assert [c.text for c in edits.captions][1:] == ["Which way? → Left", "The end: Home"]
    assert moment.story["path"] == ["intro", "left", "home"]

    library = window.moments.library
    rendition = Rendition(moment, edits, "mastodon", tmp_path / "recap.mp4")
    results: list[ExportResult] = []
    errors: list[BaseException] = []
    window.tasks.run(
        lambda ctx: run_rendition(ctx, rendition, library=library),
        name="export recap",
        on_success=results.append,
        on_error=errors.append,
    )
    qtbot.waitUntil(lambda: bool(results or errors), timeout=120_000)
    assert not errors, errors
    expected = [f for r in plan.ranges for f in frames(r.start_ms, r.end_ms)]
    codes = decode_file(results[0].path)
    assert len(codes) == len(expected)
    covered = [n for n, code in enumerate(codes) if code is None]
    assert all(code == want for code, want in zip(codes, expected, strict=True) if code is not None)
    # the title caption sits over the code row for its first seconds: nowhere else
    assert all(n < plan.captions[0].end * FPS + 1 for n in covered)
    assert len(covered) < len(codes) / 2


def test_the_path_map_shows_what_was_found(qtbot: QtBot, window: MainWindow, story: Path) -> None:
    play_to_home(qtbot, window, story)
    window.story.actions.path_map.trigger()
    from moments.ui.story.path_map import PathMapDialog

    dialog = window.findChild(PathMapDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.drawn, timeout=20_000)
    summary = dialog.summary.text()
    assert "Scenes seen: 3 of 5" in summary and "Endings found: 1 of 1" in summary
    assert "✓ Home" in summary
    qtbot.waitExposed(dialog)
    image = dialog.graph.grab().toImage()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 9) for y in range(0, image.height(), 9)
    }
    assert len(colours) > 3, "the graph is drawn"
    dialog.reject()
    qtbot.waitUntil(lambda: overlay_on_screen(window), timeout=3000)  # the end card is back


def test_a_wide_path_map_scrolls_to_where_the_viewer_is(
    qtbot: QtBot, window: MainWindow, film: Path
) -> None:
    """Twenty scenes in a row: too wide to show whole, so the map opens at the scene the
    viewer is at, the last one."""
    from moments.core.story import StoryProgress
    from moments.ui.story.path_map import PathMapDialog

    segments = {
        f"s{k}": {"start": k * 500, "end": k * 500 + 500, "next": f"s{k + 1}"} for k in range(20)
    }
    segments["s19"]["ending"] = {"title": "End", "kind": "credits"}
    del segments["s19"]["next"]
    doc = {"format": 1, "media": film.name, "start": "s0", "segments": segments, "choices": {}}
    story = load_story(write_story(film.parent, doc, "row.story.json"))
    progress = StoryProgress(seen=list(segments), session={"segment": "s19"})
    dialog = PathMapDialog(story, progress, window.tasks, window)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.drawn, timeout=20_000)
    here = dialog.here
    assert here is not None
    bar = dialog.area.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=3000)
    shown = dialog.area.viewport().rect().translated(bar.value(), 0)
    assert shown.contains(here.center()), (shown, here)
    dialog.reject()


def test_try_an_interactive_story_from_help(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def short(folder: Path, **kwargs: object) -> Path:
        return make_demo_story(folder, scale=0.2, size=(320, 180), **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("moments.ui.story.mode.make_demo_story", short)
    assert window.story.actions.try_story in window.menus.help.actions()
    window.story.actions.try_story.trigger()
    assert window.stack.currentWidget() is window.panel
    assert "Preparing the interactive story" in window.panel.title.text()
    qtbot.waitUntil(lambda: window.panel.progress.value() > 0, timeout=30_000)
    session = session_of(qtbot, window)
    assert session.story.display_title == "The lighthouse"
    qtbot.waitUntil(lambda: session.player().state() == PlayerState.PLAYING, timeout=30_000)
    assert session.engine.now.segment == "intro"
    assert window.stack.currentWidget() is window.story.deck
