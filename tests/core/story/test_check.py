"""Every ``check`` code, each triggered by a story with exactly that defect; the clean story
gives none."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from moments.core.story.check import check_story
from moments.core.story.load import build_story
from moments.core.story.media_facts import MediaFacts, media_problems
from moments.core.story.problems import CODES, Problem
from tests.support.stories import branching, write_story

Doc = dict[str, Any]


def _check(tmp_path: Path, doc: Doc) -> list[Problem]:
    return check_story(write_story(tmp_path, doc))


def test_the_clean_story_has_no_problem(tmp_path: Path) -> None:
    assert _check(tmp_path, branching()) == []


def _dup_id(d: Doc) -> None:
    d["groups"]["intro"] = {"candidates": [{"segment": "intro"}]}


def _unknown_target(d: Doc) -> None:
    d["segments"]["forest"]["next"] = "nowhere"


def _unknown_choice(d: Doc) -> None:
    d["segments"]["hall"]["choice"] = "nope"
    del d["choices"]["path"]


def _unknown_media(d: Doc) -> None:
    d["media"] = {"a": "film.mp4", "b": "film.mp4"}
    for name, segment in d["segments"].items():
        if name != "intro":
            segment["media"] = "a" if name != "hall" else "b"


def _unknown_chapter(d: Doc) -> None:
    d["segments"]["intro"]["chapter"] = "zzz"


def _unknown_variable(d: Doc) -> None:
    d["choices"]["path"]["options"][0]["condition"] = {"!": {"var": "lamp"}}


def _bad_rule(d: Doc) -> None:
    d["choices"]["path"]["options"][0]["condition"] = {"frobnicate": [1]}


def _bad_value(d: Doc) -> None:
    d["segments"]["forest"]["set"] = {"mood": "angry"}


def _bad_follow(d: Doc) -> None:
    d["segments"]["bad"]["next"] = "intro"


def _dead_end(d: Doc) -> None:
    del d["segments"]["bad"]["ending"]


def _unreachable(d: Doc) -> None:
    d["segments"]["orphan"] = {"start": 80000, "end": 81000, "ending": {}}


def _porch(d: Doc) -> dict[str, Any]:
    d["segments"]["intro"]["next"] = "porch"
    d["segments"]["porch"] = {"start": 80000, "end": 90000, "choice": "door"}
    door = {"prompt": "Knock?", "options": [{"label": "Knock", "target": "hall"},
                                            {"label": "Wait", "target": "hall"}]}  # fmt: skip
    d["choices"]["door"] = door
    return door


def _same_target(d: Doc) -> None:
    _porch(d)


def _bad_default(d: Doc) -> None:
    d["choices"]["path"]["default"] = 5


def _loop(d: Doc) -> None:
    d["choices"]["last"]["options"][2]["target"] = "echo"
    d["segments"]["echo"] = {"start": 80000, "end": 81000, "next": "rattle"}
    d["segments"]["rattle"] = {"start": 81000, "end": 82000, "next": "echo"}


def _bad_times(d: Doc) -> None:
    d["choices"]["path"]["appear"] = -15000


def _overlap(d: Doc) -> None:
    d["segments"]["forest"]["start"] = 15000


def _media_missing(d: Doc) -> None:
    d["media"] = "gone.mp4"


def _no_ending(d: Doc) -> None:
    for name in ("good", "bad"):
        del d["segments"][name]["ending"]
        d["segments"][name]["next"] = "intro"


ERRORS: dict[str, Callable[[Doc], None]] = {
    "DUPLICATE_ID": _dup_id,
    "UNKNOWN_TARGET": _unknown_target,
    "UNKNOWN_CHOICE": _unknown_choice,
    "UNKNOWN_MEDIA": _unknown_media,
    "UNKNOWN_CHAPTER": _unknown_chapter,
    "UNKNOWN_VARIABLE": _unknown_variable,
    "BAD_RULE": _bad_rule,
    "BAD_VALUE": _bad_value,
    "BAD_FOLLOW": _bad_follow,
    "DEAD_END": _dead_end,
    "UNREACHABLE": _unreachable,
    "SAME_TARGET": _same_target,
    "BAD_DEFAULT": _bad_default,
    "LOOP_NO_CHOICE": _loop,
    "BAD_TIMES": _bad_times,
    "OVERLAP": _overlap,
    "NO_ENDING": _no_ending,
}


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_each_error_code_alone(tmp_path: Path, code: str) -> None:
    doc = branching()
    ERRORS[code](doc)
    problems = _check(tmp_path, doc)
    assert {p.code for p in problems if p.is_error} == {code}, problems
    line = str(next(p for p in problems if p.code == code))
    assert line.startswith(f"error {code}: ") and "\n" not in line


def test_media_missing_alone(tmp_path: Path) -> None:
    path = write_story(tmp_path, branching())
    (tmp_path / "film.mp4").unlink()
    assert [p.code for p in check_story(path)] == ["MEDIA_MISSING"]


def test_broken_json_too_large_format_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "a.story.json"
    path.write_text("{")
    assert [str(p) for p in check_story(path)] == [
        "error BAD_JSON: “a.story.json” is not valid JSON: Expecting property name enclosed "
        "in double quotes at line 1 column 2"
    ]
    doc = branching()
    doc["segments"] = {f"s{i}": {"start": i, "end": i + 1, "ending": {}} for i in range(5001)}
    assert [p.code for p in _check(tmp_path / "big", doc)] == ["TOO_LARGE"]
    doc = branching()
    doc["format"] = 3
    assert [p.code for p in _check(tmp_path / "format", doc)] == ["FORMAT"]
    doc = branching()
    doc["segments"]["intro"]["start"] = -1
    doc["choices"]["path"]["options"] = doc["choices"]["path"]["options"][:1]
    problems = _check(tmp_path / "schema", doc)
    assert [p.code for p in problems] == ["SCHEMA", "SCHEMA"]
    assert "at choices/path/options: " in problems[0].message
    assert problems[1].message == "at segments/intro/start: -1 is less than the minimum of 0"


def test_a_dead_end_that_depends_on_state(tmp_path: Path) -> None:
    doc = branching()
    doc["state"]["torch"]["default"] = False
    doc["choices"]["path"]["options"][0]["condition"] = {"var": "brave"}
    problems = _check(tmp_path, doc)
    dead = [p for p in problems if p.code == "DEAD_END"]
    assert [p.message for p in dead] == [
        "in segment “hall”, no option of choice “path” is shown when brave=false, torch=false, "
        "score=0, mood=calm, endings_seen=0"
    ]


def test_same_target_with_different_state_is_a_warning(tmp_path: Path) -> None:
    doc = branching()
    _porch(doc)["options"][1]["set"] = {"score": 1}
    problems = _check(tmp_path, doc)
    assert [(p.severity, p.code) for p in problems] == [("warning", "SAME_TARGET")]
    assert "only the state differs" in problems[0].message


def test_warnings_default_hidden_unused_and_partial(tmp_path: Path) -> None:
    doc = branching()
    doc["choices"]["last"]["default"] = 2
    problems = _check(tmp_path / "a", doc)
    assert [(p.severity, p.code) for p in problems] == [("warning", "DEFAULT_HIDDEN")]
    doc = branching()
    doc["choices"]["spare"] = doc["choices"]["last"]
    assert [str(p) for p in _check(tmp_path / "b", doc)] == [
        "warning UNUSED: choice “spare” is never used"
    ]
    doc = branching()
    del doc["state"]["endings_seen"]["max"]
    doc["segments"]["bad"]["set"] = {"endings_seen": {"+": [{"var": "endings_seen"}, 1]}}
    problems = _check(tmp_path / "c", doc)
    assert [(p.severity, p.code) for p in problems] == [("warning", "PARTIAL_CHECK")]


def test_media_facts_outside_media_and_keyframes(tmp_path: Path) -> None:
    story = build_story(json.loads(write_story(tmp_path, branching()).read_text()),
                        tmp_path / "test.story.json")  # fmt: skip
    keyframes = tuple(range(0, 70000, 10000))  # every segment start but the last one
    facts = {"main": MediaFacts(72000, 40.0, keyframes)}
    problems = media_problems(story, facts)
    assert [(p.severity, p.code) for p in problems] == [
        ("error", "OUTSIDE_MEDIA"),
        ("warning", "NO_KEYFRAME"),
    ]
    assert "segment “bad” ends at 1:15.000, after “film.mp4” does (1:12.000)" in str(problems[0])
    assert "segment “bad” starts at 1:10.000" in str(problems[1])
    close = {"main": MediaFacts(75000, 40.0, (*keyframes, 70019))}
    assert media_problems(story, close) == []
    unreadable = {"main": MediaFacts(None, unreadable="the media “film.mp4”: damaged")}
    assert [p.code for p in media_problems(story, unreadable)] == ["MEDIA_MISSING"]


def test_every_code_is_documented() -> None:
    docs = (Path(__file__).parents[3] / "docs" / "stories.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in docs, code
