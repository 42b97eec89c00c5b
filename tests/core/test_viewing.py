"""The private viewing history: viewings counted once per bin, replays, pauses, kept
moments, the seek bar's curve, and storing it in the library."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from moments.core.library import Library
from moments.core.viewing import MAX_BINS, ViewingRecord, ViewingTracker, bins_for


def play(tracker: ViewingTracker, start: float, end: float, step: float = 0.05) -> None:
    """The playhead moving from ``start`` to ``end`` as the player reports it."""
    for t in np.arange(start, end + 1e-9, step):
        tracker.on_position(float(t))


def test_a_viewing_counts_each_second_once_and_a_replay_again() -> None:
    tracker = ViewingTracker(ViewingRecord.new("film.mkv", 60.0))
    play(tracker, 0.0, 20.0)
    record = tracker.record
    assert record.views[:20].tolist() == [1] * 20 and not record.views[21:].any()
    for _ in range(3):  # back to 10 s, three times
        play(tracker, 10.0, 14.0)
    assert record.views[10:14].tolist() == [4] * 4
    assert record.views[9] == 1 and record.views[15] == 1
    replays = record.replays()
    assert replays.peak(10.0, 14.0) == 3 and replays.peak(0.0, 9.0) == 0


def test_small_steps_back_and_jumps_forward() -> None:
    tracker = ViewingTracker(ViewingRecord.new("film.mkv", 60.0))
    play(tracker, 0.0, 5.0)
    tracker.on_position(4.9)  # the clock corrected itself by a tenth: same viewing
    play(tracker, 4.9, 8.0)
    assert tracker.record.views[:8].max() == 1
    play(tracker, 30.0, 33.0)  # a seek forward: seconds skipped are not seen
    assert not tracker.record.views[8:30].any() and tracker.record.views[30:33].tolist() == [1] * 3


def test_pauses_and_kept_moments_raise_the_curve() -> None:
    record = ViewingRecord.new("film.mkv", 100.0)
    assert record.heat() is None and record.is_empty()
    tracker = ViewingTracker(record)
    play(tracker, 0.0, 100.0)
    assert record.heat() is None  # seen once, evenly: nothing stands out
    for _ in range(3):
        play(tracker, 40.0, 45.0)
    tracker.on_kept(70.0, 72.0)
    tracker.on_pause(71.0)
    heat = record.heat()
    assert heat is not None and len(heat) == 100
    assert max(heat) == 1.0 and heat.index(1.0) in range(40, 46)
    assert 0.2 < heat[71] < 1.0 and heat[10] == 0.0


def test_stored_in_the_library_and_forgotten(tmp_path: Path) -> None:
    library = Library(tmp_path / "library.sqlite3")
    record = ViewingRecord.new("/films/a film.mkv", 90.5)
    record.views[3:7] = 2
    record.add_kept(10, 20)
    library.write_viewing(record)
    library.write_viewing(ViewingRecord.new("/films/other.mkv", 30.0))
    again = library.read_viewing("/films/a film.mkv")
    assert again is not None and again.duration == 90.5
    assert again.views.tolist() == record.views.tolist() and again.kept[10:20].all()
    library.forget_viewing("/films/other.mkv")
    assert library.read_viewing("/films/other.mkv") is None
    library.forget_viewing()
    assert library.read_viewing("/films/a film.mkv") is None
    library.close()
    data = (tmp_path / "library.sqlite3").read_bytes()
    assert b"a film.mkv" not in data  # secure_delete: the row is gone from the file too


def test_long_files_get_longer_bins() -> None:
    assert bins_for(3.2) == 4 and bins_for(8 * 3600) == MAX_BINS
    record = ViewingRecord.new("long.mkv", 8 * 3600)
    assert record.bin_s == pytest.approx(2.0)
    with pytest.raises(ValueError):
        ViewingRecord.from_blobs("x", 10.0, b"\0" * 4, b"", b"")
