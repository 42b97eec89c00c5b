"""The interpreter on stories made here: groups, conditions, state, defaults, go back,
endings, resume."""

from __future__ import annotations

from pathlib import Path

import pytest

from moments.core.errors import StoryError
from moments.core.story import (
    EndingKind,
    EndingView,
    ProgressStore,
    StoryEngine,
    StoryProgress,
)
from tests.support.stories import branching, story_of


def _engine(tmp_path: Path, doc: dict | None = None, **kwargs: object) -> StoryEngine:
    return StoryEngine(story_of(tmp_path, doc or branching()), **kwargs)  # type: ignore[arg-type]


def test_linear_part_then_choice_with_its_window_and_branches(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    clip = engine.start()
    assert (clip.segment, clip.start_ms, clip.end_ms) == ("intro", 0, 10000)
    assert clip.media == tmp_path / "film.mp4"
    assert engine.choice is None and engine.upcoming is not None
    assert engine.upcoming.segment == "hall"
    assert engine.advance().segment == "hall"  # type: ignore[union-attr]
    choice = engine.choice
    assert choice is not None and engine.upcoming is None
    assert (choice.prompt, choice.appear_ms, choice.disappear_ms) == ("Which way?", 15000, 20000)
    assert [(o.index, o.label, o.leads_to.segment) for o in choice.options] == [
        (0, "Forest", "forest"),
        (1, "Cave", "cave"),
    ]
    assert [c.segment for c in engine.branches()] == ["forest", "cave"]
    assert choice.default == 0 and choice.timer


def test_choice_changes_state_and_group_picks_the_variant(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    engine.start()
    engine.advance()
    decision = engine.choose(1, 16000)
    assert decision.switch_at_ms == 20000 and decision.next.segment == "cave"
    assert engine.state["brave"] is True and engine.state["score"] == 3
    assert engine.upcoming == decision.next
    engine.advance()
    assert engine.state["mood"] == "scared"
    assert engine.advance().segment == "camp_brave"  # type: ignore[union-attr]

    plain = _engine(tmp_path / "b")
    plain.start()
    plain.advance()
    plain.choose(0)
    plain.advance()
    assert plain.advance().segment == "camp_plain"  # type: ignore[union-attr]


def test_condition_hides_an_option_and_the_default_stays_visible(tmp_path: Path) -> None:
    doc = branching()
    doc["state"]["torch"]["default"] = False
    doc["choices"]["path"]["default"] = 1  # the cave: hidden without a torch
    engine = _engine(tmp_path, doc)
    engine.start()
    engine.advance()
    assert engine.choice is not None
    assert [o.label for o in engine.choice.options] == ["Forest"]
    assert engine.choice.default == 0
    with pytest.raises(ValueError, match="not shown"):
        engine.choose(1)
    decision = engine.timeout()
    assert decision.timed_out and decision.label == "Forest" and decision.at_ms == 20000


def test_random_default_is_seeded_and_kept_once_drawn(tmp_path: Path) -> None:
    doc = branching()
    doc["choices"]["path"]["default"] = "random"
    story = story_of(tmp_path, doc)
    drawn = set()
    for seed in range(20):
        engine = StoryEngine(story, StoryProgress(seed=seed))
        engine.start()
        engine.advance()
        assert engine.choice is not None
        first = engine.choice.default
        again = StoryEngine(story, StoryProgress(seed=seed))
        again.start()
        again.advance()
        assert again.choice is not None and again.choice.default == first
        assert engine.progress.defaults == {"path": first}
        drawn.add(first)
    assert drawn == {0, 1}
    progress = StoryProgress(seed=1, defaults={"path": 1})
    kept = StoryEngine(story, progress)
    kept.start()
    kept.advance()
    assert kept.choice is not None and kept.choice.default == 1


def test_go_back_restores_the_state_exactly_and_cuts_the_path(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    engine.start()
    engine.advance()
    before = dict(engine.state)
    assert not engine.can_go_back
    engine.choose(1)
    engine.advance()
    engine.advance()
    assert engine.state != before and engine.can_go_back
    clip = engine.go_back(at_ms=42000)
    assert clip.segment == "hall" and clip.start_ms == 10000  # 5 s before 15 s, not before 10 s
    assert dict(engine.state) == before
    assert [s.segment for s in engine.path] == ["intro", "hall"]
    assert engine.choice is not None and engine.path[-1].choice is None
    assert engine.played()[-1].end_ms == 42000
    engine.choose(0)
    assert engine.advance().segment == "forest"  # type: ignore[union-attr]


def test_false_ending_goes_back_and_real_ending_plays_again_keeping_persistent_state(
    tmp_path: Path,
) -> None:
    engine = _engine(tmp_path)
    engine.start()
    engine.advance()
    engine.choose(1)
    engine.advance()
    engine.advance()  # camp_brave
    engine.timeout()  # default 1: wander
    assert engine.advance().segment == "bad"  # type: ignore[union-attr]
    ending = engine.advance()
    assert isinstance(ending, EndingView) and ending.kind is EndingKind.GO_BACK
    assert engine.ending == ending and engine.progress.endings == ["bad"]
    clip = engine.go_back()
    assert clip.segment == "camp_brave" and engine.ending is None
    assert engine.state["brave"] is True
    engine.choose(0)
    engine.advance()
    assert engine.state["endings_seen"] == 1
    ending = engine.advance()
    assert isinstance(ending, EndingView) and ending.kind is EndingKind.CREDITS
    assert ending.title == "Home" and engine.progress.endings == ["bad", "good"]
    assert engine.play_again().segment == "intro"
    assert engine.state["endings_seen"] == 1 and engine.state["brave"] is False
    assert engine.progress.plays == 2 and engine.path[0].segment == "intro"
    assert "good" in engine.progress.seen


def test_immediate_switch_cuts_at_the_choice_and_played_spans_follow_the_screen(
    tmp_path: Path,
) -> None:
    doc = branching()
    doc["choices"]["path"]["switch"] = "immediate"
    engine = _engine(tmp_path, doc)
    engine.start()
    engine.advance()
    decision = engine.choose(0, 17500)
    assert decision.switch_at_ms == 17500
    engine.advance(at_ms=17520)
    spans = engine.played(position_ms=23000)
    assert [(s.segment, s.start_ms, s.end_ms) for s in spans] == [
        ("intro", 0, 10000),
        ("hall", 10000, 17520),
        ("forest", 20000, 23000),
    ]
    engine.jumped(23000, 21000)
    assert engine.played(22000)[-1].start_ms == 21000


def test_advance_takes_the_default_of_a_timed_choice_and_waits_without_a_timer(
    tmp_path: Path,
) -> None:
    engine = _engine(tmp_path)
    engine.start()
    engine.advance()
    assert engine.advance().segment == "forest"  # type: ignore[union-attr]
    assert engine.path[1].choice is not None and engine.path[1].choice.timed_out

    doc = branching()
    doc["choices"]["path"]["timer"] = False
    waiting = _engine(tmp_path / "b", doc)
    waiting.start()
    waiting.advance()
    with pytest.raises(RuntimeError, match="waiting for the viewer"):
        waiting.advance()


def test_snapshot_and_resume_through_the_store(tmp_path: Path) -> None:
    story = story_of(tmp_path, branching())
    store = ProgressStore(tmp_path / "progress")
    engine = StoryEngine(story, store.load(story))
    engine.start()
    engine.advance()
    engine.choose(1, 16000)
    engine.advance()
    engine.advance()
    engine.progress.session = engine.snapshot(position_ms=43000)
    store.save(story, engine.progress)

    again = StoryEngine(story, store.load(story))
    clip = again.resume()
    assert not isinstance(clip, EndingView)
    assert (clip.segment, clip.start_ms) == ("camp_brave", 43000)
    assert again.state == engine.state and again.path == engine.path
    assert again.can_go_back
    assert again.go_back().segment == "hall"
    assert again.state["brave"] is False


def test_a_session_that_no_longer_fits_starts_afresh(tmp_path: Path) -> None:
    story = story_of(tmp_path, branching())
    progress = StoryProgress(session={"segment": "gone", "position_ms": 5})
    assert StoryEngine(story, progress).resume().segment == "intro"  # type: ignore[union-attr]
    damaged = tmp_path / "progress"
    store = ProgressStore(damaged)
    store.path_for(story).parent.mkdir()
    store.path_for(story).write_text("{broken")
    assert store.load(story).seen == []


def test_a_group_with_no_fitting_candidate_stops_with_a_clear_message(tmp_path: Path) -> None:
    doc = branching()
    doc["groups"]["camp"]["candidates"][1]["condition"] = {"var": "brave"}
    engine = _engine(tmp_path, doc)
    engine.start()
    engine.advance()
    engine.choose(0)
    with pytest.raises(StoryError, match="no segment of the group “camp” fits"):
        engine.advance()
