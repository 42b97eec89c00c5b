"""The seek bar: click to jump, drag to scrub, hover to see the time under the cursor; a soft
curve over it shows what the viewer watched again most (``set_heat``), like YouTube's
"Most replayed"."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider, QToolTip, QWidget

from moments.core.timefmt import format_time


class SeekSlider(QSlider):
    """Milliseconds internally; speaks seconds to the outside."""

    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("seekSlider")
        self.setAccessibleName("Seek")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMouseTracking(True)
        self.setRange(0, 0)
        self.setSingleStep(5000)
        self.setPageStep(60_000)
        self._scrub = QTimer(self)
        self._scrub.setSingleShot(True)
        self._scrub.setInterval(80)
        self._scrub.timeout.connect(self._emit_seek)
        self.sliderMoved.connect(lambda _value: self._scrub.start())
        self.sliderReleased.connect(self._emit_seek)
        self._heat: list[float] | None = None

    def set_heat(self, values: Sequence[float] | None) -> None:
        """The curve over the bar: equal bins over the whole media, 0 (nothing) to 1 (the
        most watched again); None removes it."""
        self._heat = [min(1.0, max(0.0, float(v))) for v in values] if values else None
        self.setAccessibleDescription("Shows the parts you watched again most" * bool(values))
        self.update()

    def heat(self) -> list[float] | None:
        return self._heat

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._heat and self.maximum() > 0:
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            highlight = self.palette().color(QPalette.ColorRole.Highlight)
            _paint_heat(painter, self._heat, self._groove_span(), self.height(), highlight)
            painter.end()
        super().paintEvent(event)

    def _groove_span(self) -> tuple[float, float]:
        """The x of the media's start and end (the handle's centre at each)."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        style, cc, sc = self.style(), QStyle.ComplexControl.CC_Slider, QStyle.SubControl
        groove = style.subControlRect(cc, option, sc.SC_SliderGroove, self)
        handle = style.subControlRect(cc, option, sc.SC_SliderHandle, self)
        half = handle.width() / 2
        return groove.x() + half, groove.x() + groove.width() - half

    def set_duration(self, seconds: float) -> None:
        self.setRange(0, max(0, round(seconds * 1000)))
        self.setEnabled(seconds > 0)

    def set_position(self, seconds: float) -> None:
        if not self.isSliderDown():
            self.blockSignals(True)
            self.setValue(round(seconds * 1000))
            self.blockSignals(False)

    def seconds_at(self, x: int) -> float:
        """The media time under horizontal pixel ``x``."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        groove = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, self
        )
        handle = self.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
        )
        span = groove.width() - handle.width()
        pos = x - groove.x() - handle.width() // 2
        value = QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), pos, span)
        return value / 1000.0

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > 0:
            self.setValue(round(self.seconds_at(event.position().toPoint().x()) * 1000))
            self.setSliderDown(True)
            self._emit_seek()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().toPoint().x()
        if self.maximum() > 0:
            text = format_time(self.seconds_at(x), hours=self.maximum() >= 3_600_000)
            QToolTip.showText(self.mapToGlobal(QPoint(x, -28)), text, self)
        if self.isSliderDown():
            self.setValue(round(self.seconds_at(x) * 1000))
            self._scrub.start()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.isSliderDown() and event.button() == Qt.MouseButton.LeftButton:
            self.setSliderDown(False)
            self._scrub.stop()
            self._emit_seek()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def _emit_seek(self) -> None:
        self.seek_requested.emit(self.value() / 1000.0)


HEAT_ALPHA = 120


def _paint_heat(
    painter: QPainter, heat: list[float], span: tuple[float, float], h: int, colour: QColor
) -> None:
    """A filled curve through the bins' centres, from the bar's bottom up to its top, in the
    palette's highlight colour: it reads on a light window and on the dark full-screen bar
    alike (white was lost on the light one)."""
    left, right = span
    n = len(heat)
    step = (right - left) / n
    base, top = h - 1.0, 1.0
    points = [QPointF(left + (i + 0.5) * step, base - v * (base - top)) for i, v in enumerate(heat)]
    path = QPainterPath(QPointF(left, base))
    path.lineTo(QPointF(left, points[0].y()))
    for a, b in itertools.pairwise(points):
        middle = (a.x() + b.x()) / 2
        path.cubicTo(QPointF(middle, a.y()), QPointF(middle, b.y()), b)
    path.lineTo(QPointF(right, points[-1].y()))
    path.lineTo(QPointF(right, base))
    path.closeSubpath()
    painter.fillPath(path, QColor(colour.red(), colour.green(), colour.blue(), HEAT_ALPHA))
