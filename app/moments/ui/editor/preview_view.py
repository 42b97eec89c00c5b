"""The editor's preview: the video frame, the framing window, safe-area guides and the
captions, painted in one QPainter pass.

What it shows is the export: the kept window is ``core/framing.crop_rect`` of the picture,
and the captions are the very image ``ui/overlay_render`` makes at the output size (the one
the export burns in), scaled onto that window. Dragging inside the window moves it;
dragging a caption moves the caption.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from moments.core.captions import Caption
from moments.core.framing import Framing, crop_rect, fit_rect
from moments.ui.common import caption_rect

SAFE_MARGIN = 0.05
"""Title-safe margin drawn inside the output, as a fraction of each side."""
VERTICAL_UI = (0.12, 0.22)
"""Top and bottom bands of a 9:16 picture that phone apps cover with their own buttons."""


@dataclass(frozen=True)
class PreviewLayout:
    """Where things are on screen (widget pixels) for one widget size and framing."""

    picture: QRectF
    """The whole source picture (crop modes) or the whole output (fit mode)."""
    output: QRectF
    """The kept window: what the exported file shows."""


def layout_for(
    widget: QSize, display: tuple[int, int], framing: Framing, output: tuple[int, int]
) -> PreviewLayout:
    """Pure geometry shared by painting and hit-testing."""
    dw, dh = display
    if framing.mode == "fit" and framing.aspect != "source":
        ow, oh = output
        box = _letterbox(widget, ow, oh)
        return PreviewLayout(box, box)
    picture = _letterbox(widget, dw, dh)
    x, y, w, h = crop_rect(dw, dh, framing)
    sx, sy = picture.width() / dw, picture.height() / dh
    window = QRectF(picture.x() + x * sx, picture.y() + y * sy, w * sx, h * sy)
    return PreviewLayout(picture, window)


def _letterbox(widget: QSize, w: int, h: int) -> QRectF:
    scale = min(widget.width() / max(1, w), widget.height() / max(1, h))
    pw, ph = w * scale, h * scale
    return QRectF((widget.width() - pw) / 2, (widget.height() - ph) / 2, pw, ph)


class PreviewView(QWidget):
    """Shows ``set_frame`` images framed by ``set_framing``, with ``set_overlay`` captions."""

    crop_dragged = Signal(float, float)
    """New crop centre (cx, cy) as fractions of the picture, while dragging."""
    drag_finished = Signal()
    caption_dragged = Signal(int, float, float)
    """Caption index and its new centre (x, y) as fractions of the output."""
    caption_clicked = Signal(int)
    clicked = Signal()
    """A click on the picture that was not on a caption and moved nothing (play/pause)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewView")
        self.setAccessibleName("Preview")
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Space plays, wherever it is clicked
        self._frame: QImage | None = None
        self._display = (16, 9)
        self._framing = Framing()
        self._output = (1920, 1080)
        self._overlay: QImage | None = None
        self._captions: tuple[Caption, ...] = ()
        self._scaled: QImage | None = None
        self._scaled_key: tuple[int, int, int] | None = None
        self._selected = -1
        self._guides = True
        self._drag: tuple[str, int, QPointF, tuple[float, float]] | None = None
        self._moved = False

    # -- inputs --------------------------------------------------------------------------------
    def set_frame(self, frame: QImage | None) -> None:
        self._frame = frame
        self.update()

    def frame(self) -> QImage | None:
        return self._frame

    def set_geometry(
        self, display: tuple[int, int], framing: Framing, output: tuple[int, int]
    ) -> None:
        """The source's upright square-pixel size, the framing, and the output size."""
        self._display, self._framing, self._output = display, framing, output
        self.update()

    def set_overlay(self, overlay: QImage | None, captions: tuple[Caption, ...]) -> None:
        """The rendered captions at output size, and the captions it holds (for dragging)."""
        self._overlay, self._captions = overlay, captions
        self.update()

    def set_selected(self, index: int) -> None:
        self._selected = index
        self.update()

    def set_guides(self, shown: bool) -> None:
        self._guides = shown
        self.update()

    def placement(self) -> PreviewLayout:
        """Where the picture and the kept window are, for the widget's size now."""
        return layout_for(self.size(), self._display, self._framing, self._output)

    def output_rect(self) -> QRect:
        """The kept window on screen, in widget pixels."""
        return self.placement().output.toAlignedRect()

    # -- painting ------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(18, 18, 20))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        geometry = self.placement()
        fit = self._framing.mode == "fit" and self._framing.aspect != "source"
        if self._frame is not None and not self._frame.isNull():
            if fit:
                self._paint_fit(painter, geometry.output)
            else:
                painter.drawImage(geometry.picture, self._frame)
        if not fit and geometry.output != geometry.picture:
            self._dim_outside(painter, geometry)
        overlay = self._scaled_overlay(geometry.output)
        if overlay is not None:
            painter.drawImage(geometry.output.toAlignedRect().topLeft(), overlay)
        if self._guides:
            self._paint_guides(painter, geometry.output)
        self._paint_selection(painter, geometry.output)
        painter.end()

    def _scaled_overlay(self, out: QRectF) -> QImage | None:
        """The captions at the window's size on screen, scaled once (not at every frame)."""
        overlay = self._overlay
        if overlay is None or overlay.isNull():
            return None
        size = out.toAlignedRect().size()
        key = (overlay.cacheKey(), size.width(), size.height())
        if self._scaled_key != key:
            self._scaled_key = key
            self._scaled = overlay.scaled(
                size,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        return self._scaled

    def _paint_fit(self, painter: QPainter, out: QRectF) -> None:
        frame = self._frame
        assert frame is not None
        dw, dh = self._display
        ow, oh = self._output
        x, y, w, h = crop_rect(dw, dh, Framing(aspect=self._framing.aspect))
        fx, fy = frame.width() / dw, frame.height() / dh
        cover = frame.copy(QRect(round(x * fx), round(y * fy), round(w * fx), round(h * fy)))
        tiny = cover.scaled(
            max(2, ow // 24), max(2, oh // 24), Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )  # fmt: skip
        painter.drawImage(out, tiny)
        px, py, pw, ph = fit_rect(dw, dh, ow, oh)
        scale = out.width() / ow
        painter.drawImage(
            QRectF(out.x() + px * scale, out.y() + py * scale, pw * scale, ph * scale), frame
        )

    def _dim_outside(self, painter: QPainter, geometry: PreviewLayout) -> None:
        shade = QColor(0, 0, 0, 150)
        pic, win = geometry.picture, geometry.output
        painter.fillRect(QRectF(pic.left(), pic.top(), pic.width(), win.top() - pic.top()), shade)
        painter.fillRect(
            QRectF(pic.left(), win.bottom(), pic.width(), pic.bottom() - win.bottom()), shade
        )
        painter.fillRect(
            QRectF(pic.left(), win.top(), win.left() - pic.left(), win.height()), shade
        )
        painter.fillRect(
            QRectF(win.right(), win.top(), pic.right() - win.right(), win.height()), shade
        )
        painter.setPen(QPen(QColor(255, 255, 255, 200), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(win)

    def _paint_guides(self, painter: QPainter, out: QRectF) -> None:
        pen = QPen(QColor(255, 255, 255, 90), 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        mx, my = out.width() * SAFE_MARGIN, out.height() * SAFE_MARGIN
        painter.drawRect(out.adjusted(mx, my, -mx, -my))
        if out.height() > out.width() * 1.5:  # vertical video: the apps' own buttons
            top, bottom = VERTICAL_UI
            painter.setPen(QPen(QColor(255, 200, 80, 110), 1, Qt.PenStyle.DotLine))
            painter.drawLine(
                QPointF(out.left(), out.top() + out.height() * top),
                QPointF(out.right(), out.top() + out.height() * top),
            )
            painter.drawLine(
                QPointF(out.left(), out.bottom() - out.height() * bottom),
                QPointF(out.right(), out.bottom() - out.height() * bottom),
            )

    def _paint_selection(self, painter: QPainter, out: QRectF) -> None:
        if not 0 <= self._selected < len(self._captions):
            return
        rect = self._caption_screen_rect(self._selected, out)
        if rect is None:
            return
        painter.setPen(QPen(QColor(80, 170, 255, 220), 1.5, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(-4, -4, 4, 4))

    def _caption_screen_rect(self, index: int, out: QRectF) -> QRectF | None:
        caption = self._captions[index]
        if not caption.text.strip() or caption.outside_clip:
            return None
        ow, oh = self._output
        rect = caption_rect(caption, ow, oh)
        scale = out.width() / ow
        return QRectF(
            out.x() + rect.x() * scale,
            out.y() + rect.y() * scale,
            rect.width() * scale,
            rect.height() * scale,
        )

    # -- dragging ------------------------------------------------------------------------------
    def caption_at(self, point: QPointF) -> int:
        out = self.placement().output
        for index in reversed(range(len(self._captions))):
            rect = self._caption_screen_rect(index, out)
            if rect is not None and rect.adjusted(-6, -6, 6, 6).contains(point):
                return index
        return -1

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position()
        index = self.caption_at(point)
        self._moved = False
        if index >= 0:
            caption = self._captions[index]
            self._drag = ("caption", index, point, (caption.x, caption.y))
            self.caption_clicked.emit(index)
        elif self.placement().output.contains(point) and self._framing.aspect != "source":
            # Start from where the window really is (its centre is clamped to the picture).
            dw, dh = self._display
            x, y, w, h = crop_rect(dw, dh, self._framing)
            self._drag = ("crop", -1, point, ((x + w / 2) / dw, (y + h / 2) / dh))
        else:
            self._drag = ("click", -1, point, (0.0, 0.0))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is None:
            over = self.caption_at(event.position()) >= 0
            self.setCursor(Qt.CursorShape.SizeAllCursor if over else Qt.CursorShape.ArrowCursor)
            return
        kind, index, origin, (x0, y0) = self._drag
        delta = event.position() - origin
        if not self._moved:
            self._moved = delta.manhattanLength() >= QApplication.startDragDistance()
            if not self._moved:
                return
        if kind == "click":
            return
        geometry = self.placement()
        if kind == "caption":
            out = geometry.output
            x = min(1.0, max(0.0, x0 + delta.x() / max(1.0, out.width())))
            y = min(1.0, max(0.0, y0 + delta.y() / max(1.0, out.height())))
            self.caption_dragged.emit(index, x, y)
        else:
            pic = geometry.picture
            cx = x0 + delta.x() / max(1.0, pic.width())
            cy = y0 + delta.y() / max(1.0, pic.height())
            self.crop_dragged.emit(min(1.0, max(0.0, cx)), min(1.0, max(0.0, cy)))

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        if self._drag is None:
            return
        kind, self._drag = self._drag[0], None
        if self._moved:
            self.drag_finished.emit()
        elif kind != "caption":
            self.clicked.emit()
