"""What a player would send to the speakers, with when: libVLC's audio callbacks (S16,
48 kHz, stereo) instead of a sound card, for the benchmark and tests that measure the audio
at a branch switch. The callbacks run on libVLC's audio thread and only append to lists.

Each block is kept with its play time (libVLC's ``pts``: microseconds of the monotonic
clock ``time.monotonic()`` also reads) and whether the player was muted; pauses and
flushes are kept with their times, since a paused output never plays what it had queued.
"""

from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass, field

import numpy as np

RATE = 48_000
CHANNELS = 2

PlayCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint, ctypes.c_int64)
TimeCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64)
VolumeCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_float, ctypes.c_bool)


@dataclass
class AudioBlock:
    at: float
    """Monotonic seconds its first sample plays."""
    samples: np.ndarray
    """int16, (frames, channels)."""
    muted: bool

    @property
    def end(self) -> float:
        return self.at + len(self.samples) / RATE


@dataclass
class AudioTap:
    """Collects one player's audio. ``stops`` are the times its output paused or was
    flushed: queued blocks after a stop are never heard."""

    blocks: list[AudioBlock] = field(default_factory=list)
    stops: list[float] = field(default_factory=list)
    muted: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # Kept on the instance: libVLC holds raw pointers to these.
        self.play_cb = PlayCb(self._play)
        self.pause_cb = TimeCb(self._stop)
        self.resume_cb = TimeCb(self._resume)
        self.flush_cb = TimeCb(self._flush)
        self.drain_cb = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(lambda _data: None)
        self.volume_cb = VolumeCb(self._volume)

    def heard(self) -> list[AudioBlock]:
        """The blocks that reach the speakers: unmuted, and not cut off by a later stop
        (cut at the stop)."""
        with self._lock:
            blocks, stops = list(self.blocks), sorted(self.stops)
        kept = []
        for block in blocks:
            if block.muted:
                continue
            cut = next((s for s in stops if block.at <= s < block.end), None)
            if cut is not None:
                frames = int((cut - block.at) * RATE)
                block = AudioBlock(block.at, block.samples[:frames], False)
            if len(block.samples):
                kept.append(block)
        return kept

    # -- libVLC's audio thread ------------------------------------------------------------
    def _play(self, _data: int, samples: int, count: int, pts: int) -> None:
        raw = ctypes.string_at(samples, count * CHANNELS * 2)
        pcm = np.frombuffer(raw, np.int16).reshape(count, CHANNELS).copy()
        with self._lock:
            self.blocks.append(AudioBlock(pts / 1e6, pcm, self.muted))

    def _stop(self, _data: int, pts: int) -> None:
        self._stop_at(pts / 1e6)

    def _flush(self, _data: int, _pts: int) -> None:
        self._stop_at(time.monotonic())  # libVLC passes 0: the flush is now

    def _stop_at(self, at: float) -> None:
        with self._lock:
            self.stops.append(at)
            # What was queued after the stop is dropped by a real output.
            self.blocks = [b for b in self.blocks if b.at < at]

    def _resume(self, _data: int, _pts: int) -> None:
        pass

    def _volume(self, _data: int, _volume: float, mute: bool) -> None:
        self.muted = bool(mute)
