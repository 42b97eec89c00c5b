"""The caption picture the preview shows at a given time: the renderer's image at output
size for the captions visible then, re-rendered only when that set or the size changes.
The export renders the same captions with the same function for each time window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from moments.core.captions import Caption, time_windows
from moments.media.export_graph import Overlay
from moments.ui.overlay_render import render_overlay, render_overlay_png


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


def render_overlays(
    captions: tuple[Caption, ...], size: tuple[int, int], duration: float, folder: Path
) -> list[Overlay]:
    """One PNG per stretch of the clip in which the same captions show, for the export."""
    shown = [c for c in captions if c.text.strip()]
    if not shown:
        return []
    overlays: list[Overlay] = []
    windows = time_windows(shown, duration)
    for n, (t0, t1) in enumerate(windows):
        middle = (t0 + t1) / 2
        visible = [c for c in shown if c.visible_at(middle)]
        if not visible:
            continue
        png = render_overlay_png(visible, *size, folder / f"captions-{n}.png")
        whole = len(windows) == 1
        overlays.append(Overlay(png, 0.0 if whole else t0, None if whole else t1))
    return overlays
