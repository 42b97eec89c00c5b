"""What one analysis pass knows about a file: per-frame picture signals, per-100 ms loudness,
and which stretches of the file they cover.

``media/analysis`` fills these from one low-resolution decode; the rest of ``core/scene``
reads them. Times are seconds in the source's own timeline (frame pts, not index / fps), so a
variable frame rate stays exact. Everything here is immutable: a merge makes a new object,
which can be handed to another thread as it is. Pure: numpy, no processes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from moments.core.subtitles import Cue

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
U8 = npt.NDArray[np.uint8]

FEATURES = ("luma", "contrast", "diff", "hist", "residual", "dx", "dy", "blend4", "blend8",
            "blend16")  # fmt: skip
"""Per-frame values, in ``FrameSignals.values`` column order:

- ``luma``, ``contrast``: mean and standard deviation of the luma (0–255);
- ``diff``: mean absolute change of luma and chroma from the previous frame (0–255);
- ``hist``: change of the colour histogram from the previous frame (0–1);
- ``residual``: mean absolute luma change left after the best global shift (camera motion)
  is taken out (0–255): high on a cut, low on a pan;
- ``dx``, ``dy``: that shift, as a fraction of the picture's width and height;
- ``blendK`` (K = 4, 8, 16): how well the frame K before this one is the mean of the frame
  2K before and this one (1 = exactly, as inside a dissolve or a fade; near 0 for a cut or
  motion; 0 when the two ends are alike). Stored at the *later* frame, so it is computed
  from frames already decoded.
"""
COLUMN = {name: i for i, name in enumerate(FEATURES)}
SIGNATURE_GRID = ((8, 6), (4, 3))
"""The signature: luma on an 8×6 grid, then the two chroma planes on 4×3 grids (uint8)."""
SIGNATURE_SIZE = 8 * 6 + 2 * 4 * 3
AUDIO_STEP = 0.1
"""Seconds between two loudness readings (ffmpeg ``ebur128``)."""
QUIET_LUFS = -70.0
"""Loudness reported for digital silence and for no audio at all."""


@dataclass(frozen=True)
class FrameSignals:
    """One row per decoded frame, sorted by ``t`` (its pts, in seconds)."""

    t: F64
    values: F32
    """Shape (n, len(FEATURES)); NaN where a frame had no previous frame to compare with."""
    signature: U8
    """Shape (n, SIGNATURE_SIZE): a tiny picture, to compare any two frames."""

    @classmethod
    def empty(cls) -> FrameSignals:
        return cls(
            np.zeros(0, np.float64),
            np.zeros((0, len(FEATURES)), np.float32),
            np.zeros((0, SIGNATURE_SIZE), np.uint8),
        )

    def __len__(self) -> int:
        return int(self.t.shape[0])

    def column(self, name: str) -> F32:
        return self.values[:, COLUMN[name]]

    def between(self, start: float, end: float) -> FrameSignals:
        """The frames with ``start <= t < end``."""
        lo, hi = np.searchsorted(self.t, [start, end], side="left")
        return FrameSignals(self.t[lo:hi], self.values[lo:hi], self.signature[lo:hi])

    def merged(self, other: FrameSignals) -> FrameSignals:
        """The union by time; on the same pts the frame already here wins."""
        if not len(other):
            return self
        if not len(self):
            return other
        t = np.concatenate([self.t, other.t])
        order = np.argsort(t, kind="stable")
        t = t[order]
        keep = np.ones(t.shape[0], bool)
        keep[1:] = t[1:] != t[:-1]
        order = order[keep]
        values = np.concatenate([self.values, other.values])[order]
        signature = np.concatenate([self.signature, other.signature])[order]
        return FrameSignals(t[keep], values, signature)

    def frame_duration(self) -> float:
        """The typical (median) time between frames; 1/25 s when it cannot be told."""
        if len(self) < 2:
            return 0.04
        steps = np.diff(self.t)
        steps = steps[steps > 0]
        return float(np.median(steps)) if steps.size else 0.04


@dataclass(frozen=True)
class AudioSignals:
    """EBU R128 loudness every 100 ms: ``t`` is the end of each 100 ms block."""

    t: F64
    momentary: F32
    """LUFS over the 400 ms before ``t``."""
    short_term: F32
    """LUFS over the 3 s before ``t``."""

    @classmethod
    def empty(cls) -> AudioSignals:
        zero = np.zeros(0, np.float32)
        return cls(np.zeros(0, np.float64), zero, zero)

    def __len__(self) -> int:
        return int(self.t.shape[0])

    def between(self, start: float, end: float) -> AudioSignals:
        lo, hi = np.searchsorted(self.t, [start, end], side="left")
        return AudioSignals(self.t[lo:hi], self.momentary[lo:hi], self.short_term[lo:hi])

    def merged(self, other: AudioSignals) -> AudioSignals:
        """The union by time; readings closer than 50 ms to one here are dropped."""
        if not len(other):
            return self
        if not len(self):
            return other
        t = np.concatenate([self.t, other.t])
        order = np.argsort(t, kind="stable")
        t = t[order]
        keep = np.ones(t.shape[0], bool)
        keep[1:] = np.diff(t) > AUDIO_STEP / 2
        order = order[keep]
        momentary = np.concatenate([self.momentary, other.momentary])[order]
        short_term = np.concatenate([self.short_term, other.short_term])[order]
        return AudioSignals(t[keep], momentary, short_term)


@dataclass(frozen=True)
class Coverage:
    """The stretches ``[start, end)`` of the file analysed so far, sorted and disjoint."""

    spans: tuple[tuple[float, float], ...] = ()

    def add(self, start: float, end: float) -> Coverage:
        if not end > start:
            return self
        spans = sorted([*self.spans, (start, end)])
        joined: list[tuple[float, float]] = []
        for a, b in spans:
            if joined and a <= joined[-1][1] + 1e-6:
                joined[-1] = (joined[-1][0], max(joined[-1][1], b))
            else:
                joined.append((a, b))
        return Coverage(tuple(joined))

    def missing(self, start: float, end: float) -> list[tuple[float, float]]:
        """The parts of ``[start, end)`` not covered yet."""
        gaps: list[tuple[float, float]] = []
        at = start
        for a, b in self.spans:
            if b <= at:
                continue
            if a >= end:
                break
            if a > at:
                gaps.append((at, min(a, end)))
            at = max(at, b)
        if at < end:
            gaps.append((at, end))
        return [(a, b) for a, b in gaps if b - a > 1e-6]

    def covers(self, start: float, end: float) -> bool:
        return not self.missing(start, end)

    @property
    def seconds(self) -> float:
        return sum(b - a for a, b in self.spans)


@dataclass(frozen=True)
class SceneSignals:
    """Everything known about one file so far. ``complete`` once the whole file is done."""

    duration: float | None
    fps: float | None
    """The stream's average frame rate (ffprobe), None when unknown."""
    frames: FrameSignals = field(default_factory=FrameSignals.empty)
    audio: AudioSignals = field(default_factory=AudioSignals.empty)
    coverage: Coverage = field(default_factory=Coverage)
    complete: bool = False
    has_audio: bool = True
    cues: tuple[Cue, ...] = ()
    """Subtitle cues of the file's own text track, when it has one."""

    def with_chunk(
        self, start: float, end: float, frames: FrameSignals, audio: AudioSignals
    ) -> SceneSignals:
        """These signals plus one analysed stretch ``[start, end)``."""
        return SceneSignals(
            self.duration,
            self.fps,
            self.frames.merged(frames.between(start, end)),
            self.audio.merged(audio.between(start, end + AUDIO_STEP / 2)),
            self.coverage.add(start, end),
            self.complete,
            self.has_audio,
            self.cues,
        )

    def finished(self, cues: Sequence[Cue] | None = None) -> SceneSignals:
        return SceneSignals(
            self.duration, self.fps, self.frames, self.audio, self.coverage, True,
            self.has_audio, tuple(cues) if cues is not None else self.cues,
        )  # fmt: skip

    @property
    def effective_fps(self) -> float:
        """The frame rate to report: ffprobe's average, else measured from the frames."""
        if self.fps and math.isfinite(self.fps) and self.fps > 0:
            return self.fps
        return 1.0 / self.frames.frame_duration()

    def fraction_done(self) -> float:
        if self.complete:
            return 1.0
        if not self.duration:
            return 0.0
        missing = sum(b - a for a, b in self.coverage.missing(0.0, self.duration))
        return min(1.0, max(0.0, 1.0 - missing / self.duration))


def concat_frames(parts: Iterable[FrameSignals]) -> FrameSignals:
    result = FrameSignals.empty()
    for part in parts:
        result = result.merged(part)
    return result
