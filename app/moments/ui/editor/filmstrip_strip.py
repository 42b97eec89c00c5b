"""The trim timeline: a filmstrip under draggable in/out handles, a playhead and a limit mark.

Thumbnails come from outside (``set_thumbnails``/``set_thumbnail``, e.g. from
``media/filmstrip.make_filmstrip`` run by the TaskRunner) and may arrive one by one; the
widget never runs ffmpeg. Slot ``i`` of ``N`` covers the ``i``-th N-th of the range and shows
its picture scaled to the strip's height from the slot's left edge.

Shot changes and sentence ends (``set_marks``) are drawn over the pictures; a dragged
handle snaps to one within ``SNAP_PX`` pixels, as on every video editor's timeline (hold
Alt to place it freely).

Mouse: drag a handle to trim, click or drag elsewhere to scrub. Keys (when focused): ``,``
and ``.`` move the selected handle one frame back or forward, with Shift one second; ↑ and
↓ move it to the previous or next shot change, with Shift to the previous or next line end;
``[`` and ``]`` select the in or out handle; Tab goes from the in to the out handle, then
on. These keys are claimed from window shortcuts (the player's ``,``/``.``) while the strip
has the focus. The handles never cross: the trim is at least one frame long. ``set_*``
calls never emit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QWidget

from moments.core.scene.facts import SceneMark
from moments.core.timefmt import format_time
from moments.ui.editor import filmstrip_paint as paint

HANDLE_W = 10
GRAB_SLACK = 4
SNAP_PX = 6
"""A dragged handle snaps to a shot change or line end this close (Alt: it does not)."""
_KEYS = frozenset(
    {Qt.Key.Key_Comma, Qt.Key.Key_Period, Qt.Key.Key_Less, Qt.Key.Key_Greater}
    | {Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight, Qt.Key.Key_Up, Qt.Key.Key_Down}
)


class Handle(StrEnum):
    IN = "in"
    OUT = "out"


class FilmstripStrip(QWidget):
    """Trim handles and a playhead over a filmstrip of ``range()`` (source seconds)."""

    in_changed = Signal(float)
    out_changed = Signal(float)
    scrubbed = Signal(float)
    """The user moved the playhead to this time (click or drag on the strip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start, self._end = 0.0, 1.0
        self._in, self._out = 0.0, 1.0
        self._playhead = 0.0
        self._frame = 1 / 25
        self._limit: float | None = None
        self._limit_label = ""
        self._images: list[QImage | None] = []
        self._marks: list[SceneMark] = []
        self._scaled: dict[int, QPixmap] = {}
        self._focused = Handle.IN
        self._dragging: Handle | None = None
        self._grab_offset = 0.0
        """Pixels between the pointer and the dragged handle's time, kept while dragging."""
        self._scrubbing = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setObjectName("filmstripStrip")
        self.setAccessibleName("Trim timeline")
        self.setToolTip(
            "Drag the yellow handles to trim (they snap to shot changes and line ends; hold "
            "Alt to place them freely), click to move the playhead. , and . move the selected "
            "handle by a frame (Shift: a second), ↑ and ↓ to the previous or next shot change "
            "(Shift: line end); [ and ] or Tab select a handle."
        )
        self._describe()

    # --- state -----------------------------------------------------------------------

    def set_range(self, start: float, end: float) -> None:
        """The times the strip spans; the trim and playhead are clamped into it."""
        if not (math.isfinite(start) and math.isfinite(end) and start < end):
            raise ValueError(f"not a time range: {start!r} to {end!r}")
        self._start, self._end = start, end
        self.set_trim(self._in, self._out)
        self.set_playhead(self._playhead)

    def range(self) -> tuple[float, float]:
        return self._start, self._end

    def set_trim(self, in_point: float, out_point: float) -> None:
        """Place both handles (clamped into the range, at least one frame apart)."""
        frame = self._min_length()
        self._in = min(max(in_point, self._start), self._end - frame)
        self._out = min(max(out_point, self._in + frame), self._end)
        self._changed()

    def in_point(self) -> float:
        return self._in

    def out_point(self) -> float:
        return self._out

    def set_playhead(self, seconds: float) -> None:
        self._playhead = min(max(seconds, self._start), self._end)
        self.update()

    def playhead(self) -> float:
        return self._playhead

    def set_frame_duration(self, seconds: float) -> None:
        """One frame of the video: the key step and the shortest trim."""
        if not seconds > 0:
            raise ValueError(f"frame duration must be positive: {seconds}")
        self._frame = seconds

    def frame_duration(self) -> float:
        return self._frame

    def set_length_limit(self, seconds: float | None, label: str = "") -> None:
        """Mark ``in + seconds`` (a platform's longest video) with a red line and ``label``
        (``"X 2:20"``; the time alone when empty). None removes it."""
        self._limit = seconds if seconds is not None and seconds > 0 else None
        self._limit_label = label or (format_time(self._limit) if self._limit else "")
        self._changed()

    def length_limit(self) -> float | None:
        return self._limit

    def set_thumbnails(self, images: Sequence[QImage | None]) -> None:
        """The strip's pictures, one per slot; None for one still to come."""
        self._images = list(images)
        self._scaled.clear()
        self.update()

    def set_thumbnail(self, index: int, image: QImage, count: int | None = None) -> None:
        """Fill slot ``index`` (of ``count`` slots, when the number of slots changes)."""
        if count is not None and count != len(self._images):
            self._images = [None] * count
            self._scaled.clear()
        if 0 <= index < len(self._images):
            self._images[index] = image
            self._scaled.pop(index, None)
            self.update()

    def thumbnails(self) -> list[QImage | None]:
        """The slots' pictures (None where none has arrived)."""
        return list(self._images)

    def set_marks(self, marks: Sequence[SceneMark]) -> None:
        """The shot changes and line ends to draw and snap to (source seconds)."""
        self._marks = sorted(marks, key=lambda m: m.time)
        self.update()

    def marks(self) -> list[SceneMark]:
        return list(self._marks)

    def focused_handle(self) -> Handle:
        return self._focused

    def set_focused_handle(self, handle: Handle) -> None:
        self._focused = Handle(handle)
        self._changed()

    # --- geometry --------------------------------------------------------------------

    def track(self) -> QRectF:
        """Where the thumbnails are drawn: the widget less room for the handles."""
        return QRectF(HANDLE_W, 0, max(1, self.width() - 2 * HANDLE_W), self.height())

    def x_at(self, seconds: float) -> float:
        track = self.track()
        return track.left() + (seconds - self._start) / (self._end - self._start) * track.width()

    def time_at(self, x: float) -> float:
        track = self.track()
        fraction = min(max((x - track.left()) / track.width(), 0.0), 1.0)
        return self._start + fraction * (self._end - self._start)

    def handle_rect(self, handle: Handle) -> QRectF:
        if handle is Handle.IN:
            return QRectF(self.x_at(self._in) - HANDLE_W, 0, HANDLE_W, self.height())
        return QRectF(self.x_at(self._out), 0, HANDLE_W, self.height())

    def sizeHint(self) -> QSize:
        return QSize(640, 64)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 32)

    # --- mouse -----------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        x = event.position().x()
        handle = self._handle_near(x)
        if handle is not None:
            self._dragging = handle
            self._grab_offset = x - self.x_at(self._in if handle is Handle.IN else self._out)
            self.set_focused_handle(handle)
        else:
            self._scrubbing = True
            self._scrub(x)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._scrubbing:
            self._scrub(x)
        elif self._dragging is not None:
            free = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            wanted = self.time_at(x - self._grab_offset)
            self._move(self._dragging, wanted if free else self._snapped(self._dragging, wanted))
        else:
            near = self._handle_near(x) is not None
            self.setCursor(Qt.CursorShape.SizeHorCursor if near else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging, self._scrubbing = None, False
        super().mouseReleaseEvent(event)

    def _handle_near(self, x: float) -> Handle | None:
        hits = []
        for handle in (Handle.IN, Handle.OUT):
            rect = self.handle_rect(handle)
            if rect.left() - GRAB_SLACK <= x <= rect.right() + GRAB_SLACK:
                hits.append(handle)
        if len(hits) == 2:  # a short trim: the side of the click decides
            return Handle.IN if x < (self.x_at(self._in) + self.x_at(self._out)) / 2 else Handle.OUT
        return hits[0] if hits else None

    def _scrub(self, x: float) -> None:
        seconds = self.time_at(x)
        self.set_playhead(seconds)
        self.scrubbed.emit(self._playhead)

    # --- keys and focus --------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if event.key() in _KEYS:  # ours while focused, even where they are shortcuts
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        back, forward = (Qt.Key.Key_Comma, Qt.Key.Key_Less), (Qt.Key.Key_Period, Qt.Key.Key_Greater)
        if key in back or key in forward:
            size = 1.0 if shift or key in (Qt.Key.Key_Less, Qt.Key.Key_Greater) else self._frame
            now = self._in if self._focused is Handle.IN else self._out
            self._move(self._focused, now + (size if key in forward else -size))
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            kind = "sentence" if shift else "cut"
            self._jump(kind, forward=key == Qt.Key.Key_Down)
        elif key == Qt.Key.Key_BracketLeft:
            self.set_focused_handle(Handle.IN)
        elif key == Qt.Key.Key_BracketRight:
            self.set_focused_handle(Handle.OUT)
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        if next and self._focused is Handle.IN:
            self.set_focused_handle(Handle.OUT)
            return True
        if not next and self._focused is Handle.OUT:
            self.set_focused_handle(Handle.IN)
            return True
        return super().focusNextPrevChild(next)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if event.reason() == Qt.FocusReason.TabFocusReason:
            self._focused = Handle.IN
        elif event.reason() == Qt.FocusReason.BacktabFocusReason:
            self._focused = Handle.OUT
        self._changed()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)

    # --- painting --------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._scaled.clear()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = self.track()
        x_in, x_out = self.x_at(self._in), self.x_at(self._out)
        paint.background(painter, QRectF(self.rect()))
        paint.thumbnails(painter, track, self._images, self._scaled)
        paint.marks(painter, track, [(m, self.x_at(m.time)) for m in self._marks], self.x_at)
        paint.dim_outside(painter, track, x_in, x_out)
        if self._limit is not None and self._in + self._limit < self._end:
            x_limit = self.x_at(self._in + self._limit)
            paint.limit(painter, QRectF(self.rect()), x_limit, x_out, self._limit_label)
        focused = self._focused if self.hasFocus() else None
        paint.trim(painter, track, x_in, x_out)
        for handle in (Handle.IN, Handle.OUT):
            paint.handle(painter, self.handle_rect(handle), focused=handle is focused)
        paint.playhead(painter, self.x_at(self._playhead), track.height())
        painter.end()

    # --- internals -------------------------------------------------------------------

    def _move(self, handle: Handle, seconds: float) -> None:
        frame = self._min_length()
        if handle is Handle.IN:
            value = min(max(seconds, self._start), self._out - frame)
            if value != self._in:
                self._in = value
                self._changed()
                self.in_changed.emit(value)
        else:
            value = min(max(seconds, self._in + frame), self._end)
            if value != self._out:
                self._out = value
                self._changed()
                self.out_changed.emit(value)

    def _mark_time(self, handle: Handle, mark: SceneMark) -> float:
        """Where ``handle`` goes on ``mark``: the in handle where the new shot is in, the
        out handle where the old one is gone (before a fade's black)."""
        return mark.time if handle is Handle.IN else mark.end_time

    def _snapped(self, handle: Handle, seconds: float) -> float:
        """``seconds``, or the mark within ``SNAP_PX`` pixels of it."""
        x = self.x_at(seconds)
        near = [
            (abs(self.x_at(self._mark_time(handle, m)) - x), self._mark_time(handle, m))
            for m in self._marks
        ]
        best = min(near, default=None)
        return best[1] if best is not None and best[0] <= SNAP_PX else seconds

    def _jump(self, kind: str, *, forward: bool) -> None:
        """Move the selected handle to the previous or next mark of ``kind``."""
        handle = self._focused
        now = self._in if handle is Handle.IN else self._out
        times = [self._mark_time(handle, m) for m in self._marks if m.kind == kind]
        if forward:
            later = [t for t in times if t > now + 1e-4]
            target = min(later) if later else None
        else:
            earlier = [t for t in times if t < now - 1e-4]
            target = max(earlier) if earlier else None
        if target is not None:
            self._move(handle, target)

    def _min_length(self) -> float:
        return min(self._frame, (self._end - self._start) / 2)

    def _changed(self) -> None:
        self._describe()
        self.update()

    def _describe(self) -> None:
        length = format_time(self._out - self._in, millis=True)
        text = f"In {format_time(self._in, millis=True)}, out {format_time(self._out, millis=True)}"
        text += f", {length} long; {self._focused.value} handle selected."
        if self._limit is not None and self._out - self._in > self._limit + 1e-6:
            text += f" Longer than the {self._limit_label} limit."
        self.setAccessibleDescription(text)
