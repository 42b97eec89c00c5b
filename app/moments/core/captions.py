"""Caption blocks: what a moment says on screen, where, how, and when.

Positions and sizes are fractions of the output picture, so one caption fits every framing
and resolution. The text is drawn by ``ui/common/overlay_render.py`` (one renderer for the preview
and the export); it never reaches an ffmpeg filter string.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
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

    def visible_at(self, t: float) -> bool:
        return (self.start is None or t >= self.start) and (self.end is None or t < self.end)

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
