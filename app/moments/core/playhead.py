"""Where playback is now, between libVLC's coarse time reports.

libVLC 3 reports the media time only every 250-500 ms, so ``get_time()`` trails the frame on
screen by ~200 ms on average. The clock keeps the last report and the monotonic instant it
arrived, and extrapolates at the playback rate. Seeks are taken at their word until libVLC
confirms them, and reports that predate a seek are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

SEEK_ACCEPT_BEFORE_S = 0.5
"""A report this much before a seek target can be the seek landing on an earlier frame."""
SEEK_ACCEPT_AFTER_S = 2.0
SEEK_GIVE_UP_S = 10.0
"""After this long without a matching report, believe libVLC again."""
STALE_AFTER_SEEK_S = 1.5
"""libVLC can confirm a seek at once and still send a report from before it afterwards:
reports far from a landed seek's target are ignored this long after it landed."""
PAUSED_SEEK_LANDED_S = 0.1
"""A seek made while paused (not one at opening: the media is still loading then) this long
before playback resumes has put its frame on screen: playback goes on from there (libVLC
sends no time report for a paused seek, and its first report after resuming comes
150-500 ms later)."""


@dataclass
class _Anchor:
    media_s: float
    at: float


class PlayheadClock:
    """Pure bookkeeping: feed it libVLC's events with their monotonic arrival time."""

    def __init__(self) -> None:
        self._anchor = _Anchor(0.0, 0.0)
        self._running = False
        self._rate = 1.0
        self._seek_target: float | None = None
        self._seek_at = 0.0
        self._paused = False
        self._seek_while_paused = False
        self._stale_below = 0.0
        self._stale_above = 0.0
        self._stale_until = 0.0
        self._length: float | None = None

    @property
    def running(self) -> bool:
        return self._running

    def reset(self, start_s: float = 0.0, at: float = 0.0) -> None:
        self._anchor = _Anchor(start_s, at)
        self._running = False
        self._paused = False
        self._seek_target = None
        self._stale_until = 0.0
        self._length = None

    def set_length(self, length_s: float | None) -> None:
        self._length = length_s if length_s and length_s > 0 else None

    def value(self, at: float) -> float:
        """The media time shown on screen at monotonic instant ``at``."""
        media = self._anchor.media_s
        if self._running and self._seek_target is None:
            media += max(0.0, at - self._anchor.at) * self._rate
        if self._length is not None:
            media = min(media, self._length)
        return max(0.0, media)

    def on_time(self, media_s: float, at: float) -> None:
        """libVLC reported ``media_s`` (MediaPlayerTimeChanged)."""
        if self._seek_target is not None:
            early = media_s < self._seek_target - SEEK_ACCEPT_BEFORE_S
            late = media_s > self._seek_target + SEEK_ACCEPT_AFTER_S
            if (early or late) and at - self._seek_at < SEEK_GIVE_UP_S:
                return
            self._landed(at)
            if not self._running:
                return  # paused: the seek target is what is shown; reports lag behind
        elif at < self._stale_until and not (
            self._stale_below <= media_s <= self._stale_above + (self._stale_until - at)
        ):
            return
        if not self._running:
            return
        self._anchor = _Anchor(media_s, at)

    def on_playing(self, at: float) -> None:
        if not self._running:
            landed = at - self._seek_at >= PAUSED_SEEK_LANDED_S
            if self._seek_target is not None and self._seek_while_paused and landed:
                self._landed(at)
            self._anchor = _Anchor(self._anchor.media_s, at)
            self._running = True
            self._paused = False

    def _landed(self, at: float) -> None:
        assert self._seek_target is not None
        self._stale_below = self._seek_target - SEEK_ACCEPT_BEFORE_S
        self._stale_above = self._seek_target + SEEK_ACCEPT_AFTER_S + STALE_AFTER_SEEK_S
        self._stale_until = at + STALE_AFTER_SEEK_S
        self._seek_target = None

    def on_paused(self, at: float) -> None:
        """Freeze at the value extrapolated for the instant the pause took effect."""
        if self._running:
            self._anchor = _Anchor(self.value(at), at)
        self._running = False
        self._paused = True

    def on_seek(self, target_s: float, at: float) -> None:
        self._anchor = _Anchor(max(0.0, target_s), at)
        self._seek_target = max(0.0, target_s)
        self._seek_at = at
        self._seek_while_paused = self._paused

    def on_rate(self, rate: float, at: float) -> None:
        self._anchor = _Anchor(self.value(at), at)
        self._rate = rate

    def on_end(self, at: float) -> None:
        if self._length is not None:
            self._anchor = _Anchor(self._length, at)
        else:
            self._anchor = _Anchor(self.value(at), at)
        self._running = False
        self._seek_target = None
