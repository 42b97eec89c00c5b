"""What a Moment kept in a story holds: the last seconds the viewer saw, as they saw them —
across branch switches, go-backs and jumps, the played spans in the order they were shown —
and a few seconds more of the segment on screen."""

from __future__ import annotations

from dataclasses import replace

from moments.core.story.engine import StoryEngine
from moments.core.story.views import PlayedSpan


def seen_window(
    engine: StoryEngine, press_ms: int, *, before_ms: int, after_ms: int
) -> tuple[list[PlayedSpan], int]:
    """The spans to join for a press at media time ``press_ms`` of the segment on screen:
    ``before_ms`` of what was seen up to the press, then up to ``after_ms`` more of the
    current segment (never past its end: what follows depends on choices not yet made).
    Returns the spans, oldest first, and the press's time in the joined clip (ms)."""
    shown = engine.played(press_ms)
    kept: list[PlayedSpan] = []
    left = before_ms
    for span in reversed(shown):
        if left <= 0:
            break
        length = span.end_ms - span.start_ms
        if length > left:
            span = replace(span, start_ms=span.end_ms - left)
            length = left
        kept.insert(0, span)
        left -= length
    press_in_clip = sum(s.end_ms - s.start_ms for s in kept)
    if engine.ending is None:
        now = engine.now
        end = min(now.end_ms, press_ms + after_ms)
        if end > press_ms:
            last = kept[-1] if kept else None
            if last is not None and last.media == now.media and last.end_ms == press_ms:
                kept[-1] = replace(last, end_ms=end)
            else:
                kept.append(PlayedSpan(now.segment, now.media, press_ms, end))
    return kept, press_in_clip
