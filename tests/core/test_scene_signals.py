"""The signals' bookkeeping: coverage of a file, merging stretches, windows."""

from __future__ import annotations

import math

import numpy as np

from moments.core.scene.signals import (
    FEATURES,
    SIGNATURE_SIZE,
    AudioSignals,
    Coverage,
    FrameSignals,
    SceneSignals,
)


def _frames(times: list[float], value: float = 0.0) -> FrameSignals:
    n = len(times)
    return FrameSignals(
        np.asarray(times, np.float64),
        np.full((n, len(FEATURES)), value, np.float32),
        np.zeros((n, SIGNATURE_SIZE), np.uint8),
    )


def test_coverage_joins_and_finds_gaps() -> None:
    coverage = Coverage().add(10, 20).add(30, 40).add(20, 25)
    assert coverage.spans == ((10, 25), (30, 40))
    assert coverage.missing(0, 50) == [(0, 10), (25, 30), (40, 50)]
    assert coverage.missing(12, 24) == []
    assert coverage.covers(31, 39) and not coverage.covers(24, 31)
    assert Coverage().add(5, math.inf).missing(0, 100) == [(0, 5)]


def test_merge_keeps_time_order_and_the_first_of_a_pts() -> None:
    a = _frames([0.0, 0.04, 0.08], 1.0)
    b = _frames([0.08, 0.12], 2.0)
    merged = a.merged(b)
    assert merged.t.tolist() == [0.0, 0.04, 0.08, 0.12]
    assert merged.column("luma").tolist() == [1.0, 1.0, 1.0, 2.0]
    assert merged.between(0.04, 0.1).t.tolist() == [0.04, 0.08]


def test_a_chunk_adds_only_its_stretch() -> None:
    signals = SceneSignals(duration=10.0, fps=25.0)
    lead = _frames([3.9, 3.96, 4.0, 4.04, 5.0])
    audio = AudioSignals(np.array([3.9, 4.1, 5.0]), np.zeros(3, np.float32),
                         np.zeros(3, np.float32))  # fmt: skip
    signals = signals.with_chunk(4.0, 5.0, lead, audio)
    assert signals.frames.t.tolist() == [4.0, 4.04]
    assert signals.audio.t.tolist() == [4.1, 5.0]
    assert abs(signals.fraction_done() - 0.1) < 1e-9
    assert signals.effective_fps == 25.0
