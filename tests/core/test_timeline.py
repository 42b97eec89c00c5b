"""Viewed spans and the default Moment: "the last 10 s seen plus 5 s after the press"."""

import pytest

from moments.core.moment import SourceRange
from moments.core.timeline import ViewedSpan, ViewedSpanRing

FILM = "/films/film.mkv"
OTHER = "/films/other.mkv"


def play(ring: ViewedSpanRing, source: str, start: float, end: float, step: float = 0.25) -> None:
    """Feed positions as the player does while playing from ``start`` to ``end``."""
    t = start
    while t < end:
        ring.on_position(source, t)
        t += step
    ring.on_position(source, end)


def only(ranges: list[SourceRange]) -> tuple[float, float]:
    assert len(ranges) == 1 and ranges[0].source == FILM
    return (round(ranges[0].start, 6), round(ranges[0].end, 6))


# --- the ring -------------------------------------------------------------------------------


def test_continuous_playback_is_one_span() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 3.0, 40.0)
    assert ring.spans() == [ViewedSpan(FILM, 3.0, 40.0)]
    assert ring.current == ViewedSpan(FILM, 3.0, 40.0)


def test_small_jitter_does_not_split_but_jumps_do() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 10.0)
    ring.on_position(FILM, 9.6)  # a late, slightly earlier report: same span
    ring.on_position(FILM, 11.0)  # +1 s: still continuous
    assert ring.spans() == [ViewedSpan(FILM, 0.0, 11.0)]
    ring.on_position(FILM, 30.0)  # jump forward
    ring.on_position(FILM, 31.0)
    ring.on_position(FILM, 5.0)  # jump backward
    assert ring.spans() == [
        ViewedSpan(FILM, 0.0, 11.0),
        ViewedSpan(FILM, 30.0, 31.0),
        ViewedSpan(FILM, 5.0, 5.0),
    ]


def test_another_source_or_close_starts_a_new_span() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 5.0)
    ring.on_position(OTHER, 5.25)
    ring.close()
    assert ring.current is None
    ring.close()  # closing twice is harmless
    ring.on_position(OTHER, 5.5)
    assert ring.spans() == [
        ViewedSpan(FILM, 0.0, 5.0),
        ViewedSpan(OTHER, 5.25, 5.25),
        ViewedSpan(OTHER, 5.5, 5.5),
    ]


def test_garbage_positions_are_ignored_or_clamped() -> None:
    ring = ViewedSpanRing()
    ring.on_position(FILM, float("nan"))
    assert ring.spans() == []
    ring.on_position(FILM, -0.3)
    assert ring.spans() == [ViewedSpan(FILM, 0.0, 0.0)]


def test_ring_keeps_the_last_spans_only() -> None:
    ring = ViewedSpanRing(max_spans=4)
    for i in range(10):
        ring.on_position(FILM, i * 10.0)
        ring.on_position(FILM, i * 10.0 + 1)
    spans = ring.spans()
    assert len(spans) == 4
    assert [s.start for s in spans] == [60.0, 70.0, 80.0, 90.0]


def test_ring_keeps_at_most_max_seconds_of_viewing() -> None:
    ring = ViewedSpanRing(max_seconds=30.0)
    play(ring, FILM, 0.0, 20.0)
    ring.close()
    play(ring, FILM, 100.0, 120.0)
    spans = ring.spans()
    assert sum(s.duration for s in spans) == pytest.approx(30.0)
    assert spans[0] == ViewedSpan(FILM, 10.0, 20.0)
    play(ring, FILM, 120.0, 200.0)
    assert ring.spans() == [ViewedSpan(FILM, 170.0, 200.0)]


def test_clear_forgets_everything() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 5.0)
    ring.clear()
    assert ring.spans() == [] and ring.current is None


def test_latest_containing_prefers_the_most_recent_span() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 10.0, 30.0)
    ring.close()
    play(ring, FILM, 20.0, 25.0)
    assert ring.latest_containing(FILM, 22.0) == ViewedSpan(FILM, 20.0, 25.0)
    assert ring.latest_containing(FILM, 28.0) == ViewedSpan(FILM, 10.0, 30.0)
    assert ring.latest_containing(OTHER, 22.0) is None
    assert ring.latest_containing(FILM, 50.0) is None


# --- the default Moment ---------------------------------------------------------------------


def test_default_is_ten_seconds_before_and_five_after() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 60.0)
    assert only(ring.default_ranges(FILM, 60.0, duration=600.0)) == (50.0, 65.0)


def test_default_follows_the_latest_span_after_a_seek() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 100.0)
    ring.close()
    play(ring, FILM, 200.0, 206.0)  # sought to 200, watched 6 s
    assert only(ring.default_ranges(FILM, 206.0, duration=600.0)) == (200.0, 211.0)


def test_a_short_span_is_extended_backwards_to_three_seconds() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 100.0)
    ring.close()
    play(ring, FILM, 200.0, 201.0)  # pressed 1 s after the seek
    assert only(ring.default_ranges(FILM, 201.0, duration=600.0)) == (198.0, 206.0)


def test_a_backward_seek_inside_the_window_is_followed() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 50.0)
    ring.close()
    play(ring, FILM, 45.0, 52.0)  # re-watched 45..52: that span wins over 0..50
    assert only(ring.default_ranges(FILM, 52.0)) == (45.0, 57.0)


def test_press_in_the_first_second() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 0.5)
    assert only(ring.default_ranges(FILM, 0.5, duration=600.0)) == (0.0, 5.5)
    assert only(ViewedSpanRing().default_ranges(FILM, 0.0, duration=600.0)) == (0.0, 5.0)


def test_press_in_the_last_second_is_clamped_to_the_media() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 500.0, 599.5)
    assert only(ring.default_ranges(FILM, 599.5, duration=600.0)) == (589.5, 600.0)
    # A playhead extrapolated past the end counts as the end.
    assert only(ring.default_ranges(FILM, 603.0, duration=600.0)) == (590.0, 600.0)


def test_paused_press_uses_the_paused_frame() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 30.0)
    for _ in range(20):  # paused: the same position over and over
        ring.on_position(FILM, 30.0)
    assert ring.spans() == [ViewedSpan(FILM, 0.0, 30.0)]
    assert only(ring.default_ranges(FILM, 30.0, duration=600.0)) == (20.0, 35.0)


def test_unknown_duration_live_is_bounded_by_zero_only() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 4.0)
    assert only(ring.default_ranges(FILM, 4.0)) == (0.0, 9.0)
    play(ring, FILM, 4.0, 1000.0)
    assert only(ring.default_ranges(FILM, 1000.0)) == (990.0, 1005.0)


def test_press_without_any_viewing_falls_back_to_the_plain_window() -> None:
    assert only(ViewedSpanRing().default_ranges(FILM, 42.0, duration=600.0)) == (32.0, 47.0)


def test_spans_of_another_source_are_ignored() -> None:
    ring = ViewedSpanRing()
    play(ring, OTHER, 0.0, 100.0)
    ring.close()
    play(ring, FILM, 95.0, 100.0)
    assert only(ring.default_ranges(FILM, 100.0)) == (95.0, 105.0)


def test_custom_window() -> None:
    ring = ViewedSpanRing()
    play(ring, FILM, 0.0, 100.0)
    got = ring.default_ranges(FILM, 100.0, before=30.0, after=0.0, min_span=1.0)
    assert only(got) == (70.0, 100.0)


def test_tiny_or_empty_media() -> None:
    assert only(ViewedSpanRing().default_ranges(FILM, 0.2, duration=0.4)) == (0.0, 0.4)
    assert ViewedSpanRing().default_ranges(FILM, 0.0, duration=0.0) == []
    assert only(ViewedSpanRing().default_ranges(FILM, -3.0, duration=10.0)) == (0.0, 5.0)
    assert only(ViewedSpanRing().default_ranges(FILM, float("nan"))) == (0.0, 5.0)
