"""The private viewing history of a file: which seconds were watched, watched again, paused
on and kept as Moments — for the "most replayed" curve over the seek bar and the rewatches
that rank suggested moments.

A file's history is a ``ViewingRecord``: counts per bin of ``bin_s`` seconds (one second,
longer for files over ``MAX_BINS`` seconds). A *viewing* is a stretch played forwards
without a jump; each viewing counts a bin once when it has played at least half of it, so
``views`` is how many times those seconds were seen and ``views - 1`` how many times they
were replayed (seeking back over them and watching again). ``ViewingTracker`` turns the
player's positions into those counts. Stored in the library (``Library.read_viewing``), on
this machine only: it is never exported, posted or sent anywhere. Pure; numpy.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from moments.core.scene.suggestions import RewatchHistogram

BIN_S = 1.0
MAX_BINS = 14_400
"""Four hours at one second a bin; longer files get longer bins."""
HEAT_BINS = 100
"""The seek bar's curve, like YouTube's "Most replayed"."""
BACK_S = 0.3
"""A move back further than this starts a new viewing (a replay)."""
JUMP_S = 1.5
"""A move forward further than this is a jump (a seek), not playback."""
PAUSE_WEIGHT, KEPT_WEIGHT = 0.5, 1.0
"""How much a pause and a kept Moment count on the curve, against one more viewing."""

F32 = npt.NDArray[np.float32]


@dataclass
class ViewingRecord:
    """One file's counts, per bin of ``bin_s`` seconds over ``[0, duration)``."""

    source: str
    duration: float
    views: F32
    pauses: F32
    kept: F32

    @classmethod
    def new(cls, source: str, duration: float) -> ViewingRecord:
        n = bins_for(duration)
        zero = np.zeros(n, np.float32)
        return cls(source, duration, zero.copy(), zero.copy(), zero.copy())

    @property
    def bin_s(self) -> float:
        return self.duration / len(self.views) if len(self.views) else BIN_S

    def bin_at(self, t: float) -> int:
        return max(0, min(len(self.views) - 1, int(t / self.bin_s)))

    def is_empty(self) -> bool:
        return not (self.views.any() or self.pauses.any() or self.kept.any())

    def add_kept(self, start: float, end: float) -> None:
        """A Moment kept over ``[start, end)``."""
        lo, hi = self.bin_at(start), self.bin_at(max(start, end - 1e-6))
        self.kept[lo : hi + 1] += 1

    def add_pause(self, t: float) -> None:
        self.pauses[self.bin_at(t)] += 1

    def replays(self) -> RewatchHistogram:
        """How often each bin was watched again (for ``suggest``)."""
        again = np.maximum(self.views - 1, 0)
        return RewatchHistogram(tuple(float(v) for v in again), self.duration)

    def heat(self, bins: int = HEAT_BINS) -> list[float] | None:
        """The curve over the seek bar: ``bins`` values from 0 to 1 (the most watched
        again, paused on and kept), or None when nothing stands out yet."""
        score = self.views + PAUSE_WEIGHT * self.pauses + KEPT_WEIGHT * self.kept
        if not score.any():
            return None
        edges = np.linspace(0, len(score), bins + 1).round().astype(int)
        coarse = np.array(
            [
                score[a:b].max() if b > a else score[min(a, len(score) - 1)]
                for a, b in itertools.pairwise(edges)
            ],
            np.float64,
        )
        kernel = np.array([0.25, 0.5, 1.0, 0.5, 0.25])
        padded = np.pad(coarse, 2, mode="edge")
        smooth = np.convolve(padded, kernel / kernel.sum(), mode="valid")
        low, high = float(smooth.min()), float(smooth.max())
        if high - low < 1e-6:
            return None
        return [float(v) for v in (smooth - low) / (high - low)]

    def to_blobs(self) -> tuple[bytes, bytes, bytes]:
        views, pauses, kept = (
            a.astype("<f4").tobytes() for a in (self.views, self.pauses, self.kept)
        )
        return views, pauses, kept

    @classmethod
    def from_blobs(
        cls, source: str, duration: float, views: bytes, pauses: bytes, kept: bytes
    ) -> ViewingRecord:
        """Raises ValueError when the stored counts do not fit the duration."""
        arrays = [np.frombuffer(blob, "<f4").astype(np.float32) for blob in (views, pauses, kept)]
        n = bins_for(duration)
        if any(a.shape != (n,) for a in arrays):
            raise ValueError("viewing history of another length")
        return cls(source, duration, *arrays)


def bins_for(duration: float) -> int:
    if not (math.isfinite(duration) and duration > 0):
        raise ValueError(f"a viewing history needs a duration: {duration!r}")
    return max(1, min(MAX_BINS, math.ceil(duration / BIN_S)))


class ViewingTracker:
    """Counts what is played into a ``ViewingRecord``. Feed it the playhead while playing
    (``on_position``); a seek or a new file ends the viewing (``break_viewing``)."""

    def __init__(self, record: ViewingRecord) -> None:
        self.record = record
        self._last: float | None = None
        self._counted: set[int] = set()
        self._watched: dict[int, float] = {}
        self.changed = False
        """Set when a count changed (the owner saves, then clears it)."""

    def on_position(self, t: float) -> None:
        """The playhead while playing: what lies between it and the last one was seen."""
        if not math.isfinite(t):
            return
        last = self._last
        self._last = t
        if last is None:
            return
        if t < last - BACK_S or t > last + JUMP_S:
            self._new_viewing()
            return
        if t > last:
            self._watch(last, t)

    def break_viewing(self) -> None:
        """A seek, a pause or a new file: the next position starts a new viewing."""
        self._last = None
        self._new_viewing()

    def on_pause(self, t: float) -> None:
        self.record.add_pause(t)
        self.changed = True
        self._last = None

    def on_kept(self, start: float, end: float) -> None:
        self.record.add_kept(start, end)
        self.changed = True

    def _new_viewing(self) -> None:
        self._counted.clear()
        self._watched.clear()

    def _watch(self, a: float, b: float) -> None:
        record = self.record
        size = record.bin_s
        first, last = record.bin_at(a), record.bin_at(b)
        for index in range(first, last + 1):
            lo, hi = max(a, index * size), min(b, (index + 1) * size)
            if hi <= lo:
                continue
            seen = self._watched.get(index, 0.0) + (hi - lo)
            self._watched[index] = seen
            if index not in self._counted and seen >= 0.5 * min(size, record.duration):
                self._counted.add(index)
                record.views[index] += 1
                self.changed = True
