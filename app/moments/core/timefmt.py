"""Formatting and parsing of media times (seconds as float)."""

from __future__ import annotations

import math
import re

_CLOCK = re.compile(r"^(?:(?:(\d+):)?(\d{1,2}):)?(\d{1,2}(?:\.\d*)?)$")
_SECONDS = re.compile(r"\d+(?:\.\d*)?|\.\d+")


def format_time(seconds: float, *, millis: bool = False, hours: bool | None = None) -> str:
    """``83.5`` → ``"1:23"``; with ``millis`` → ``"1:23.500"``; hours shown when needed or asked."""
    if not math.isfinite(seconds) or seconds < 0:
        seconds = 0.0
    total_ms = round(seconds * 1000)
    if not millis:
        total_ms = (total_ms // 1000) * 1000
    h, rem = divmod(total_ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    show_hours = h > 0 if hours is None else hours
    text = f"{h}:{m:02d}:{s:02d}" if show_hours else f"{m}:{s:02d}"
    return f"{text}.{ms:03d}" if millis else text


def format_timecode(seconds: float) -> str:
    """Always ``HH:MM:SS.mmm``, the form the CLI and the editor accept back."""
    return format_time(seconds, millis=True, hours=True).rjust(12, "0")


def parse_time(text: str) -> float:
    """Parse ``"12.5"``, ``"1:02"``, ``"01:02:03.250"`` into seconds. Raises ValueError.

    A decimal comma (``"12,5"``, ``"00:01:02,500"`` as in SubRip) reads as a point, and
    ``".5"`` and ``"12."`` are accepted (what a field holds while the user types)."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        raise ValueError("empty time")
    if _SECONDS.fullmatch(cleaned):
        return float(cleaned)
    match = _CLOCK.match(cleaned)
    if not match:
        raise ValueError(f"not a time: {text!r} (use seconds or HH:MM:SS.mmm)")
    h, m, s = match.groups()
    minutes = int(m or 0)
    seconds = float(s)
    if (h is not None or m is not None) and (seconds >= 60 or (h is not None and minutes >= 60)):
        raise ValueError(f"not a time: {text!r} (minutes and seconds go up to 59)")
    return int(h or 0) * 3600 + minutes * 60 + seconds
