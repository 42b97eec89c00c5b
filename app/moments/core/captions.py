"""Caption blocks: what a moment says on screen, where, how, and when.

Positions and sizes are fractions of the output picture, so one caption fits every framing
and resolution. The text is drawn by ``ui/common/overlay_render.py`` (one renderer for the preview
and the export); it never reaches an ffmpeg filter string.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any


class CaptionStyle(StrEnum):
    OUTLINE = "outline"
    """White text with a black outline."""
    BOXED = "boxed"
    """White text on a dark rounded box."""
    MEME_TOP = "meme-top"
    """Bold capitals with a heavy outline, at the top."""
    MEME_BOTTOM = "meme-bottom"
    """Bold capitals with a heavy outline, at the bottom."""


@dataclass(frozen=True)
class Caption:
    text: str
    x: float = 0.5
    """Centre of the block, as a fraction of the output width."""
    y: float = 0.82
    """Centre of the block, as a fraction of the output height."""
    size: float = 0.065
    """Font size as a fraction of the output height."""
    style: CaptionStyle = CaptionStyle.OUTLINE
    start: float | None = None
    """Seconds from the start of the clip; None: from the start."""
    end: float | None = None
    """Seconds from the start of the clip; None: to the end."""
    source_start: float | None = None
    """A quoted line's start in the source's own timeline (seconds): with ``source_end`` it
    anchors the caption to its line, so moving the trim keeps it there (``placed_in``)."""
    source_end: float | None = None

    @property
    def anchored(self) -> bool:
        return self.source_start is not None and self.source_end is not None

    @property
    def outside_clip(self) -> bool:
        """Its line is not in the clip (the trim moved past it): never shown or exported."""
        return self.start is not None and self.end is not None and self.end <= self.start

    def visible_at(self, t: float) -> bool:
        return (self.start is None or t >= self.start) and (self.end is None or t < self.end)

    def placed_in(self, clip_start: float, clip_end: float) -> Caption:
        """An anchored caption's times in the clip ``[clip_start, clip_end)`` (source seconds):
        its line's, from the clip's start, clamped into the clip (a line outside gets an empty
        time: ``outside_clip``). A caption placed by hand keeps its clip times."""
        if self.source_start is None or self.source_end is None:
            return self
        length = clip_end - clip_start
        start = min(max(self.source_start - clip_start, 0.0), length)
        end = min(max(self.source_end - clip_start, 0.0), length)
        return replace(self, start=round(start, 6), end=round(max(start, end), 6))

    def moved_by_hand(self, clip_start: float) -> Caption:
        """After its clip times were typed: an anchored caption is anchored where they are."""
        if not self.anchored:
            return self
        if self.start is None or self.end is None:
            return replace(self, source_start=None, source_end=None)
        return replace(self, source_start=clip_start + self.start, source_end=clip_start + self.end)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["style"] = self.style.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Caption:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["style"] = CaptionStyle(known.get("style", CaptionStyle.OUTLINE.value))
        return cls(**known)


def time_windows(captions: list[Caption], duration: float) -> list[tuple[float, float]]:
    """The intervals of the clip in which the set of visible captions stays the same."""
    cuts = {0.0, duration}
    for caption in captions:
        for t in (caption.start, caption.end):
            if t is not None and 0.0 < t < duration:
                cuts.add(t)
    edges = sorted(cuts)
    return [(a, b) for a, b in itertools.pairwise(edges) if b > a]
