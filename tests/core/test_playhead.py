"""The playhead clock, fed with event sequences like libVLC's."""

from pytest import approx

from moments.core.playhead import SEEK_GIVE_UP_S, PlayheadClock


def playing_clock(start: float = 0.0, at: float = 100.0) -> PlayheadClock:
    clock = PlayheadClock()
    clock.reset(start, at)
    clock.set_length(120.0)
    clock.on_playing(at)
    return clock


def test_extrapolates_between_reports() -> None:
    clock = playing_clock()
    clock.on_time(2.4, 102.4)
    assert clock.value(102.65) == approx(2.65)
    clock.on_time(2.9, 102.9)
    assert clock.value(103.0) == approx(3.0)


def test_rate_scales_the_extrapolation() -> None:
    clock = playing_clock()
    clock.on_time(10.0, 110.0)
    clock.on_rate(2.0, 111.0)
    assert clock.value(112.0) == approx(13.0)


def test_pause_freezes_and_ignores_stale_reports() -> None:
    clock = playing_clock()
    clock.on_time(5.0, 105.0)
    clock.on_paused(105.3)
    assert clock.value(200.0) == approx(5.3)
    clock.on_time(4.8, 105.5)  # libVLC's lagging report after the pause
    assert clock.value(200.0) == approx(5.3)
    clock.on_playing(300.0)
    assert clock.value(300.5) == approx(5.8)


def test_seek_holds_target_until_confirmed_and_drops_stale_reports() -> None:
    clock = playing_clock()
    clock.on_time(5.0, 105.0)
    clock.on_seek(60.0, 105.1)
    assert clock.value(105.4) == approx(60.0)
    clock.on_time(5.25, 105.2)  # report from before the seek
    assert clock.value(105.4) == approx(60.0)
    clock.on_time(60.0, 105.5)
    assert clock.value(105.7) == approx(60.2)


def test_opening_at_a_start_time_waits_for_its_report() -> None:
    clock = PlayheadClock()
    clock.reset(0.3, 100.0)
    clock.on_seek(0.3, 100.0)  # Player.open(start_at=0.3)
    clock.on_playing(100.5)  # playing, but the first frame is not up yet
    assert clock.value(101.0) == approx(0.3)


def test_report_from_before_a_confirmed_seek_is_ignored() -> None:
    clock = playing_clock()
    clock.on_seek(12.0, 100.0)
    clock.on_time(12.001, 100.0)  # libVLC confirms at once…
    clock.on_time(0.0, 101.0)  # …then reports the time from before the seek
    assert clock.value(101.2) == approx(13.201)
    clock.on_time(1.0, 102.0)  # long after: a real jump (libVLC knows best)
    assert clock.value(102.0) == approx(1.0)


def test_report_from_before_a_confirmed_backward_seek_is_ignored() -> None:
    clock = playing_clock(start=60.0)
    clock.on_seek(10.0, 100.0)
    clock.on_time(10.0, 100.1)
    clock.on_time(60.3, 100.2)
    assert clock.value(100.5) == approx(10.4)


def test_seek_gives_up_waiting_after_a_while() -> None:
    clock = playing_clock()
    clock.on_seek(60.0, 100.0)
    clock.on_time(10.0, 100.0 + SEEK_GIVE_UP_S - 1)
    assert clock.value(100.0 + SEEK_GIVE_UP_S - 1) == approx(60.0)  # still waiting
    clock.on_time(10.0, 100.0 + SEEK_GIVE_UP_S + 1)
    assert clock.value(100.0 + SEEK_GIVE_UP_S + 1) == approx(10.0)


def test_paused_seek_shows_target() -> None:
    clock = playing_clock()
    clock.on_paused(101.0)
    clock.on_seek(42.02, 102.0)
    clock.on_time(41.5, 102.2)
    assert clock.value(103.0) == approx(42.02)


def test_playing_after_a_paused_seek_runs_from_its_target() -> None:
    clock = playing_clock()
    clock.on_paused(101.0)
    clock.on_seek(42.0, 102.0)
    clock.on_playing(103.0)  # no report came while paused
    assert clock.value(103.5) == approx(42.5)
    clock.on_time(42.4, 103.45)
    assert clock.value(103.5) == approx(42.45)


def test_playing_right_after_a_paused_seek_waits_for_its_report() -> None:
    clock = playing_clock()
    clock.on_paused(101.0)
    clock.on_seek(42.0, 102.0)
    clock.on_playing(102.01)
    assert clock.value(102.3) == approx(42.0)


def test_end_and_length_clamp() -> None:
    clock = playing_clock(start=119.0)
    assert clock.value(105.0) == approx(120.0)
    clock.on_end(105.0)
    assert clock.value(200.0) == approx(120.0)
