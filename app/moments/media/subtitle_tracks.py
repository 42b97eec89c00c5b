"""Subtitles that come with a video: its embedded tracks, and the files beside it.

A text track (SubRip, ASS, WebVTT, mov_text…) is read out with ffmpeg into ``Cue``s
(``core/subtitles.py``); picture tracks (Blu-ray PGS, DVD, DVB) hold no text to quote and
raise a MediaError saying so. Times are in the source's own timeline (``-copyts
-start_at_zero``, as ``media/capture.py`` cuts), so a moment's range selects its lines. Run
these in a worker: extracting a whole track reads the whole file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moments.core.cancel import CancelToken
from moments.core.errors import ClipError, MediaError
from moments.core.source import display_name, ffmpeg_input, is_url
from moments.core.subtitles import (
    SUFFIXES,
    Cue,
    cues_between,
    decode_subtitle_bytes,
    parse_subtitles,
)
from moments.media.pipe import stream_ffmpeg
from moments.media.probe import MediaInfo
from moments.media.tools import find_tool, run_tool

BITMAP_CODECS = frozenset(
    {"hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub", "dvb_teletext", "arib_caption"}
)
"""Subtitles stored as pictures: nothing to quote."""
CODEC_NAMES = {
    "subrip": "SRT",
    "srt": "SRT",
    "ass": "ASS",
    "ssa": "SSA",
    "webvtt": "WebVTT",
    "mov_text": "MP4 text",
    "hdmv_pgs_subtitle": "PGS",
    "dvd_subtitle": "DVD",
    "dvb_subtitle": "DVB",
}
WINDOW_LEAD_S = 10.0
"""A window is read from this much earlier, so a line already on screen is not missed."""
MAX_TRACK_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class SubtitleTrack:
    """An embedded subtitle stream; ``index`` is ffmpeg's stream index (``-map 0:index``)."""

    index: int
    codec: str
    language: str = ""
    title: str = ""
    default: bool = False
    forced: bool = False

    @property
    def is_text(self) -> bool:
        return self.codec not in BITMAP_CODECS

    @property
    def label(self) -> str:
        """What a menu shows: title, language and kind, less what the title already says
        (``"English SRT"``, ``"fre · ASS"``)."""
        shown: list[str] = []
        for part in (self.title, self.language, CODEC_NAMES.get(self.codec, self.codec)):
            if part and not any(part.lower() in earlier.lower() for earlier in shown):
                shown.append(part)
        text = " · ".join(shown) or f"Track {self.index}"
        return text + (" (forced)" if self.forced else "")


@dataclass(frozen=True)
class ExternalSubtitle:
    """A subtitle file beside a video: ``film.en.forced.srt`` → language ``en``, ``forced``."""

    path: Path
    language: str = ""
    tags: tuple[str, ...] = ()


def tracks_from_info(info: MediaInfo) -> list[SubtitleTrack]:
    """The subtitle tracks of an already probed source (no dispositions)."""
    return [SubtitleTrack(s.index, s.codec, s.language, s.title) for s in info.subtitles]


def list_subtitle_tracks(source: str, *, timeout: float = 20.0) -> list[SubtitleTrack]:
    """Probe ``source`` for its subtitle tracks, in file order. Raises MediaError."""
    name = display_name(source)
    if not is_url(source) and not Path(source).is_file():
        raise MediaError(f"“{name}” does not exist (moved, renamed or on a drive not mounted).")
    entries = "stream=index,codec_name:stream_tags=language,title"
    entries += ":stream_disposition=default,forced"
    args = [find_tool("ffprobe"), "-v", "error", "-select_streams", "s", "-of", "json"]
    try:
        result = run_tool([*args, "-show_entries", entries, ffmpeg_input(source)], timeout=timeout)
    except ClipError as exc:
        raise MediaError(f"“{name}” could not be read: {exc}", details=exc.details) from exc
    if result.returncode != 0:
        raise MediaError(f"“{name}” could not be read.", details=result.stderr)
    try:
        data = json.loads(result.stdout or "{}")
    except ValueError as exc:
        raise MediaError(f"“{name}” could not be read (ffprobe gave no answer).") from exc
    return parse_tracks(data)


def parse_tracks(data: dict[str, Any]) -> list[SubtitleTrack]:
    """SubtitleTracks from ffprobe's JSON (pure, for tests)."""
    tracks = []
    for stream in data.get("streams") or []:
        tags = {str(k).lower(): str(v) for k, v in (stream.get("tags") or {}).items()}
        disposition = stream.get("disposition") or {}
        tracks.append(
            SubtitleTrack(
                index=int(stream.get("index", 0)),
                codec=str(stream.get("codec_name") or "unknown"),
                language=_language_tag(tags.get("language", "")),
                title=tags.get("title", ""),
                default=bool(disposition.get("default")),
                forced=bool(disposition.get("forced")),
            )
        )
    return tracks


def _language_tag(value: str) -> str:
    return "" if value.lower() in ("und", "unknown") else value


def extract_subtitle_cues(
    source: str,
    track: SubtitleTrack,
    *,
    start: float | None = None,
    end: float | None = None,
    cancel: CancelToken | None = None,
    timeout: float = 300.0,
) -> list[Cue]:
    """The cues of a text ``track``; with ``start``/``end``, only those overlapping that
    window, read with input seeking (fast on long files). Raises MediaError for picture
    tracks and unreadable sources, CancelledError on cancel."""
    text = extract_subtitle_text(source, track, start=start, end=end, cancel=cancel,
                                 timeout=timeout)  # fmt: skip
    cues = parse_subtitles(text, hint=".ass" if _native_ass(track) else ".srt")
    if start is None and end is None:
        return cues
    return cues_between(cues, start or 0.0, end if end is not None else float("inf"))


def extract_subtitle_text(
    source: str,
    track: SubtitleTrack,
    *,
    start: float | None = None,
    end: float | None = None,
    cancel: CancelToken | None = None,
    timeout: float = 300.0,
) -> str:
    """A text track as subtitle text: ASS/SSA as ASS, anything else as SubRip. The window
    keeps every line that may overlap it, and a little more (filter with ``cues_between``)."""
    if not track.is_text:
        kind = CODEC_NAMES.get(track.codec, track.codec)
        raise MediaError(
            f"The subtitle track “{track.label}” is made of pictures ({kind}), so its lines "
            "cannot be quoted. Choose a text track or a subtitle file."
        )
    args = ["-copyts", "-start_at_zero"]
    if start is not None and start > WINDOW_LEAD_S:
        args += ["-ss", f"{start - WINDOW_LEAD_S:.6f}"]
    args += ["-i", ffmpeg_input(source), "-map", f"0:{track.index}"]
    if end is not None:
        args += ["-to", f"{end:.6f}"]  # an output option: source time, thanks to -copyts
    args += ["-c:s", "copy", "-f", "ass"] if _native_ass(track) else ["-c:s", "srt", "-f", "srt"]
    output = bytearray()

    def keep(chunk: bytes) -> None:
        output.extend(chunk)
        if len(output) > MAX_TRACK_BYTES:
            raise MediaError(f"The subtitle track “{track.label}” is too large to read.")

    try:
        stream_ffmpeg([*args, "pipe:1"], keep, cancel=cancel, timeout=timeout, what="subtitles")
    except ClipError as exc:
        raise MediaError(
            f"The subtitles of “{display_name(source)}” could not be read.", details=exc.stderr
        ) from exc
    return decode_subtitle_bytes(bytes(output))


def _native_ass(track: SubtitleTrack) -> bool:
    return track.codec in ("ass", "ssa")


# --- files beside the video ---------------------------------------------------------------

_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,4})?$", re.IGNORECASE)
_FLAGS = frozenset({"forced", "sdh", "cc", "hi", "default", "full", "signs", "songs"})


def find_external_subtitles(video: str | Path) -> list[ExternalSubtitle]:
    """Subtitle files next to a local video: the same name with ``.srt``/``.vtt``/``.ass``/
    ``.ssa``, or with tags before it (``film.en.srt``, ``film.pt-BR.forced.srt``); the exact
    name first, then by language. A URL or an unreadable folder gives none."""
    if isinstance(video, str) and is_url(video):
        return []
    path = Path(video)
    stem = path.stem.casefold()
    try:
        names = [entry for entry in path.parent.iterdir() if entry.is_file()]
    except OSError:
        return []
    found = [sub for entry in names if (sub := _beside(entry, stem)) is not None]
    return sorted(found, key=lambda s: (bool(s.language or s.tags), s.language, s.path.name))


def _beside(entry: Path, stem: str) -> ExternalSubtitle | None:
    suffix = entry.suffix.lower()
    if suffix not in SUFFIXES:
        return None
    name = entry.name[: -len(suffix)]
    if name.casefold() == stem:
        return ExternalSubtitle(entry)
    if not name.casefold().startswith(stem + "."):
        return None
    parts = [p for p in name[len(stem) + 1 :].split(".") if p]
    return ExternalSubtitle(entry, *_language_and_tags(parts))


def _language_and_tags(parts: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    language, tags = "", []
    for part in parts:
        lowered = part.lower()
        if lowered in _FLAGS:
            tags.append(lowered)
        elif not language and _LANGUAGE.match(part):
            language = part.replace("_", "-")
        else:
            tags.append(part)
    return language, tuple(tags)
