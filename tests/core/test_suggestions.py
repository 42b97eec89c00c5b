"""Suggested moments: shot-aligned, ranked by loudness, activity, dialogue and rewatches."""

from __future__ import annotations

import itertools

import numpy as np

from moments.core.scene.signals import (
    COLUMN,
    FEATURES,
    SIGNATURE_SIZE,
    AudioSignals,
    FrameSignals,
    SceneSignals,
)
from moments.core.scene.suggestions import RewatchHistogram, candidate_ranges, suggest
from moments.core.scene.transitions import Transition
from moments.core.subtitles import Cue

LENGTH = 300.0
SHOTS = [float(t) for t in range(0, 300, 15)][1:]


def film(loud: tuple[float, float] = (200.0, 230.0), busy: tuple[float, float] = (60, 75)):
    t = np.arange(0, LENGTH, 0.5)
    values = np.zeros((t.shape[0], len(FEATURES)), np.float32)
    values[:, COLUMN["residual"]] = 1.0
    values[(t >= busy[0]) & (t < busy[1]), COLUMN["residual"]] = 20.0
    frames = FrameSignals(t, values, np.zeros((t.shape[0], SIGNATURE_SIZE), np.uint8))
    at = np.round(np.arange(1, int(LENGTH * 10) + 1) * 0.1, 3)
    level = np.full(at.shape[0], -30.0, np.float32)
    level[(at >= loud[0]) & (at < loud[1])] = -12.0
    return SceneSignals(LENGTH, 2.0, frames, AudioSignals(at, level, level), complete=True)


CUTS = [Transition("cut", s, s, int(s * 2)) for s in SHOTS]


def test_candidates_start_and_end_on_shot_changes() -> None:
    ranges = candidate_ranges(CUTS, [], LENGTH)
    bounds = {0.0, LENGTH, *SHOTS}
    assert ranges and all(a in bounds and b in bounds for a, b in ranges)
    assert all(8 <= b - a <= 30 for a, b in ranges)
    long_shot = candidate_ranges([], [Cue(10, 19.5, "There.")], 60.0)
    assert long_shot[0] == (0.0, 19.5)  # a shot longer than 30 s is cut at sentence ends


def test_what_you_replayed_tops_the_list_and_says_so() -> None:
    replays = [0.0] * 100
    replays[50:53] = [3.0, 3.0, 2.0]  # 150–159 s, watched three more times
    found = suggest(film(), count=3, transitions=CUTS,
                    rewatches=RewatchHistogram(tuple(replays), LENGTH))  # fmt: skip
    top = found[0]
    assert top.start <= 150 and top.end >= 156
    assert "you replayed this 3×" in top.reasons
    assert all(0 <= s.score <= 1 for s in found)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    for a, b in itertools.combinations(found, 2):
        assert min(a.end, b.end) - max(a.start, b.start) <= 0.2 * (a.end - a.start)


def test_loudest_minute_busy_scene_and_quotable_line() -> None:
    cues = [Cue(96.0, 98.0, "You can't handle the truth!"), Cue(99.0, 100.0, "well")]
    found = suggest(film(), count=6, transitions=CUTS, cues=cues)
    reasons = {r for s in found for r in s.reasons}
    assert {"loudest minute", "lots of movement", "quotable line"} <= reasons
    loud = next(s for s in found if "loudest minute" in s.reasons)
    assert loud.start < 230 and loud.end > 200
    quote = next(s for s in found if "quotable line" in s.reasons)
    assert quote.start <= 96 and quote.end >= 98
    assert found[0].to_json()["reasons"] == list(found[0].reasons)


def test_nothing_to_suggest_in_nothing() -> None:
    assert suggest(SceneSignals(None, None)) == []
