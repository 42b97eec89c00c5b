"""``walk`` (the interpreter driven by answers) and the example story in docs/stories.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from moments.core.story.check import check_story
from moments.core.story.walk import WalkError, parse_answers, walk
from tests.support.stories import branching, story_of, write_story

DOCS = Path(__file__).parents[3] / "docs" / "stories.md"


def _segments(result: object) -> list[str]:
    return [s.clip.segment for s in result.steps]  # type: ignore[attr-defined]


def test_walk_follows_answers_and_records_state(tmp_path: Path) -> None:
    story = story_of(tmp_path, branching())
    result = walk(story, parse_answers("1, 0"))
    assert _segments(result) == ["intro", "hall", "cave", "camp_brave", "good"]
    assert [s.how for s in result.steps] == ["start", "next", "choice", "next", "choice"]
    assert result.steps[2].state["mood"] == "scared" and result.steps[2].state["score"] == 3
    assert result.steps[1].choice is not None and result.steps[1].choice.label == "Cave"
    assert result.ending is not None and result.ending.id == "good"
    assert result.steps[-1].state["endings_seen"] == 1


def test_walk_default_back_again_and_stopping(tmp_path: Path) -> None:
    story = story_of(tmp_path, branching())
    result = walk(story, parse_answers("0,default,0,again,0"))
    # wander (default) is a false ending: it goes back by itself while answers remain
    assert _segments(result) == [
        "intro", "hall", "forest", "camp_plain", "bad", "camp_plain", "good",
        "intro", "hall", "forest", "camp_plain",
    ]  # fmt: skip
    assert [s.how for s in result.steps][5:8] == ["back", "choice", "again"]
    assert result.steps[-1].state["endings_seen"] == 1
    assert result.waiting == {
        "choice": "last",
        "prompt": "Go home?",
        "options": ["Home", "Wander"],
    }
    assert result.endings_found == ["bad", "good"]


def test_walk_positions_count_only_shown_options(tmp_path: Path) -> None:
    doc = branching()
    doc["state"]["torch"]["default"] = False
    story = story_of(tmp_path, doc)
    with pytest.raises(WalkError, match="shows 1 options; 1 is not one of them"):
        walk(story, ["1"])
    with pytest.raises(WalkError, match="not an answer"):
        parse_answers("0,left")


def test_walk_json_is_plain_data(tmp_path: Path) -> None:
    story = story_of(tmp_path, branching())
    data = json.loads(json.dumps(walk(story, ["1", "0"]).to_json()))
    assert data["ending"] == {"id": "good", "title": "Home", "kind": "credits"}
    assert data["steps"][0]["media"] == str(tmp_path / "film.mp4")
    assert data["steps"][1]["choice"]["label"] == "Cave"


def test_the_example_in_the_docs_is_clean_and_walks(tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(\{.*?\n\})\n```", text, re.S).group(1))  # type: ignore[union-attr]
    path = write_story(tmp_path, example, "door.story.json")
    assert check_story(path) == []
    story = story_of(tmp_path, example)
    result = walk(story, ["1", "0"])
    assert _segments(result) == ["hall", "red", "finale_brave", "home"]
    assert result.steps[1].state["brave"] is True
