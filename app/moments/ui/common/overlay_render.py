"""The one caption renderer: QPainter draws caption blocks into an RGBA image at output size.

The editor shows this image over the video and the export burns the very same image in, so
what the user sees is what is published — emoji, right-to-left scripts and line breaks
included. Works without a screen (``QT_QPA_PLATFORM=offscreen``) for the headless CLI.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QImage, QPainter, QPen

from moments.core.captions import Caption, CaptionStyle, time_windows
from moments.media.export import Overlay

TEXT_FLAGS = Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap
MAX_WIDTH = 0.9
"""A caption block wraps at 90% of the picture width."""


def ensure_gui_application() -> QGuiApplication:
    """Font rendering needs a Q(Gui)Application; the CLI creates an offscreen one."""
    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(["moments", "-platform", "offscreen"])
    assert isinstance(app, QGuiApplication)
    return app


def caption_font(caption: Caption, height: int) -> QFont:
    font = QFont()
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setFamilies(["DejaVu Sans", "Noto Sans", "Arial", "Noto Color Emoji"])
    font.setPixelSize(max(6, round(caption.size * height)))
    if caption.style in (CaptionStyle.MEME_TOP, CaptionStyle.MEME_BOTTOM):
        font.setWeight(QFont.Weight.Black)
        font.setCapitalization(QFont.Capitalization.AllUppercase)
    else:
        font.setWeight(QFont.Weight.DemiBold)
    return font


def caption_rect(caption: Caption, width: int, height: int) -> QRectF:
    """Where the block's text sits in a ``width`` x ``height`` picture (kept inside it)."""
    metrics = QFontMetricsF(caption_font(caption, height))
    max_w = width * MAX_WIDTH
    bounds = metrics.boundingRect(QRectF(0, 0, max_w, height * 4), TEXT_FLAGS, caption.text)
    w, h = bounds.width(), bounds.height()
    x = min(max(caption.x * width - w / 2, 0.0), max(0.0, width - w))
    y = min(max(caption.y * height - h / 2, 0.0), max(0.0, height - h))
    return QRectF(x, y, w, h)


def paint_captions(
    painter: QPainter, captions: list[Caption], width: int, height: int, *, at: float | None = None
) -> None:
    """Draw ``captions`` (those visible at ``at``, or all) onto a ``width`` x ``height`` area."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    for caption in captions:
        if not caption.text.strip() or (at is not None and not caption.visible_at(at)):
            continue
        font = caption_font(caption, height)
        rect = caption_rect(caption, width, height)
        if caption.style == CaptionStyle.BOXED:
            pad = font.pixelSize() * 0.35
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 170))
            painter.drawRoundedRect(rect.adjusted(-pad, -pad * 0.6, pad, pad * 0.6), pad, pad)
            painter.setFont(font)
            painter.setPen(QPen(QColor("white")))
            painter.drawText(rect, TEXT_FLAGS, caption.text)
            continue
        heavy = caption.style != CaptionStyle.OUTLINE
        radius = max(1.0, font.pixelSize() * (0.11 if heavy else 0.075))
        _draw_outlined(painter, rect, caption.text, font, radius)


def _draw_outlined(painter: QPainter, rect: QRectF, text: str, font: QFont, radius: float) -> None:
    """White text (colour emoji as they are) with a black outline around every shape,
    emoji included: the text's own silhouette, stamped in a ring around it."""
    margin = math.ceil(radius) + 2
    area = rect.toAlignedRect().adjusted(-margin, -margin, margin, margin)
    layer = QImage(area.size(), QImage.Format.Format_ARGB32_Premultiplied)
    layer.fill(Qt.GlobalColor.transparent)
    with _painting(layer) as p:
        p.setFont(font)
        p.setPen(QPen(QColor("white")))
        p.drawText(rect.translated(-area.x(), -area.y()), TEXT_FLAGS, text)
    silhouette = QImage(layer)
    with _painting(silhouette) as p:
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        p.fillRect(silhouette.rect(), QColor(0, 0, 0, 235))
    steps = 16
    for ring in (radius, radius * 0.5):
        for i in range(steps):
            angle = 2 * math.pi * i / steps
            offset = QPointF(area.x() + math.cos(angle) * ring, area.y() + math.sin(angle) * ring)
            painter.drawImage(offset, silhouette)
    painter.drawImage(QPointF(area.x(), area.y()), layer)


@contextlib.contextmanager
def _painting(image: QImage) -> Iterator[QPainter]:
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    try:
        yield painter
    finally:
        painter.end()


def render_overlay(
    captions: list[Caption], width: int, height: int, *, at: float | None = None
) -> QImage:
    """A transparent ``width`` x ``height`` RGBA image holding the captions."""
    ensure_gui_application()
    image = QImage(width, height, QImage.Format.Format_RGBA8888_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        paint_captions(painter, captions, width, height, at=at)
    finally:
        painter.end()
    return image


def render_overlay_png(
    captions: list[Caption], width: int, height: int, path: Path, *, at: float | None = None
) -> Path:
    """Render to a PNG file (what the export overlays). Returns ``path``."""
    image = render_overlay(captions, width, height, at=at).convertToFormat(
        QImage.Format.Format_RGBA8888
    )
    # PySide6's stub types the format as bytes; at run time it must be a str (bytes raise).
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
        raise OSError(f"could not write {path}")
    return path


def render_overlays(
    captions: tuple[Caption, ...], size: tuple[int, int], duration: float, folder: Path
) -> list[Overlay]:
    """One PNG per stretch of the clip in which the same captions show, for the export."""
    shown = [c for c in captions if c.text.strip() and not c.outside_clip]
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
