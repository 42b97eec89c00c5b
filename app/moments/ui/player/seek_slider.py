"""The seek bar: click to jump, drag to scrub, hover to see the time under the cursor."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
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
