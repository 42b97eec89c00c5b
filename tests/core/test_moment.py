"""The Moment value and its ranges."""

import math
import time

import pytest

from moments.core.moment import Moment, SourceRange, ranges_from_json, ranges_to_json


def test_range_validates_its_times() -> None:
    assert SourceRange("a.mp4", 1.0, 2.5).duration == 1.5
    for start, end in [(2.0, 2.0), (3.0, 1.0), (-1.0, 2.0), (0.0, math.inf), (math.nan, 1.0)]:
        with pytest.raises(ValueError):
            SourceRange("a.mp4", start, end)


def test_range_contains_is_half_open() -> None:
    r = SourceRange("a.mp4", 1.0, 2.0)
    assert r.contains(1.0) and r.contains(1.999) and not r.contains(2.0)
    assert not r.contains(0.999)


def test_ranges_round_trip_through_json() -> None:
    ranges = (SourceRange("a b.mp4", 0.5, 3.25), SourceRange("ünï.mkv", 10.0, 12.0))
    assert ranges_from_json(ranges_to_json(ranges)) == ranges


def test_new_moment_has_a_readable_title_and_no_id() -> None:
    before = time.time()
    moment = Moment.new("/films/My Film.mkv", [SourceRange("/films/My Film.mkv", 73, 88)], 83.4)
    assert moment.id is None
    assert moment.title == "My Film.mkv at 1:23"
    assert before <= moment.created_at <= time.time()
    assert moment.raw_clip is None and moment.thumbnail is None and moment.edits == {}
    assert not moment.is_live
    assert moment.ranges == (SourceRange("/films/My Film.mkv", 73, 88),)


def test_duration_sums_every_range() -> None:
    moment = Moment.new("s", [SourceRange("s", 0, 2), SourceRange("t", 5, 8.5)], 1.0)
    assert moment.duration == pytest.approx(5.5)
    assert (moment.start, moment.end) == (0, 8.5)


def test_a_moment_needs_a_range() -> None:
    with pytest.raises(ValueError):
        Moment.new("s", [], 1.0)


def test_with_copies_leave_the_original_alone() -> None:
    moment = Moment.new("s", [SourceRange("s", 0, 2)], 1.0, is_live=True, title="Goal")
    stored = moment.with_id(7)
    captured = stored.with_capture("/lib/m.mkv", 1.25, "/lib/m.jpg")
    edits = {"trim": [0.5, 1.5]}
    edited = captured.with_edits(edits).with_title("Great goal")
    edits["trim"] = []  # the caller's dict is copied
    assert moment.id is None and moment.raw_clip is None and moment.title == "Goal"
    assert stored.id == 7
    assert (captured.raw_clip, captured.raw_offset, captured.thumbnail) == (
        "/lib/m.mkv",
        1.25,
        "/lib/m.jpg",
    )
    assert edited.edits == {"trim": [0.5, 1.5]} and edited.title == "Great goal"
    assert edited.is_live and edited.with_ranges([SourceRange("s", 1, 2)]).duration == 1
    with pytest.raises(AttributeError):
        moment.title = "x"  # type: ignore[misc]


def test_pictures_come_from_the_source_then_the_raw_clip(tmp_path) -> None:
    source = tmp_path / "film.mkv"
    clip = tmp_path / "moment-1.mkv"
    source.write_bytes(b"x")
    clip.write_bytes(b"x")
    moment = Moment.new(str(source), [SourceRange(str(source), 30.0, 45.0)], 40.0)
    kept = moment.with_capture(str(clip), 28.5, None)
    assert kept.pictures() == (str(source), 0.0)
    source.unlink()
    assert kept.pictures() == (str(clip), 28.5)
    live = Moment.new("udp://@:1234", [SourceRange("udp://@:1234", 3.0, 9.0)], 5.0, is_live=True)
    assert live.with_capture(str(clip), 2.0, None).pictures() == (str(clip), 2.0)
