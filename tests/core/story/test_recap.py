"""The recap planner and the path map, on a run of the branching story."""

from __future__ import annotations

from pathlib import Path

from moments.core.story import EndingKind, StoryEngine
from moments.core.story.pathmap import path_map
from moments.core.story.recap import plan_recap
from tests.support.stories import branching, story_of


def _run(tmp_path: Path) -> StoryEngine:
    engine = StoryEngine(story_of(tmp_path, branching()))
    engine.start()
    engine.advance()
    engine.choose(1, 17000)  # the cave
    engine.advance()
    engine.advance()  # camp_brave
    engine.choose(0, 45000)  # home
    engine.advance()
    engine.advance()
    assert engine.ending is not None
    return engine


def test_recap_ranges_and_captions(tmp_path: Path) -> None:
    engine = _run(tmp_path)
    plan = plan_recap(engine.story, engine.path)
    film = tmp_path / "film.mp4"
    assert [(r.media, r.start_ms, r.end_ms) for r in plan.ranges] == [
        (film, 12000, 15000),  # 3 s before “Which way?” shows (at 15 s)
        (film, 30000, 32500),  # the cave's first 2.5 s
        # “Go home?” shows as camp_brave starts (no lead-in); home's first 2.5 s:
        (film, 60000, 62500),
    ]
    assert plan.duration_ms == 8000
    texts = [(c.text, c.start, c.end, c.y) for c in plan.captions]
    assert texts == [
        ("My path through Branching", 0.0, 2.5, 0.16),
        ("Which way? → Cave", 2.0, 5.5, 0.84),
        ("Go home? → Home", 4.5, 8.0, 0.84),
        ("The end: Home", 4.5, 8.0, 0.84 - 0.11),
    ]


def test_recap_merges_ranges_that_touch(tmp_path: Path) -> None:
    engine = _run(tmp_path)
    plan = plan_recap(engine.story, engine.path, before_ms=3000, after_ms=10000)
    # the cave (30–40 s) runs straight into camp_brave (40–50 s): one range, not two
    assert [(r.start_ms, r.end_ms) for r in plan.ranges] == [
        (12000, 15000),
        (30000, 40000),
        (60000, 70000),
    ]


def test_nothing_to_recap_before_a_choice(tmp_path: Path) -> None:
    engine = StoryEngine(story_of(tmp_path, branching()))
    engine.start()
    plan = plan_recap(engine.story, engine.path)
    assert plan.ranges == () and plan.captions == ()


def test_path_map_counts_seen_and_found(tmp_path: Path) -> None:
    engine = _run(tmp_path)
    view = path_map(engine.story, engine.progress)
    assert [(c.id, c.title, c.seen, len(c.segments)) for c in view.chapters] == [
        ("one", "The start", 2, 2),
        (None, "Other scenes", 3, 6),
    ]
    assert [(e.id, e.kind, e.found) for e in view.endings] == [
        ("good", EndingKind.CREDITS, True),
        ("bad", EndingKind.GO_BACK, False),
    ]
    assert (view.seen, view.total, view.found, view.plays) == (5, 8, 1, 1)
