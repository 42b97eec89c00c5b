"""Ask the X server to keep a native window's pixels while another window covers it.

The story deck stacks one native video view per libVLC player and raises the one whose
branch plays next. Without backing store, raising it exposes a window whose pixels the
server threw away: X paints the background (black) and libVLC only redraws a *paused*
picture up to 80 ms later — a black flash at every switch (measured: 2–92 ms on Xvfb).
With backing store (the server implements it through the Composite extension), the
pre-rolled first frame libVLC drew under the playing view is shown the instant it is
raised. Only Xlib's ``XChangeWindowAttributes`` is needed, through ctypes on a connection
of our own (Qt's own stays untouched); elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

_CW_BACKING_STORE = 1 << 6
_WHEN_MAPPED = 1


class _XSetWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("background_pixmap", ctypes.c_ulong),
        ("background_pixel", ctypes.c_ulong),
        ("border_pixmap", ctypes.c_ulong),
        ("border_pixel", ctypes.c_ulong),
        ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int),
        ("event_mask", ctypes.c_long),
        ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int),
        ("colormap", ctypes.c_ulong),
        ("cursor", ctypes.c_ulong),
    ]


class _Xlib:
    """One Xlib connection for the process, opened on first use."""

    def __init__(self) -> None:
        name = ctypes.util.find_library("X11") or "libX11.so.6"
        lib = ctypes.CDLL(name)
        lib.XOpenDisplay.restype = ctypes.c_void_p
        lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        lib.XChangeWindowAttributes.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_ulong,
            ctypes.POINTER(_XSetWindowAttributes),
        ]
        lib.XFlush.argtypes = [ctypes.c_void_p]
        display = os.environ.get("DISPLAY", "").encode() or None
        self.display = lib.XOpenDisplay(display)
        if not self.display:
            raise OSError("no X display")
        self.lib = lib

    def keep_contents(self, win_id: int) -> None:
        attributes = _XSetWindowAttributes()
        attributes.backing_store = _WHEN_MAPPED
        self.lib.XChangeWindowAttributes(
            self.display, win_id, _CW_BACKING_STORE, ctypes.byref(attributes)
        )
        self.lib.XFlush(self.display)


_xlib: _Xlib | None = None
_unavailable = False


def keep_contents_when_covered(win_id: int) -> bool:
    """Turn on backing store for the X window ``win_id``; False where there is no X11."""
    global _xlib, _unavailable
    if _unavailable or QGuiApplication.platformName() != "xcb":
        return False
    try:
        if _xlib is None:
            _xlib = _Xlib()
        _xlib.keep_contents(win_id)
    except OSError as exc:
        _unavailable = True
        log.warning("X backing store unavailable (%s): branch switches may flash", exc)
        return False
    return True
