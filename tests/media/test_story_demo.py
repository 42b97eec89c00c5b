"""The demo story: real ffmpeg, shortened; frame codes, keyframes, a clean check, both endings."""

from __future__ import annotations

from pathlib import Path

import pytest

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError
from moments.core.story import EndingKind, EndingView, StoryEngine, load_story
from moments.core.story.check import check_story
from moments.core.story.recap import plan_recap
from moments.core.story.walk import walk
from moments.media.export import ExportRequest, export
from moments.media.join import join_ranges
from moments.media.probe import probe
from moments.media.story_demo import (
    FPS,
    SCENES,
    demo_story_is_ready,
    demo_story_path,
    make_demo_story,
    story_document,
)
from moments.media.story_media import read_media_facts
from moments.media.tools import Progress
from tests.support.framecode import decode_file
from tests.support.stories import write_story


def test_full_length_spec() -> None:
    frames = {s.id: round(s.seconds * FPS) for s in SCENES}
    doc = story_document(frames)
    assert 120 <= sum(frames.values()) / FPS <= 180
    assert sum(frames.values()) < 4096  # every frame code is unique
    assert len(doc["choices"]) == 3 and len(doc["groups"]) == 1
    kinds = [s["ending"]["kind"] for s in doc["segments"].values() if "ending" in s]
    assert sorted(kinds) == ["credits", "credits", "go_back"]


def test_the_full_length_story_checks_clean(tmp_path: Path) -> None:
    frames = {s.id: round(s.seconds * FPS) for s in SCENES}
    path = write_story(tmp_path, story_document(frames), "demo.story.json")
    assert check_story(path) == []


def test_demo_story_is_made_and_plays_both_ways(tmp_path: Path) -> None:
    seen: list[Progress] = []
    path = make_demo_story(tmp_path, progress=seen.append, scale=0.2, size=(320, 180))
    assert path == demo_story_path(tmp_path) and demo_story_is_ready(tmp_path)
    assert seen and seen[-1].fraction == 1.0
    assert check_story(path, read_media_facts) == []  # keyframes at every segment start
    story = load_story(path)
    media = story.media["main"]
    codes = decode_file(media, size=(320, 180))
    assert codes == list(range(len(codes)))
    assert len(codes) == story.segments["dark"].end_ms * FPS // 1000

    brave = walk(story, ["1", "0", "0"])
    assert [s.clip.segment for s in brave.steps] == [
        "intro",
        "harbour",
        "tavern",
        "stairs",
        "storm_sailor",
        "rescue",
    ]
    assert brave.ending is not None and brave.ending.kind is EndingKind.CREDITS
    alone = walk(story, ["0", "1", "0", "1"])
    assert [s.clip.segment for s in alone.steps] == [
        "intro",
        "harbour",
        "stairs",
        "dark",
        "stairs",
        "storm_alone",
        "keeper",
    ]
    assert alone.ending is not None and alone.ending.title == "The last keeper"
    again = walk(story, ["0", "0", "1", "again", "2"])
    assert again.steps[-1].clip.segment == "storm_alone"  # “straight to the lamp”, after once
    assert not list(tmp_path.glob(".story-demo-*"))


def test_the_recap_of_a_path_joins_and_exports_frame_exact(tmp_path: Path) -> None:
    path = make_demo_story(tmp_path / "demo", scale=0.2, size=(320, 180))
    story = load_story(path)
    engine = StoryEngine(story)
    engine.start()
    for answer in (1, 0, 1):  # tavern, light the lamp, stay hidden
        while engine.choice is None:
            engine.advance()
        engine.choose(answer)
        engine.advance()
    assert isinstance(engine.advance(), EndingView)
    plan = plan_recap(story, engine.path)
    assert [c.text for c in plan.captions][1:] == [
        "Where do you go? → Into the tavern",
        "The lamp is out. Light it? → Light the lamp",
        "A ship in the storm! Signal it? → Stay hidden",
        "The end: The last keeper",
    ]
    joined = join_ranges(plan.ranges, tmp_path / "recap.mkv")

    def frame(ms: int) -> int:  # the first frame starting at or after ms
        return -(-ms * FPS // 1000)

    expected = [f for r in plan.ranges for f in range(frame(r.start_ms), frame(r.end_ms))]
    assert decode_file(joined, size=(320, 180)) == expected
    result = export(
        ExportRequest(
            source=str(joined),
            start=0.0,
            end=probe(str(joined)).duration or 0.0,
            destination=tmp_path / "recap.mp4",
            preset="mastodon",
        )
    )
    assert decode_file(result.path, size=(320, 180)) == expected


def test_cancel_leaves_nothing(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        make_demo_story(tmp_path, cancel=token, scale=0.2, size=(320, 180))
    assert not demo_story_is_ready(tmp_path)
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == []
