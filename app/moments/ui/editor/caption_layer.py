"""The caption picture the preview shows at a given time: the renderer's image at output
size for the captions visible then, re-rendered only when that set or the size changes.
The export renders the same captions with the same function for each time window
(``render_overlays`` in ``ui/common/overlay_render.py``)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QImage

from moments.core.captions import Caption
from moments.ui.common import caption_rect, render_overlay

SPOT_GAP = 0.25
"""Room left between a new caption and the others, as a share of its own height."""


class CaptionLayer:
    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._image: QImage | None = None

    def image_at(
        self, captions: tuple[Caption, ...], size: tuple[int, int], clip_time: float
    ) -> QImage | None:
        """The overlay for ``clip_time`` seconds into the clip (None: nothing to show)."""
        visible = tuple(c for c in captions if c.text.strip() and c.visible_at(clip_time))
        key = (visible, size)
        if key != self._key:
            self._key = key
            self._image = render_overlay(list(visible), *size) if visible else None
        return self._image


def free_spot(new: Caption, others: tuple[Caption, ...], size: tuple[int, int]) -> Caption:
    """``new`` moved up (then down) from where it is until its text covers none of the
    ``others`` shown at the same time: a new caption never lands on top of the previous."""
    width, height = size
    around = [
        caption_rect(c, width, height)
        for c in others
        if c.text.strip() and not c.outside_clip and _overlap_in_time(c, new)
    ]
    own = caption_rect(new, width, height)
    step = own.height() * (1 + SPOT_GAP) / height
    candidates = [new.y - k * step for k in range(0, 40)] + [new.y + k * step for k in range(1, 40)]
    for y in candidates:
        moved = replace(new, y=round(y, 4))
        rect = caption_rect(moved, width, height)
        if rect.top() < 0 or rect.bottom() > height or abs(rect.center().y() - y * height) > 1:
            continue  # pushed against an edge: it would sit elsewhere than asked
        margin = own.height() * SPOT_GAP / 2
        if not any(rect.adjusted(0, -margin, 0, margin).intersects(r) for r in around):
            return moved
    return new


def _overlap_in_time(a: Caption, b: Caption) -> bool:
    inf = float("inf")
    a0, a1 = a.start if a.start is not None else -inf, a.end if a.end is not None else inf
    b0, b1 = b.start if b.start is not None else -inf, b.end if b.end is not None else inf
    return a0 < b1 and b0 < a1
