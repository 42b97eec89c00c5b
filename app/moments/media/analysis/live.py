"""A live stream's signals, one ring segment at a time, as ``media/ring.py`` writes them.

The ring's MPEG-TS segments carry ring time as their pts, so each segment is decoded whole
with its own timestamps and its frames land on the ring's time line; the feature state
(the last frames) carries over from one segment to the next, so a cut on a segment boundary
is seen like any other. Loudness restarts with each run of ``ebur128``: the readings of a
segment's first 400 ms (the momentary window filling up) are left out. Only the last
``keep_s`` seconds are kept, like the ring itself. Nothing is cached: the ring is temporary.
"""

from __future__ import annotations

import threading
from pathlib import Path

from moments.core.cancel import CancelToken, PauseGate
from moments.core.errors import MediaError
from moments.core.scene.signals import SceneSignals
from moments.media.analysis.decode import Stretch, decode_stretch
from moments.media.analysis.features import FrameFeatures
from moments.media.probe import probe

SETTLE_S = 0.4
"""ebur128's momentary window: readings before it is full are not kept."""
CONTIGUOUS_S = 0.5
"""A segment starting later than this after the previous one's end is a jump (reconnect)."""


class LiveAnalysis:
    """Feed it complete segments in order (``add_segment``, from a worker); read
    ``signals`` from any thread."""

    def __init__(self, *, keep_s: float = 600.0, idle: bool = True) -> None:
        self.keep_s = keep_s
        self.idle = idle
        self._features = FrameFeatures()
        self._signals = SceneSignals(None, None)
        self._has_audio: bool | None = None
        self._last_end: float | None = None
        self._lock = threading.Lock()

    @property
    def signals(self) -> SceneSignals:
        with self._lock:
            return self._signals

    def add_segment(
        self,
        path: Path,
        start: float,
        end: float,
        *,
        cancel: CancelToken | None = None,
        pause: PauseGate | None = None,
    ) -> SceneSignals:
        """Analyse the segment ``path`` covering ring time ``[start, end)``, append its
        signals and return them all. Raises MediaError when it cannot be decoded (the
        signals so far stay), CancelledError on cancel."""
        if self._has_audio is None:
            info = probe(str(path))
            if info.primary_video is None:
                raise MediaError("The live stream has no picture to analyse.")
            self._has_audio = bool(info.audio)
        if self._last_end is None or abs(start - self._last_end) > CONTIGUOUS_S:
            self._features.reset()
        decoded = decode_stretch(str(path), Stretch(0.0, None), audio=self._has_audio,
                                 cancel=cancel, pause=pause, features=self._features,
                                 own_timestamps=True, lead=0.0, idle=self.idle)  # fmt: skip
        audio = decoded.audio.between(start + SETTLE_S, end + 1.0)
        with self._lock:
            merged = self._signals.with_chunk(start, end, decoded.frames, audio)
            self._signals = _trimmed(merged, end - self.keep_s)
            self._last_end = end
            return self._signals


def _trimmed(signals: SceneSignals, before: float) -> SceneSignals:
    """``signals`` without anything earlier than ``before``."""
    if not len(signals.frames) or signals.frames.t[0] >= before:
        return signals
    frames = signals.frames.between(before, float("inf"))
    audio = signals.audio.between(before, float("inf"))
    coverage = signals.coverage
    kept = tuple((max(a, before), b) for a, b in coverage.spans if b > before)
    return SceneSignals(None, None, frames, audio, type(coverage)(kept), False,
                        signals.has_audio)  # fmt: skip
