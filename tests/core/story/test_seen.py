"""What a Moment kept in a story holds: the last seconds seen across switches, a few more of
the segment on screen, never past it."""

from __future__ import annotations

from pathlib import Path

from moments.core.story import StoryEngine
from moments.core.story.seen import seen_window
from tests.support.stories import branching, story_of


def _spans(spans: list) -> list[tuple[str, int, int]]:  # type: ignore[type-arg]
    return [(s.segment, s.start_ms, s.end_ms) for s in spans]


def test_the_window_crosses_a_switch_and_stops_at_the_segment_end(tmp_path: Path) -> None:
    engine = StoryEngine(story_of(tmp_path, branching()))
    engine.start()
    engine.advance()  # intro → hall (contiguous: 0–20000 seen)
    engine.choose(1, 16000)  # the cave
    engine.advance()  # hall's end → cave (30000)
    spans, press = seen_window(engine, 33000, before_ms=10000, after_ms=5000)
    assert _spans(spans) == [("hall", 13000, 20000), ("cave", 30000, 38000)]
    assert press == 10000
    spans, press = seen_window(engine, 39000, before_ms=4000, after_ms=5000)
    assert _spans(spans) == [("cave", 35000, 40000)] and press == 4000


def test_going_back_shows_the_replay_after_what_led_there(tmp_path: Path) -> None:
    engine = StoryEngine(story_of(tmp_path, branching()))
    engine.start()
    engine.advance()
    engine.choose(0, 16000)
    engine.advance()  # forest, from 20000
    engine.go_back(22000)  # back to hall, 5 s before its choice shows: 10000
    spans, press = seen_window(engine, 11000, before_ms=3000, after_ms=0)
    assert _spans(spans) == [("forest", 20000, 22000), ("hall", 10000, 11000)]
    assert press == 3000
