"""Bad stories give one clear message (StoryError), good ones load."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from moments.core.errors import StoryError
from moments.core.story import load_story
from tests.support.stories import branching, story_of, write_story


def _refused(path: Path) -> StoryError:
    with pytest.raises(StoryError) as caught:
        load_story(path)
    return caught.value


def test_the_branching_story_loads(tmp_path: Path) -> None:
    story = story_of(tmp_path, branching())
    assert story.start == "intro" and story.display_title == "Branching"
    assert set(story.endings()) == {"good", "bad"}
    assert story.targets("camp") == ("camp_brave", "camp_plain")


def test_broken_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "broken.story.json"
    path.write_text('{"format": 1, "segments": {"a": {"start": 0,, }}}')
    error = _refused(path)
    assert str(error).startswith("This story cannot play: “broken.story.json” is not valid JSON")
    assert "line 1 column" in str(error) and error.problems[0].startswith("error BAD_JSON:")


@pytest.mark.parametrize("content", ["[1, 2]", "\ufeff", b"\xff\xfe\x00"])
def test_not_a_story_object(tmp_path: Path, content: str | bytes) -> None:
    path = tmp_path / "odd.story.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    assert "This story cannot play" in str(_refused(path))


def test_missing_file_and_missing_media(tmp_path: Path) -> None:
    assert "does not exist" in str(_refused(tmp_path / "nowhere.story.json"))
    path = write_story(tmp_path, branching())
    (tmp_path / "film.mp4").unlink()
    error = _refused(path)
    assert "the media “film.mp4” is not there" in str(error)
    assert error.problems == (f"error MEDIA_MISSING: the media “film.mp4” is not there "
                              f"(looked for {tmp_path / 'film.mp4'})",)  # fmt: skip
    assert load_story(path, require_media=False).title == "Branching"


def test_a_ten_thousand_segment_story_is_refused_quickly(tmp_path: Path) -> None:
    segments = {
        f"s{i}": {"start": i * 1000, "end": i * 1000 + 1000, "next": f"s{i + 1}"}
        for i in range(10_000)
    }
    segments["s9999"] = {"start": 9_999_000, "end": 10_000_000, "ending": {}}
    path = write_story(tmp_path, {"format": 1, "media": "f.mp4", "segments": segments,
                                  "choices": {}})  # fmt: skip
    started = time.monotonic()
    error = _refused(path)
    assert time.monotonic() - started < 2
    assert str(error) == (
        "This story cannot play: the story has 10,000 segments; Moments plays stories of at "
        "most 5,000."
    )


def test_a_cycle_with_no_choice_is_refused(tmp_path: Path) -> None:
    doc = branching()
    doc["segments"]["forest"]["next"] = "echo"
    doc["segments"]["echo"] = {"start": 80000, "end": 81000, "next": "rattle"}
    doc["segments"]["rattle"] = {"start": 81000, "end": 82000, "next": "echo"}
    assert str(_refused(write_story(tmp_path, doc))) == (
        "This story cannot play: “echo” → “rattle” → “echo” play in a circle with no choice to "
        "leave it."
    )


def test_schema_errors_name_the_place(tmp_path: Path) -> None:
    doc = branching()
    doc["segments"]["intro"]["end"] = "ten"
    doc["choices"]["path"]["options"].append({"label": ""})
    error = _refused(write_story(tmp_path, doc))
    assert error.problems[0].startswith("error SCHEMA: at choices/path/options/2")
    assert any("at segments/intro/end: \"ten\" is not of type \"integer\"" in p
               for p in error.problems)  # fmt: skip
    assert "(and 2 more: see “moments story check”)" in str(error)


def test_a_newer_format_is_named(tmp_path: Path) -> None:
    doc = branching()
    doc["format"] = 2
    assert "format 2, made for a newer Moments" in str(_refused(write_story(tmp_path, doc)))


def test_json_text_round_trips_unicode_ids(tmp_path: Path) -> None:
    doc = branching()
    doc["segments"]["épilogue"] = doc["segments"].pop("bad")
    doc["choices"]["last"]["options"][1]["target"] = "épilogue"
    path = write_story(tmp_path, doc)
    assert json.loads(path.read_text())["segments"]["épilogue"]
    assert "épilogue" in load_story(path).segments
