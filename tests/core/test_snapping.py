"""Where a Moment's ends snap: shot changes, sentence ends, pauses, never half a line."""

from __future__ import annotations

import numpy as np
import pytest

from moments.core.scene.signals import AudioSignals
from moments.core.scene.snapping import (
    Snap,
    audio_pauses,
    is_sentence_end,
    sentence_ends,
    snap_ends,
)
from moments.core.scene.transitions import Transition
from moments.core.subtitles import Cue

PRESS = 100.0
CLOCK = (90.0, 105.0)


def cut(t: float) -> Transition:
    return Transition("cut", t, t, round(t * 25))


def test_start_on_the_cut_nearest_ten_seconds_before() -> None:
    cuts = [cut(78.0), cut(85.0), cut(91.5), cut(97.0)]  # 97: closer than 4 s, not looked at
    snap = snap_ends(PRESS, CLOCK, cuts)
    assert (snap.start, snap.start_why) == (91.5, "cut")
    assert snap_ends(PRESS, CLOCK, [cut(78.0), cut(97.0)]).start_why == "clock"


def test_end_at_the_first_line_end_or_cut_after_two_seconds() -> None:
    lines = [Cue(100.5, 101.5, "Hi."), Cue(102.0, 104.0, "Where were you?"),
             Cue(104.5, 107.0, "Out.")]  # fmt: skip
    snap = snap_ends(PRESS, CLOCK, [cut(106.0)], lines)
    assert (snap.end, snap.end_why) == (104.0, "sentence")  # 101.5 is before press + 2
    snap = snap_ends(PRESS, CLOCK, [cut(103.0)], lines)  # the cut falls inside a line
    assert (snap.end, snap.end_why) == (104.0, "sentence")
    snap = snap_ends(PRESS, CLOCK, [cut(103.0)])
    assert (snap.end, snap.end_why) == (103.0, "cut")


def test_no_boundary_keeps_the_clock_but_never_half_a_line() -> None:
    assert snap_ends(PRESS, CLOCK, []) == Snap(90.0, 105.0, "clock", "clock")
    line = [Cue(104.0, 107.5, "and so it went on and on")]  # no sentence end, over the clock
    snap = snap_ends(PRESS, CLOCK, [], line)
    assert (snap.end, snap.end_why) == (107.5, "sentence")
    starting = [Cue(89.0, 92.0, "Well")]
    snap = snap_ends(PRESS, CLOCK, [cut(90.5)], starting)  # the only cut is mid-line
    assert (snap.start, snap.start_why) == (89.0, "sentence")


def test_a_fade_starts_where_the_new_shot_comes_out_of_black() -> None:
    fade = Transition("fade", 88.0, 91.0, 2200, 1.0, 89.5, 88.8)
    assert snap_ends(PRESS, CLOCK, [fade]).start == 89.5
    snap = snap_ends(50.0, (40.0, 55.0), [fade])
    assert (snap.end, snap.end_why) == (55.0, "clock")
    assert snap_ends(80.0, (70.0, 85.0), [fade]).end == 88.8  # ends with the fade to black


def test_ends_stay_in_the_media() -> None:
    snap = snap_ends(3.0, (0.0, 8.0), [cut(12.0)], duration=7.0)
    assert snap.start == 0.0 and snap.end == 7.0 and snap.end_why == "clock"


def test_sentence_ends() -> None:
    assert is_sentence_end(Cue(0, 1, "Stop!"))
    assert is_sentence_end(Cue(0, 1, '"Is it?"'))
    assert is_sentence_end(Cue(0, 1, "終わり。"))
    assert not is_sentence_end(Cue(0, 1, "and then,"))
    assert not is_sentence_end(Cue(0, 1, "I was going to..."), Cue(1.2, 2, "...say that"))
    assert is_sentence_end(Cue(0, 1, "I was going to..."), Cue(1.2, 2, "Never mind."))
    cues = [Cue(3, 4, "No."), Cue(0, 1, "Yes."), Cue(1, 2, "maybe")]
    assert sentence_ends(cues) == [1.0, 4.0]


def test_pauses_are_dips_in_the_sound_and_count_only_without_subtitles() -> None:
    t = np.round(np.arange(1, 201) * 0.1, 3)
    loud = np.full(200, -20.0, np.float32)
    loud[(t > 10.0) & (t < 10.6)] = -45.0  # a half-second pause in speech at 10 s
    audio = AudioSignals(t, loud, np.full(200, -20.0, np.float32))
    pauses = audio_pauses(audio, 0, 20)
    assert len(pauses) == 1 and pauses[0] == pytest.approx(10.1, abs=0.25)
    snap = snap_ends(8.0, (0.0, 13.0), [], [], pauses)
    assert snap.end_why == "pause" and snap.end == pauses[0]
    talked = [Cue(9.0, 11.0, "one long line without end")]
    assert snap_ends(8.0, (0.0, 13.0), [], talked, pauses).end_why != "pause"
    silent = AudioSignals(t, np.full(200, -70.0, np.float32), np.full(200, -70.0, np.float32))
    assert audio_pauses(silent) == []
