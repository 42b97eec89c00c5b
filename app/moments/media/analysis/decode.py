"""One ffmpeg run over a stretch of a file: small frames and loudness, in one decode.

The video is scaled to ``WIDTH``×``HEIGHT`` RGB24 (area averaging) and written raw to the
pipe; ``showinfo`` logs each frame's pts, so times are the frames' own (a variable frame rate
stays exact; ``-vsync 0`` keeps ffmpeg from duplicating or dropping frames to a fixed rate).
The first audio stream goes through ``ebur128`` into the null muxer in the same process,
which logs momentary and short-term loudness every 100 ms. ``-copyts -start_at_zero`` puts
every time in the source's own timeline (its first packet is 0), as capture and the player
count it. A stretch is decoded from ``LEAD_S`` before its start, so its first frame has a
frame before it to compare with and the 3 s short-term loudness is settled; the caller keeps
only the frames inside the stretch.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from moments.core.cancel import CancelToken, PauseGate
from moments.core.errors import ClipError, MediaError
from moments.core.scene.signals import QUIET_LUFS, AudioSignals, FrameSignals
from moments.core.source import display_name, ffmpeg_input
from moments.media.analysis.features import FRAME_BYTES, HEIGHT, WIDTH, FrameFeatures
from moments.media.pipe import stream_ffmpeg

log = logging.getLogger(__name__)

LEAD_S = 3.0
BATCH = 64
"""Frames handed to the feature code at a time (the numpy work is per batch)."""

_TIME_BASE = re.compile(r"Parsed_showinfo.*config in time_base:\s*(\d+)/(\d+)")
_FRAME = re.compile(r"Parsed_showinfo.*\] n:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)")
_LOUDNESS = re.compile(
    r"Parsed_ebur128.*\] t:\s*(\S+)\s+TARGET:.*?M:\s*(\S+)\s+S:\s*(\S+)", re.IGNORECASE
)
_SHOWINFO_DETAIL = re.compile(r"Parsed_showinfo.*\]\s+(color_range|side data|\w+:)")


@dataclass(frozen=True)
class Stretch:
    """``[start, end)`` to analyse; ``end`` None: to the end of the file."""

    start: float
    end: float | None


def decode_args(
    source: str,
    stretch: Stretch,
    *,
    audio: bool,
    lead: float = LEAD_S,
    own_timestamps: bool = False,
) -> list[str]:
    """ffmpeg's arguments (after the program name and log options) for one stretch. Filters
    hold numbers only. ``own_timestamps`` keeps the file's pts as they are (a live ring's
    segments carry ring time) instead of counting from its first packet."""
    seek = max(0.0, stretch.start - lead)
    args = ["-copyts"] if own_timestamps else ["-copyts", "-start_at_zero"]
    if seek > 0:
        args += ["-ss", f"{seek:.6f}"]
    if stretch.end is not None:
        args += ["-t", f"{stretch.end - seek:.6f}"]
    # The deblocking filter only smooths block edges, which a 96×54 picture cannot show:
    # skipping it saves ~13 % of the decoding (H.264, HEVC; other decoders ignore it).
    args += ["-skip_loop_filter:v", "all", "-i", ffmpeg_input(source)]
    args += ["-map", "0:v:0", "-an", "-sn", "-dn", "-vsync", "0"]
    args += ["-vf", f"scale={WIDTH}:{HEIGHT}:flags=area,showinfo"]
    args += ["-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]
    if audio:
        args += ["-map", "0:a:0", "-vn", "-sn", "-dn", "-af", "ebur128", "-f", "null", "-"]
    return args


@dataclass
class DecodedStretch:
    """What one run produced: every frame and loudness reading it decoded (lead included)."""

    frames: FrameSignals
    audio: AudioSignals


@dataclass
class _LogReader:
    """Frame times and loudness readings from ffmpeg's log lines, in the order they come."""

    time_base: Fraction | None = None
    pts: list[float] = field(default_factory=list)
    audio_t: list[float] = field(default_factory=list)
    momentary: list[float] = field(default_factory=list)
    short_term: list[float] = field(default_factory=list)
    step: float = 0.04

    def feed(self, line: str) -> bool:
        if "Parsed_" not in line:
            return False
        if match := _FRAME.search(line):
            raw = match.group(2)
            if raw == "NOPTS" or self.time_base is None:
                last = self.pts[-1] if self.pts else 0.0
                self.pts.append(last + self.step if self.pts else 0.0)
            else:
                self.pts.append(float(int(raw) * self.time_base))
            return True
        if match := _LOUDNESS.search(line):
            self._loudness(match.group(1), match.group(2), match.group(3))
            return True
        if match := _TIME_BASE.search(line):
            num, den = int(match.group(1)), int(match.group(2))
            self.time_base = Fraction(num, den) if num and den else None
            return True
        return bool(_SHOWINFO_DETAIL.search(line)) or "Parsed_ebur128" in line

    def _loudness(self, t_text: str, m_text: str, s_text: str) -> None:
        printed = _number(t_text)
        if printed is None:
            return
        # ffmpeg prints t with 6 significant digits: past 1000 s that is coarser than the
        # 100 ms step, so count steps from the last reading unless the print disagrees.
        expected = self.audio_t[-1] + 0.1 if self.audio_t else printed
        precision = 10 ** (math.floor(math.log10(max(abs(printed), 1e-3))) - 5)
        t = expected if abs(expected - printed) <= max(precision, 0.02) else printed
        self.audio_t.append(t)
        self.momentary.append(_lufs(m_text))
        self.short_term.append(_lufs(s_text))


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _lufs(text: str) -> float:
    value = _number(text)
    return QUIET_LUFS if value is None else max(QUIET_LUFS, value)


def decode_stretch(
    source: str,
    stretch: Stretch,
    *,
    audio: bool,
    fps: float | None = None,
    progress: Callable[[float], None] | None = None,
    cancel: CancelToken | None = None,
    pause: PauseGate | None = None,
    idle: bool = True,
    lead: float = LEAD_S,
    timeout: float | None = None,
    features: FrameFeatures | None = None,
    own_timestamps: bool = False,
) -> DecodedStretch:
    """Decode ``stretch`` of ``source`` once; returns the signals of every frame decoded.
    ``progress(t)`` gets the time reached (source seconds). ``features`` carries the
    previous frames over from an earlier run (the next segment of a live stream). Raises
    MediaError when the file cannot be decoded, CancelledError on cancel."""
    reader = _LogReader(step=1.0 / fps if fps else 0.04)
    features = features if features is not None else FrameFeatures()
    pending = bytearray()
    values: list[np.ndarray] = []
    signatures: list[np.ndarray] = []
    reported = [-1.0]

    def process(minimum: int) -> None:
        """Hand the pending frames over in batches of at least ``minimum``."""
        count = len(pending) // FRAME_BYTES
        while count >= max(1, minimum):
            take = min(count, BATCH)
            raw = np.frombuffer(bytes(pending[: take * FRAME_BYTES]), np.uint8)
            del pending[: take * FRAME_BYTES]
            count -= take
            v, s = features.feed(raw.reshape(take, HEIGHT, WIDTH, 3))
            values.append(v)
            signatures.append(s)

    def on_data(chunk: bytes) -> None:
        pending.extend(chunk)
        process(BATCH)
        if progress is not None and reader.pts and reader.pts[-1] - reported[0] >= 1.0:
            reported[0] = reader.pts[-1]
            progress(reported[0])

    args = decode_args(source, stretch, audio=audio, lead=lead, own_timestamps=own_timestamps)
    try:
        stream_ffmpeg(args, on_data, cancel=cancel, timeout=timeout, what="the scene analysis",
                      on_log=reader.feed, loglevel="info", pause=pause, idle=idle)  # fmt: skip
    except ClipError as exc:
        name = display_name(source)
        raise MediaError(f"“{name}” could not be analysed: {exc}", details=exc.stderr) from exc
    process(1)
    return _collect(reader, values, signatures)


def _collect(
    reader: _LogReader, values: list[np.ndarray], signatures: list[np.ndarray]
) -> DecodedStretch:
    if values:
        v = np.concatenate(values)
        s = np.concatenate(signatures)
    else:
        empty = FrameSignals.empty()
        v, s = empty.values, empty.signature
    count = min(v.shape[0], len(reader.pts))
    if count != v.shape[0] or count != len(reader.pts):
        log.info("analysis: %d frames, %d frame times; kept %d", v.shape[0], len(reader.pts),
                 count)  # fmt: skip
    t = np.asarray(reader.pts[:count], np.float64)
    v, s = v[:count], s[:count]
    if count > 1 and np.any(np.diff(t) <= 0):  # out of order or repeated pts: sort, dedupe
        order = np.argsort(t, kind="stable")
        t, v, s = t[order], v[order], s[order]
        keep = np.ones(count, bool)
        keep[1:] = np.diff(t) > 0
        t, v, s = t[keep], v[keep], s[keep]
    audio = AudioSignals(
        np.asarray(reader.audio_t, np.float64),
        np.asarray(reader.momentary, np.float32),
        np.asarray(reader.short_term, np.float32),
    )
    return DecodedStretch(FrameSignals(t, v.astype(np.float32), s.astype(np.uint8)), audio)
