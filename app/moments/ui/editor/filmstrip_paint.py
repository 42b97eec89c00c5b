"""Drawing the trim timeline (``ui/editor/filmstrip_strip.py``): pure functions of a painter and
geometry, so the widget keeps the state and the input handling."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap, QPolygonF

from moments.core.scene.facts import SceneMark

BACKGROUND = QColor("#15171a")
EMPTY_SLOT = QColor("#2a2d33")
DIM = QColor(0, 0, 0, 165)
"""Over the part of the strip outside the trim."""
TRIM = QColor("#f5c518")
GRIP = QColor("#5a4a00")
FOCUS = QColor("#ffffff")
LIMIT = QColor("#e53935")
OVER_LIMIT = QColor(229, 57, 53, 70)
PLAYHEAD = QColor("#ffffff")
CUT = QColor("#4fc3f7")
"""A shot change: a line across the strip, a band over a fade or dissolve."""
GRADUAL = QColor(79, 195, 247, 60)
SENTENCE = QColor("#ffb74d")
"""A line of dialogue ends: a notch at the bottom."""
MARK_EDGE = QColor(0, 0, 0, 150)
"""Around each mark, so it reads over any picture."""


def background(painter: QPainter, rect: QRectF) -> None:
    painter.fillRect(rect, BACKGROUND)


def thumbnails(
    painter: QPainter, track: QRectF, images: list[QImage | None], cache: dict[int, QPixmap]
) -> None:
    """Slot ``i`` of ``len(images)`` gets image ``i`` scaled to the track's height, from the
    slot's left edge and clipped to it; ``cache`` keeps the scaled pixmaps by slot."""
    if not images:
        return
    slot = track.width() / len(images)
    height = max(1, round(track.height()))
    for index, image in enumerate(images):
        cell = QRectF(track.left() + index * slot, track.top(), slot, track.height())
        if image is None or image.isNull():
            painter.fillRect(cell.adjusted(1, 1, -1, -1), EMPTY_SLOT)
            continue
        pixmap = cache.get(index)
        if pixmap is None or pixmap.height() != height:
            scaled = image.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)
            pixmap = cache[index] = QPixmap.fromImage(scaled)
        painter.save()
        painter.setClipRect(cell)
        painter.drawPixmap(QPointF(cell.left(), track.top()), pixmap)
        painter.restore()


def marks(
    painter: QPainter,
    track: QRectF,
    placed: list[tuple[SceneMark, float]],
    x_at: Callable[[float], float],
) -> None:
    """Shot changes as lines across the pictures (a band over a fade's or a dissolve's
    frames), line ends as notches rising from the bottom; ``placed`` gives each mark's x."""
    for mark, x in placed:
        if mark.kind == "cut":
            if mark.span is not None:
                a, b = x_at(mark.span[0]), x_at(mark.span[1])
                painter.fillRect(QRectF(a, track.top(), max(1.0, b - a), track.height()), GRADUAL)
            painter.fillRect(QRectF(x - 2, track.top(), 4, track.height()), MARK_EDGE)
            painter.fillRect(QRectF(x - 1, track.top(), 2, track.height()), CUT)
            painter.setPen(MARK_EDGE)
            painter.setBrush(CUT)
            top = track.top()
            painter.drawPolygon(
                QPolygonF([QPointF(x - 6, top), QPointF(x + 6, top), QPointF(x, top + 8)])
            )
        else:
            bottom, tall = track.bottom(), track.height() * 0.4
            painter.fillRect(QRectF(x - 1.5, bottom - tall, 3, tall), MARK_EDGE)
            painter.fillRect(QRectF(x - 0.5, bottom - tall, 1, tall), SENTENCE)
            painter.setPen(MARK_EDGE)
            painter.setBrush(SENTENCE)
            painter.drawPolygon(
                QPolygonF([QPointF(x - 6, bottom), QPointF(x + 6, bottom), QPointF(x, bottom - 9)])
            )


def dim_outside(painter: QPainter, track: QRectF, x_in: float, x_out: float) -> None:
    painter.fillRect(QRectF(track.left(), track.top(), x_in - track.left(), track.height()), DIM)
    painter.fillRect(QRectF(x_out, track.top(), track.right() - x_out, track.height()), DIM)


def limit(painter: QPainter, area: QRectF, x_limit: float, x_out: float, label: str) -> None:
    """A red line at ``x_limit`` with ``label`` beside it; what lies past it up to the out
    point is tinted red."""
    if x_out > x_limit:
        painter.fillRect(QRectF(x_limit, area.top(), x_out - x_limit, area.height()), OVER_LIMIT)
    painter.fillRect(QRectF(x_limit - 1, area.top(), 2, area.height()), LIMIT)
    if not label:
        return
    box = QRectF(painter.fontMetrics().boundingRect(label)).adjusted(-4, -1, 4, 1)
    box.moveTo(min(x_limit + 2, area.right() - box.width()), area.bottom() - box.height() - 3)
    painter.fillRect(box, LIMIT)
    painter.setPen(QColor("white"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)


def trim(painter: QPainter, track: QRectF, x_in: float, x_out: float) -> None:
    """The frame along the top and bottom of the kept part."""
    painter.fillRect(QRectF(x_in, track.top(), x_out - x_in, 2), TRIM)
    painter.fillRect(QRectF(x_in, track.bottom() - 2, x_out - x_in, 2), TRIM)


def handle(painter: QPainter, rect: QRectF, *, focused: bool) -> None:
    painter.setBrush(TRIM)
    painter.setPen(FOCUS if focused else Qt.PenStyle.NoPen)
    painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
    grip = QRectF(rect.center().x() - 1, rect.top() + rect.height() * 0.35, 2, rect.height() * 0.3)
    painter.fillRect(grip, GRIP)


def playhead(painter: QPainter, x: float, height: float) -> None:
    painter.fillRect(QRectF(x - 1, 0, 2, height), PLAYHEAD)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(PLAYHEAD)
    painter.drawPolygon(QPolygonF([QPointF(x - 5, 0), QPointF(x + 5, 0), QPointF(x, 6)]))
