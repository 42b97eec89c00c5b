"""A story played with real libVLC on a frame-coded film: the segments read back from the
screen come in the order the interpreter's ``walk`` gives, whether the viewer chooses or the
timer takes the default; a branch that follows on in the same film plays on, one elsewhere
is switched to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from moments.core.story import ChoiceView, Decision, EndingView, StoryEngine, load_story
from moments.core.story.walk import walk
from moments.ui.player import SwitchDeck
from moments.ui.story import StoryDriver
from tests.support import coded_story
from tests.support.framecode import make_coded_video
from tests.support.screen_strip import Run, StripSampler

FPS = 25
SEGMENTS = {
    "intro": (0, 2000),
    "left": (4000, 6000),
    "right": (8000, 10000),
    "join": (10000, 12000),
}


@pytest.fixture(scope="module")
def story_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("story")
    starts = ",".join(f"{start / 1000:.3f}" for start, _ in SEGMENTS.values())
    make_coded_video(
        folder / "film.mp4",
        fps=FPS,
        seconds=13,
        gop=250,
        extra_args=["-force_key_frames", starts],
    )
    segments = {name: {"start": start, "end": end} for name, (start, end) in SEGMENTS.items()}
    segments["intro"]["choice"] = "way"
    segments["left"]["next"] = "join"
    segments["right"]["next"] = "join"
    segments["join"]["ending"] = {"title": "Together", "kind": "credits"}
    doc = {
        "format": 1,
        "media": "film.mp4",
        "start": "intro",
        "segments": segments,
        "choices": {
            "way": {
                "prompt": "Which way?",
                "appear": -1500,
                "default": 0,
                "options": [
                    {"label": "Left", "target": "left"},
                    {"label": "Right", "target": "right"},
                ],
            }
        },
    }
    path = folder / "ways.story.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def segments_seen(runs: list[Run]) -> list[str]:
    seen: list[str] = []
    for run in runs:
        if run.code is None or (run.code == 0 and not seen):
            continue
        ms = run.code * 1000 / FPS
        name = next((n for n, (a, b) in SEGMENTS.items() if a <= ms < b), "elsewhere")
        if name == "elsewhere" and run.last - run.first < 0.5 / FPS:
            continue  # a switch up to a frame late is within the target
        if not seen or seen[-1] != name:
            seen.append(name)
    return seen


def play(qtbot: QtBot, story_path: Path, answer: int | None) -> tuple[list[str], list[object]]:
    """Play the story, choosing ``answer`` when the choice shows (None: let the timer run
    out); the segments shown and the driver's signals in order."""
    deck = SwitchDeck()
    qtbot.addWidget(deck)
    deck.setFixedSize(640, 360)
    deck.show()
    qtbot.waitExposed(deck)
    QApplication.processEvents()
    driver = StoryDriver(deck, StoryEngine(load_story(story_path)))
    events: list[object] = []
    driver.choice_shown.connect(events.append)
    driver.choice_closed.connect(events.append)
    driver.ended.connect(events.append)
    if answer is not None:
        driver.choice_shown.connect(lambda _view: driver.choose(answer))
    corner = deck.mapToGlobal(deck.rect().topLeft())
    sampler = StripSampler((corner.x(), corner.y(), 640, 360)).start()
    try:
        driver.start()
        with qtbot.waitSignal(driver.ended, timeout=20_000):
            pass
    finally:
        runs = sampler.stop()
        driver.stop()
        deck.release()
    return segments_seen(runs), events


@pytest.mark.parametrize(("answer", "walked"), [(1, "1"), (0, "0"), (None, "default")])
def test_segments_on_screen_follow_walk(
    qtbot: QtBot, story_path: Path, answer: int | None, walked: str
) -> None:
    shown, events = play(qtbot, story_path, answer)
    expected = [step.clip.segment for step in walk(load_story(story_path), [walked]).steps]
    assert shown == expected
    assert [type(e) for e in events] == [ChoiceView, Decision, EndingView]
    decision = events[1]
    assert isinstance(decision, Decision)
    assert decision.timed_out == (answer is None)
    if answer is None:  # the default was taken when the timer ran out, at the choice's end
        assert decision.option == 0
        assert decision.at_ms == SEGMENTS["intro"][1]


# -- the driver's other paths, on the ways story (tests/support/coded_story.py) -------------


@pytest.fixture(scope="module")
def ways_film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return coded_story.make_film(tmp_path_factory.mktemp("ways"))


def ways_story(film: Path, variant: str) -> Path:
    """The ways story: ``immediate`` switches at the choice, ``untimed`` waits for the
    viewer, ``files`` has one media file per segment."""
    if variant == "immediate":
        doc = coded_story.ways_doc(switch="immediate")
    elif variant == "untimed":
        doc = coded_story.ways_doc(timer=False)
    else:
        doc = coded_story.ways_doc()
        files = coded_story.cut_segment_files(film, coded_story.SEGMENTS)
        for name, segment in doc["segments"].items():
            segment["media"] = files[name].name
            segment["end"] -= segment["start"]
            segment["start"] = 0
        del doc["media"]
    return coded_story.write_story(film.parent, doc, f"{variant}.story.json")


def play_answers(
    qtbot: QtBot, story: Path, answers: list[int], *, when: str = "shown"
) -> tuple[list[str], list[object]]:
    """Play ``story`` answering each choice in turn, as soon as it shows (``shown``) or once
    the picture holds at the segment's end (``held``); the segments on screen and events."""
    deck = SwitchDeck()
    qtbot.addWidget(deck)
    deck.setFixedSize(640, 360)
    deck.show()
    qtbot.waitExposed(deck)
    QApplication.processEvents()
    driver = StoryDriver(deck, StoryEngine(load_story(story)))
    events: list[object] = []
    left = list(answers)

    def answer(_view: object) -> None:
        if not left:
            return
        if when == "shown":
            driver.choose(left.pop(0))
        else:
            QTimer.singleShot(50, when_held)

    def when_held() -> None:
        if not driver.holding:
            QTimer.singleShot(50, when_held)
            return
        events.append("held")
        QTimer.singleShot(600, lambda: driver.choose(left.pop(0)))

    for signal in (driver.choice_shown, driver.choice_closed, driver.ended):
        signal.connect(events.append)
    driver.choice_shown.connect(answer)
    corner = deck.mapToGlobal(deck.rect().topLeft())
    sampler = StripSampler((corner.x(), corner.y(), 640, 360)).start()
    try:
        driver.start()
        qtbot.waitUntil(
            lambda: any(isinstance(e, EndingView) and e.title == "Home" for e in events),
            timeout=40_000,
        )
    finally:
        runs = sampler.stop()
        driver.stop()
        deck.release()
    return coded_story.segments_seen(runs), events


@pytest.mark.parametrize("variant", ["immediate", "untimed", "files"])
def test_switches_go_back_and_per_segment_files_follow_walk(
    qtbot: QtBot, ways_film: Path, variant: str
) -> None:
    """Right, whose false ending goes back to the choice, then left to the end: on screen in
    walk's order, whether the switch is immediate, the choice waits for the viewer, or every
    segment is a file of its own."""
    story = ways_story(ways_film, variant)
    shown, events = play_answers(
        qtbot, story, [1, 0], when="held" if variant == "untimed" else "shown"
    )
    expected = [step.clip.segment for step in walk(load_story(story), ["1", "0"]).steps]
    assert expected == ["intro", "right", "lost", "intro", "left", "home"]
    assert shown == expected
    decisions = [e for e in events if isinstance(e, Decision)]
    assert [d.option for d in decisions] == [1, 0] and not any(d.timed_out for d in decisions)
    if variant == "immediate":  # cut at the choice, long before the intro's end
        assert all(d.switch_at_ms == d.at_ms < 2500 for d in decisions)
    if variant == "untimed":
        assert events.count("held") == 2
