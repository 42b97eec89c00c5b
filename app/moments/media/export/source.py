"""What an export needs to know about its source beyond ``probe``: colour (HDR or not), the
timestamp grid (variable frame rate or not), and the exact frames at the trim points.

The trim points come from the packets around them (``ffprobe -read_intervals``: a seek and a
second of packets, no decoding), so a trim is frame-exact even on variable-frame-rate files
and files whose timestamps do not start at zero.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

from moments.core.errors import ClipError, MediaError
from moments.core.source import display_name, ffmpeg_input
from moments.media.probe import MediaInfo
from moments.media.tools import find_tool, run_tool

HDR_TRANSFERS = frozenset({"smpte2084", "arib-std-b67"})
INTERLACED_ORDERS = frozenset({"tt", "bb", "tb", "bt"})


@dataclass(frozen=True)
class SourceDetails:
    start_time: float = 0.0
    """Timestamp of the file's start; ``-ss`` and the editor count from here."""
    rate: Fraction | None = None
    """``r_frame_rate``: the grid every frame timestamp sits on."""
    avg_rate: Fraction | None = None
    transfer: str = ""
    primaries: str = ""
    matrix: str = ""
    pix_fmt: str = ""

    @property
    def hdr(self) -> bool:
        return self.transfer in HDR_TRANSFERS

    @property
    def variable_rate(self) -> bool:
        if not self.rate or not self.avg_rate:
            return False
        return abs(float(self.avg_rate / self.rate) - 1) > 0.01


@dataclass(frozen=True)
class TrimWindow:
    """Source seconds (counted from the file's start) of the first kept frame, of the end of
    the last kept frame, and the gap to the frame before the first."""

    first: float
    end: float
    gap_before: float
    step: float = 0.0
    """The usual gap between frames around the trim points (0 when unknown)."""

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.first)


def source_details(location: str, *, timeout: float = 20.0) -> SourceDetails:
    """Colour, rates and start time of the first video stream. Raises MediaError."""
    fields = "r_frame_rate,avg_frame_rate,color_transfer,color_primaries,color_space,pix_fmt"
    args = [find_tool("ffprobe"), "-v", "error", "-select_streams", "v:0", "-of", "default=nw=1"]
    args += ["-show_entries", f"stream={fields}:format=start_time", ffmpeg_input(location)]
    values = _key_values(_ffprobe(args, location, timeout))
    return SourceDetails(
        start_time=_seconds(values.get("start_time")) or 0.0,
        rate=_rate(values.get("r_frame_rate")),
        avg_rate=_rate(values.get("avg_frame_rate")),
        transfer=_known(values.get("color_transfer")),
        primaries=_known(values.get("color_primaries")),
        matrix=_known(values.get("color_space")),
        pix_fmt=_known(values.get("pix_fmt")),
    )


def trim_window(
    location: str,
    start: float,
    end: float,
    details: SourceDetails,
    info: MediaInfo,
    *,
    timeout: float = 20.0,
) -> TrimWindow:
    """The frames shown during ``[start, end)`` (source seconds): from the frame on screen at
    ``start`` to the one on screen just before ``end``. Falls back to the nominal frame grid
    when the packets cannot be read."""
    origin = details.start_time
    times = _packet_times(location, origin + start, origin + end, timeout)
    window = window_from_times(times, origin + start, origin + end)
    if window is None:
        return nominal_window(start, end, details, info)
    return TrimWindow(window.first - origin, window.end - origin, window.gap_before, window.step)


def window_from_times(
    times: list[tuple[float, float | None]], start: float, end: float
) -> TrimWindow | None:
    """Pick the trim window out of ``(pts, duration)`` pairs (pure, for tests)."""
    pts = sorted({t for t, _ in times})
    if len(pts) < 2:
        return None
    before = [t for t in pts if t <= start + 1e-6]
    if not before:
        return None
    first = before[-1]
    earlier = [t for t in pts if t < first]
    gaps = [b - a for a, b in itertools.pairwise(pts) if b > a]
    typical = sorted(gaps)[len(gaps) // 2] if gaps else 0.04
    gap_before = first - earlier[-1] if earlier else typical
    inside = [t for t in pts if first <= t < end - 1e-6]
    if not inside:
        return None
    last = inside[-1]
    following = [t for t in pts if t > last]
    durations = {t: d for t, d in times if d}
    last_duration = following[0] - last if following else durations.get(last, typical)
    return TrimWindow(first, last + last_duration, gap_before, typical)


def nominal_window(start: float, end: float, details: SourceDetails, info: MediaInfo) -> TrimWindow:
    """The trim window on the nominal frame grid (constant frame rate assumed)."""
    rate = details.rate or Fraction(1 / info.frame_duration).limit_denominator(1001)
    step = 1 / float(rate)
    first_index = math.floor(start / step + 1e-6)
    end_index = max(first_index + 1, math.ceil(end / step - 1e-6))
    return TrimWindow(first_index * step, end_index * step, step, step)


def _packet_times(
    location: str, start: float, end: float, timeout: float
) -> list[tuple[float, float | None]]:
    head = f"{max(0.0, start - 1.5):.6f}%{start + 0.5:.6f}"
    tail = f"{max(0.0, end - 1.5):.6f}%{end + 0.5:.6f}"
    whole = f"{max(0.0, start - 1.5):.6f}%{end + 0.5:.6f}"
    intervals = whole if end - start < 2.5 else f"{head},{tail}"
    args = [find_tool("ffprobe"), "-v", "error", "-select_streams", "v:0", "-read_intervals"]
    args += [intervals, "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0"]
    try:
        out = _ffprobe([*args, ffmpeg_input(location)], location, timeout)
    except MediaError:
        return []
    times: list[tuple[float, float | None]] = []
    for line in out.splitlines():
        parts = line.strip().strip(",").split(",")
        pts = _seconds(parts[0]) if parts and parts[0] else None
        if pts is not None:
            times.append((pts, _seconds(parts[1]) if len(parts) > 1 else None))
    return times


def _ffprobe(args: list[str], location: str, timeout: float) -> str:
    try:
        result = run_tool(args, timeout=timeout)
    except ClipError as exc:
        raise MediaError(f"“{display_name(location)}” could not be read: {exc}") from exc
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1].split(": ", 1)[-1] if lines else "unknown error"
        raise MediaError(f"“{display_name(location)}” could not be read: {reason}")
    return result.stdout


def _key_values(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key not in values:
            values[key.strip()] = value.strip()
    return values


def _seconds(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _rate(text: str | None) -> Fraction | None:
    try:
        num, den = (int(x) for x in (text or "").split("/"))
    except ValueError:
        return None
    if num <= 0 or den <= 0 or num / den > 1000:
        return None
    return Fraction(num, den)


def _known(text: str | None) -> str:
    return "" if not text or text in ("unknown", "N/A") else text
