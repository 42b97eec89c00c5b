"""What the viewer saw: a bounded ring of viewed spans, and the default Moment it implies.

The player feeds ``on_position`` with the playhead (media seconds) and calls ``close`` on a
seek, a media change or a story branch. Not thread-safe: the GUI thread feeds and reads it.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from moments.core.moment import SourceRange

JUMP_S = 1.5
"""A move of the playhead larger than this (either way) is a jump, not playback."""


@dataclass(frozen=True)
class ViewedSpan:
    """``[start, end]`` of ``source`` watched without a jump (``start == end`` just opened)."""

    source: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


class ViewedSpanRing:
    """The last ``max_spans`` spans, at most ``max_seconds`` of viewing in all."""

    def __init__(
        self, *, max_spans: int = 64, max_seconds: float = 1800.0, jump: float = JUMP_S
    ) -> None:
        self._closed: deque[ViewedSpan] = deque(maxlen=max(1, max_spans - 1))
        self._open: ViewedSpan | None = None
        self._max_seconds = max_seconds
        self._jump = jump

    def on_position(self, source: str, media_t: float) -> None:
        """Extend the open span with continuous forward playback, or start a new one."""
        if not math.isfinite(media_t):
            return
        t = max(0.0, media_t)
        span = self._open
        if span is None or span.source != source or abs(t - span.end) > self._jump:
            self.close()
            self._open = ViewedSpan(source, t, t)
        elif t > span.end:
            self._open = ViewedSpan(source, span.start, t)
        self._trim()

    def close(self) -> None:
        """End the open span (seek, media change, story branch)."""
        if self._open is not None:
            self._closed.append(self._open)
            self._open = None

    def clear(self) -> None:
        self._closed.clear()
        self._open = None

    @property
    def current(self) -> ViewedSpan | None:
        return self._open

    def spans(self) -> list[ViewedSpan]:
        """Every span kept, oldest first; the open one (if any) last."""
        return [*self._closed, *([self._open] if self._open else [])]

    def latest_containing(self, source: str, t: float) -> ViewedSpan | None:
        """The most recent span of ``source`` around ``t`` (within the jump tolerance)."""
        for span in reversed(self.spans()):
            if span.source == source and span.start - self._jump <= t <= span.end + self._jump:
                return span
        return None

    def default_ranges(
        self,
        source: str,
        press_t: float,
        *,
        before: float = 10.0,
        after: float = 5.0,
        min_span: float = 3.0,
        duration: float | None = None,
    ) -> list[SourceRange]:
        """The last ``before`` s seen plus ``after`` s after the press, clamped to the media.

        When the viewer sought inside that window, the range follows the latest continuous
        span, extended backwards in the file when it holds less than ``min_span`` before the
        press. ``duration`` None means unknown (live): only 0 bounds the range.
        """
        press = max(0.0, press_t if math.isfinite(press_t) else 0.0)
        if duration is not None:
            press = min(press, max(0.0, duration))
        start = press - before
        span = self.latest_containing(source, press)
        if span is not None:
            start = max(start, span.start)
        if press - start < min_span:
            start = press - min_span
        end = press + after
        start = max(0.0, start)
        if duration is not None:
            end = min(end, duration)
        if not end > start:
            return []
        return [SourceRange(source, start, end)]

    def _trim(self) -> None:
        """Forget the oldest viewing beyond ``max_seconds`` in all."""
        excess = sum(s.duration for s in self.spans()) - self._max_seconds
        while excess > 0 and self._closed:
            oldest = self._closed[0]
            if oldest.duration <= excess:
                self._closed.popleft()
                excess -= oldest.duration
            else:
                self._closed[0] = ViewedSpan(oldest.source, oldest.start + excess, oldest.end)
                excess = 0
        if excess > 0 and self._open is not None:
            span = self._open
            self._open = ViewedSpan(span.source, span.start + excess, span.end)
