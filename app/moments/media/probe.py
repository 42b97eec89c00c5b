"""ffprobe a file or URL into a MediaInfo. Run it in a worker: it can take seconds."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from moments.core.errors import ClipError, MediaError
from moments.core.source import display_name, ffmpeg_input, is_url
from moments.media.tools import find_tool, run_tool


@dataclass(frozen=True)
class VideoStream:
    index: int
    codec: str
    width: int
    height: int
    fps: float | None
    """Average frame rate; None when ffprobe cannot tell."""
    rotation: int = 0
    """Degrees clockwise the picture must be turned to stand upright (0, 90, 180, 270)."""
    sar: Fraction = Fraction(1)
    pix_fmt: str = ""
    field_order: str = ""

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown: square pixels, upright."""
        width = round(self.width * self.sar) if self.sar > 0 else self.width
        width -= width % 2
        return (self.height, width) if self.rotation in (90, 270) else (width, self.height)


@dataclass(frozen=True)
class AudioStream:
    index: int
    codec: str
    channels: int
    sample_rate: int
    language: str = ""


@dataclass(frozen=True)
class SubtitleStream:
    index: int
    codec: str
    language: str = ""
    title: str = ""


@dataclass(frozen=True)
class MediaInfo:
    location: str
    format_name: str
    duration: float | None
    title: str = ""
    video: list[VideoStream] = field(default_factory=list)
    audio: list[AudioStream] = field(default_factory=list)
    subtitles: list[SubtitleStream] = field(default_factory=list)

    @property
    def primary_video(self) -> VideoStream | None:
        return self.video[0] if self.video else None

    @property
    def frame_duration(self) -> float:
        """Seconds per frame of the main video (1/25 when unknown)."""
        video = self.primary_video
        return 1.0 / video.fps if video and video.fps else 0.04


def probe(location: str, *, timeout: float = 20.0) -> MediaInfo:
    """Describe ``location``. Raises MediaError with a sentence the user can act on."""
    name = display_name(location)
    if not is_url(location):
        path = Path(location)
        if not path.exists():
            raise MediaError(f"“{name}” does not exist (moved, renamed or on a drive not mounted).")
        if path.is_dir():
            raise MediaError(f"“{name}” is a folder, not a media file.")
    args = [find_tool("ffprobe"), "-v", "error", "-of", "json", "-show_format", "-show_streams"]
    try:
        result = run_tool([*args, ffmpeg_input(location)], timeout=timeout)
    except ClipError as exc:
        raise MediaError(f"“{name}” could not be read: {exc}", details=exc.details) from exc
    if result.returncode != 0:
        reason = _reason(result.stderr)
        raise MediaError(f"“{name}” could not be read: {reason}", details=result.stderr)
    try:
        data = json.loads(result.stdout or "{}")
    except ValueError as exc:
        raise MediaError(f"“{name}” could not be read (ffprobe gave no answer).") from exc
    info = parse_probe(location, data)
    if not info.video and not info.audio:
        raise MediaError(f"“{name}” has no audio or video that Moments can play.")
    return info


def parse_probe(location: str, data: dict[str, Any]) -> MediaInfo:
    """Build a MediaInfo from ffprobe's JSON (pure, for tests)."""
    fmt = data.get("format") or {}
    video: list[VideoStream] = []
    audio: list[AudioStream] = []
    subtitles: list[SubtitleStream] = []
    for stream in data.get("streams") or []:
        kind = stream.get("codec_type")
        index = int(stream.get("index", 0))
        codec = str(stream.get("codec_name", "unknown"))
        tags = stream.get("tags") or {}
        disposition = stream.get("disposition") or {}
        if kind == "video" and not disposition.get("attached_pic"):
            video.append(
                VideoStream(
                    index=index,
                    codec=codec,
                    width=int(stream.get("width") or 0),
                    height=int(stream.get("height") or 0),
                    fps=_fps(stream),
                    rotation=_rotation(stream),
                    sar=_ratio(stream.get("sample_aspect_ratio")),
                    pix_fmt=str(stream.get("pix_fmt", "")),
                    field_order=str(stream.get("field_order", "")),
                )
            )
        elif kind == "audio":
            audio.append(
                AudioStream(
                    index=index,
                    codec=codec,
                    channels=int(stream.get("channels") or 0),
                    sample_rate=int(stream.get("sample_rate") or 0),
                    language=str(tags.get("language", "")),
                )
            )
        elif kind == "subtitle":
            subtitles.append(
                SubtitleStream(
                    index=index,
                    codec=codec,
                    language=str(tags.get("language", "")),
                    title=str(tags.get("title", "")),
                )
            )
    title = str((fmt.get("tags") or {}).get("title", ""))
    return MediaInfo(
        location=location,
        format_name=str(fmt.get("format_name", "")),
        duration=_float(fmt.get("duration")),
        title=title,
        video=video,
        audio=audio,
        subtitles=subtitles,
    )


def _reason(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "the file is damaged or in a format Moments does not know."
    last = lines[-1]
    if "Invalid data found" in last:
        return "the file is damaged or not a media file."
    if "Permission denied" in last:
        return "no permission to read it."
    if "Connection refused" in last or "timed out" in last.lower():
        return "the server cannot be reached."
    return last.split(": ", 1)[-1][:200]


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _ratio(value: Any) -> Fraction:
    try:
        num, den = (int(x) for x in str(value).split(":"))
        return Fraction(num, den) if num > 0 and den > 0 else Fraction(1)
    except (ValueError, ZeroDivisionError):
        return Fraction(1)


def _fps(stream: dict[str, Any]) -> float | None:
    for key in ("avg_frame_rate", "r_frame_rate"):
        text = str(stream.get(key, "0/0"))
        try:
            num, den = (int(x) for x in text.split("/"))
        except ValueError:
            continue
        if num > 0 and den > 0 and num / den < 1000:
            return num / den
    return None


def _rotation(stream: dict[str, Any]) -> int:
    """Clockwise degrees to display upright, from the display matrix or the old ``rotate`` tag."""
    angle: float | None = None
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            angle = -float(side["rotation"])  # display matrix is counter-clockwise
    if angle is None:
        tag = (stream.get("tags") or {}).get("rotate")
        angle = float(tag) if tag is not None else 0.0
    return round(angle / 90.0) * 90 % 360
