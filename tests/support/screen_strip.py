"""What the screen showed, frame by frame: a thread reads the frame-code row of a video
picture from the X server every ~2 ms (Xlib ``XGetImage`` on a connection of its own,
through ctypes) and turns the samples into runs of one code with the monotonic times it was
first and last seen. Switch gaps are read from those runs (``switch_report``)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import statistics
import threading
import time
from dataclasses import dataclass

import numpy as np

from tests.support.framecode import SAMPLE_Y, decode_pixels


class _Funcs(ctypes.Structure):
    _fields_ = [
        ("create_image", ctypes.c_void_p),
        ("destroy_image", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)),
    ]


class _XImage(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("xoffset", ctypes.c_int),
        ("format", ctypes.c_int),
        ("data", ctypes.POINTER(ctypes.c_ubyte)),
        ("byte_order", ctypes.c_int),
        ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int),
        ("bitmap_pad", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int),
        ("bits_per_pixel", ctypes.c_int),
        ("red_mask", ctypes.c_ulong),
        ("green_mask", ctypes.c_ulong),
        ("blue_mask", ctypes.c_ulong),
        ("obdata", ctypes.c_void_p),
        ("f", _Funcs),
    ]


def _xlib() -> ctypes.CDLL:
    lib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XDefaultRootWindow.restype = ctypes.c_ulong
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XGetImage.restype = ctypes.POINTER(_XImage)
    lib.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int]
    lib.XGetImage.argtypes += [ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    return lib


@dataclass
class Run:
    """One code seen on screen: from ``first`` to ``last`` (monotonic seconds)."""

    code: int | None
    first: float
    last: float


class StripSampler:
    """Samples the frame-code row of the picture at ``rect`` (x, y, w, h on the screen)."""

    def __init__(self, rect: tuple[int, int, int, int], interval: float = 0.002) -> None:
        self.rect = rect
        self.interval = interval
        self._samples: list[tuple[float, np.ndarray]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="strip-sampler", daemon=True)

    def start(self) -> StripSampler:
        self._thread.start()
        return self

    def stop(self) -> list[Run]:
        self._stop.set()
        self._thread.join()
        return self.runs()

    def stop_rows(self) -> list[tuple[float, np.ndarray]]:
        """Stop; every sample as (monotonic seconds, the row's mean level per column)."""
        self._stop.set()
        self._thread.join()
        return list(self._samples)

    def runs(self) -> list[Run]:
        runs: list[Run] = []
        width = self.rect[2]
        for at, row in list(self._samples):
            code = decode_pixels(lambda fx, _fy, r=row: int(r[min(width - 1, int(fx * width))]))
            if runs and runs[-1].code == code:
                runs[-1].last = at
            else:
                runs.append(Run(code, at, at))
        return runs

    def _run(self) -> None:
        lib = _xlib()
        display = lib.XOpenDisplay(os.environ.get("DISPLAY", "").encode() or None)
        if not display:
            raise RuntimeError("the strip sampler cannot open the X display")
        root = lib.XDefaultRootWindow(display)
        x, y, w, h = self.rect
        y = y + round(SAMPLE_Y * h) - 1
        try:
            while not self._stop.is_set():
                before = time.monotonic()
                image = lib.XGetImage(display, root, x, y, w, 3, 0xFFFFFFFF, 2)
                after = time.monotonic()
                if image:
                    contents = image.contents
                    raw = ctypes.string_at(contents.data, contents.bytes_per_line * 3)
                    contents.f.destroy_image(image)
                    pixels = np.frombuffer(raw, np.uint8).reshape(3, -1, 4)[:, :w, :3]
                    self._samples.append(((before + after) / 2, pixels.mean(axis=(0, 2))))
                rest = self.interval - (time.monotonic() - before)
                if rest > 0:
                    time.sleep(rest)
        finally:
            lib.XCloseDisplay(display)


@dataclass(frozen=True)
class SwitchResult:
    """One switch from the frame ``last_a`` to ``first_b``, read from the screen."""

    offset: float
    """Frames: when ``first_b``'s timeline starts, against where ``last_a``'s timeline puts
    the frame after it (positive: a gap or a held frame; negative: frames skipped)."""
    missing: int
    """Of ``last_a`` and ``first_b``, how many were never seen."""
    foreign: float
    """Frames' worth of anything else on screen between them (black, other frames)."""
    steady: bool = True
    """Whether playback itself was steady around the switch (every frame of the half second
    before and after shown, none held over 1.6 frames): on a machine too busy to play
    smoothly, a switch cannot be judged."""

    @property
    def error(self) -> float:
        """The worst of the three, in frames: 0 is a perfect switch."""
        return max(abs(self.offset), float(self.missing), self.foreign)


def switch_result(runs: list[Run], fps: float, a: range, first_b: int) -> SwitchResult | None:
    """The switch from the frames ``a`` (ending with the last one shown before the switch)
    to ``first_b``, from runs; None when too little of either side was seen."""
    frame = 1.0 / fps
    last_a = a[-1]
    seen_a = [r for r in runs if r.code is not None and r.code in a]
    seen_b = [r for r in runs if r.code is not None and first_b <= r.code < first_b + fps]
    tail_a = [r for r in seen_a if r.code is not None and r.code > last_a - fps / 2]
    head_b = [r for r in seen_b if r.code is not None and r.code >= first_b + 2]
    if len(tail_a) < 4 or len(head_b) < 4:
        return None
    line_a = statistics.median(r.first - (r.code or 0) * frame for r in tail_a[:-1])
    line_b = statistics.median(r.first - ((r.code or 0) - first_b) * frame for r in head_b)
    offset = (line_b - (line_a + (last_a + 1) * frame)) / frame
    codes = {r.code for r in runs}
    missing = int(last_a not in codes) + int(first_b not in codes)
    last_a_index = max(i for i, r in enumerate(runs) if r in seen_a)
    first_b_index = min(i for i, r in enumerate(runs) if r in seen_b)
    others = runs[last_a_index + 1 : first_b_index]
    foreign = sum(r.last - r.first + 0.002 for r in others) / frame
    steady = _steady(tail_a[:-1], frame) and _steady(head_b, frame)
    return SwitchResult(offset, missing, foreign, steady)


def _steady(runs: list[Run], frame: float) -> bool:
    codes = [r.code or 0 for r in runs]
    held = any(r.last - r.first > 1.6 * frame for r in runs)
    return not held and codes == list(range(codes[0], codes[0] + len(codes)))
