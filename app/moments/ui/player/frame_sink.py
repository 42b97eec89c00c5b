"""Video frames from libVLC into Qt memory, for previews Qt must paint over.

A Qt widget cannot be drawn over libVLC's native child window on X11, so the editor's
preview has libVLC render into buffers (libVLC's video callbacks, RV32) and paints frame,
crop window, guides and captions in one QPainter pass. ``ui/player/player.py`` hands these
callbacks to libVLC; this module only needs ctypes.

The callbacks run on libVLC's threads: they touch buffers under a lock and emit a queued
signal, nothing else. The GUI thread copies the newest complete frame into a QImage.
"""

from __future__ import annotations

import ctypes
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QImage

# libVLC's callback prototypes (include/vlc/libvlc_media_player.h), declared here so this
# module does not import vlc.
VideoLockCb = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
VideoUnlockCb = ctypes.CFUNCTYPE(
    None, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)
)
VideoDisplayCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
# ``chroma`` is a char[4] libVLC lets us overwrite: declared as a raw pointer (c_char_p
# would hand Python a copy); ui/player/player.py casts it to python-vlc's prototype.
VideoFormatCb = ctypes.CFUNCTYPE(
    ctypes.c_uint,
    ctypes.POINTER(ctypes.c_void_p),
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
)
VideoCleanupCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
# What ctypes hands the callbacks: a ``c_void_p`` argument arrives as an int (None for NULL),
# a ``POINTER(...)`` argument as a pointer object to index.
if TYPE_CHECKING:  # ctypes._Pointer is generic in the stubs only, not at run time
    _VoidPointer = ctypes._Pointer[ctypes.c_void_p]
    _UintPointer = ctypes._Pointer[ctypes.c_uint]

POOL = 4
"""Pictures libVLC may hold at once; two more buffers keep the newest frame untouched."""
ALIGN = 32


def fitted_size(width: int, height: int, box: QSize) -> tuple[int, int]:
    """``width`` x ``height`` scaled down to fit ``box`` (never up), even, pitch-aligned."""
    scale = min(1.0, box.width() / max(1, width), box.height() / max(1, height))
    w = max(2, int(width * scale) // 2 * 2)
    h = max(2, int(height * scale) // 2 * 2)
    return w, h


class FrameSink(QObject):
    """Receives RV32 frames from libVLC. ``display_size`` (from probing) gives the picture's
    shape on screen: libVLC reports stored pixels, which are not square for anamorphic video.
    """

    frame_ready = Signal()
    """A new frame is complete (queued to the GUI thread; call ``image()``)."""

    def __init__(self, box: QSize | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._box = box or QSize(1280, 720)
        self._display_size: tuple[int, int] | None = None
        self._mutex = threading.Lock()
        self._buffers: list[ctypes.Array[ctypes.c_char]] = []
        self._size = (0, 0)
        self._pitch = 0
        self._latest = -1
        self._stamps: list[int] = []
        self._locks = 0
        self._frames = 0
        # Keep the ctypes callback objects alive as long as libVLC may call them.
        self.lock_cb = VideoLockCb(self._lock)
        self.unlock_cb = VideoUnlockCb(self._unlock)
        self.display_cb = VideoDisplayCb(self._display)
        self.format_cb = VideoFormatCb(self._format)
        self.cleanup_cb = VideoCleanupCb(self._cleanup)

    def set_display_size(self, size: tuple[int, int] | None) -> None:
        """The picture's upright, square-pixel size, used for the next format negotiation."""
        with self._mutex:
            self._display_size = size

    @property
    def frames_shown(self) -> int:
        return self._frames

    def size(self) -> tuple[int, int]:
        return self._size

    def image(self) -> QImage | None:
        """A copy of the newest complete frame, or None before the first."""
        with self._mutex:
            if self._latest < 0:
                return None
            w, h = self._size
            # PySide6's stub lists bytes, bytearray and memoryview; any buffer works, and the
            # ctypes array itself is read in place (a memoryview of it costs one more copy).
            view: QImage = QImage(  # type: ignore[call-overload]
                self._buffers[self._latest], w, h, self._pitch, QImage.Format.Format_RGB32
            )
            return view.copy()  # one copy, made while libVLC cannot write into the buffer

    # -- libVLC threads ------------------------------------------------------------------------
    def _format(
        self,
        _opaque: _VoidPointer,
        chroma: int,
        width: _UintPointer,
        height: _UintPointer,
        pitches: _UintPointer,
        lines: _UintPointer,
    ) -> int:
        with self._mutex:
            shape = self._display_size or (int(width[0]), int(height[0]))
            w, h = fitted_size(shape[0], shape[1], self._box)
            pitch = (w * 4 + ALIGN - 1) // ALIGN * ALIGN
            rows = (h + ALIGN - 1) // ALIGN * ALIGN
            ctypes.memmove(chroma, b"RV32", 4)
            width[0], height[0], pitches[0], lines[0] = w, h, pitch, rows
            self._buffers = [ctypes.create_string_buffer(pitch * rows) for _ in range(POOL + 2)]
            self._size, self._pitch = (w, h), pitch
            self._latest, self._stamps = -1, [0] * len(self._buffers)
        return POOL

    def _lock(self, _opaque: int | None, planes: _VoidPointer) -> int:
        with self._mutex:
            # The buffer locked longest ago, never the newest frame: libVLC holds at most
            # POOL pictures and shows them in order, so that one is no longer in use.
            candidates = [i for i in range(len(self._buffers)) if i != self._latest]
            index = min(candidates, key=self._stamps.__getitem__)
            self._locks += 1
            self._stamps[index] = self._locks
            planes[0] = ctypes.addressof(self._buffers[index])
        return index + 1  # never NULL: the picture id handed back to unlock/display

    def _unlock(self, _opaque: int | None, picture: int | None, _planes: _VoidPointer) -> None:
        return None

    def _display(self, _opaque: int | None, picture: int | None) -> None:
        index = int(picture or 0) - 1
        with self._mutex:
            if not 0 <= index < len(self._buffers):
                return
            self._latest = index
            self._frames += 1
        self.frame_ready.emit()

    def _cleanup(self, _opaque: int | None) -> None:
        return None
