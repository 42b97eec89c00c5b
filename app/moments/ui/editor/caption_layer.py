"""The caption picture the preview shows at a given time: the renderer's image at output
size for the captions visible then, re-rendered only when that set or the size changes.
The export renders the same captions with the same function for each time window
(``render_overlays`` in ``ui/common/overlay_render.py``)."""

from __future__ import annotations

from PySide6.QtGui import QImage

from moments.core.captions import Caption
from moments.ui.common import render_overlay


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
