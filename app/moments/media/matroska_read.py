"""Read the timing of a Matroska clip that ffmpeg just wrote, without starting ffprobe.

Verifying a fresh raw clip with ffprobe costs a process start (60–90 ms here, most of
what a Moment takes beyond the cut itself). A clip ffmpeg wrote to a seekable file has a
plain layout: known element sizes, one ``Tracks``, ``Cluster`` elements holding unlaced
``SimpleBlock`` or ``BlockGroup`` elements. This reader walks the element headers (the
frame data is skipped, not read) and returns what ``ffprobe -show_entries
format=start_time:stream=…:packet=stream_index,pts_time,duration_time -of json`` would, in
the same shape.

It answers only where it knows ffprobe would say the same, and raises :class:`NotPlain`
otherwise, so the caller asks ffprobe: unknown sizes, laced blocks, a track timestamp
scale, a codec delay (Opus), subtitle tracks (ffmpeg counts them in the start time only
near the other streams), a block whose duration it cannot know. A damaged file raises
``NotPlain`` too: ffprobe then gives the real reason.
"""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import Any

EBML = 0x1A45DFA3
SEGMENT = 0x18538067
INFO = 0x1549A966
TIMESTAMP_SCALE = 0x2AD7B1
TRACKS = 0x1654AE6B
TRACK_ENTRY = 0xAE
TRACK_NUMBER = 0xD7
TRACK_TYPE = 0x83
DEFAULT_DURATION = 0x23E383
TRACK_TIMESTAMP_SCALE = 0x23314F
CODEC_DELAY = 0x56AA
CONTENT_ENCODINGS = 0x6D80
CLUSTER = 0x1F43B675
CLUSTER_TIMESTAMP = 0xE7
SIMPLE_BLOCK = 0xA3
BLOCK_GROUP = 0xA0
BLOCK = 0xA1
BLOCK_DURATION = 0x9B

TRACK_KINDS = {1: "video", 2: "audio"}
"""Matroska track types this reader takes; any other (subtitles, buttons…) means NotPlain."""
FIRST_PACKETS = 32


class NotPlain(ValueError):
    """The file is not laid out the way this reader can answer for; ask ffprobe."""


def ffprobe_like(path: Path) -> dict[str, Any]:
    """``{"format": {"start_time"}, "streams": [...], "packets": [...]}`` as ffprobe prints it.

    Durations are given for the main track's packets (first video, else first audio: the
    one ``probe_clip`` judges a clip by); the others say 0. Stream indices follow the track
    order, as ffmpeg's demuxer numbers them. Times are strings of seconds, like ffprobe's.
    """
    with path.open("rb") as file:
        try:
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError as exc:  # an empty file
            raise NotPlain(str(exc)) from exc
        with data, memoryview(data) as view:
            return _read(view)


def _read(data: memoryview) -> dict[str, Any]:
    end = len(data)
    ident, start, size = _header(data, 0, end)
    if ident != EBML:
        raise NotPlain("not a Matroska file")
    ident, start, size = _header(data, start + size, end)
    if ident != SEGMENT:
        raise NotPlain("no segment after the EBML header")
    segment = (start, start + size)
    scale_ns = 1_000_000
    tracks: dict[int, dict[str, Any]] = {}
    packets: list[tuple[int, int, int | None]] = []  # track, timestamp, duration (ticks)
    pos, seg_end = segment
    while pos < seg_end:
        ident, start, size = _header(data, pos, seg_end)
        if ident == INFO:
            scale_ns = _child_uint(data, start, start + size, TIMESTAMP_SCALE, scale_ns)
        elif ident == TRACKS:
            if tracks:
                raise NotPlain("two Tracks elements")
            tracks = _tracks(data, start, start + size)
        elif ident == CLUSTER:
            if not tracks:
                raise NotPlain("a cluster before the tracks")
            packets.extend(_cluster(data, start, start + size, tracks))
        pos = start + size
    if not tracks:
        raise NotPlain("no tracks")
    return _as_ffprobe(tracks, packets, scale_ns)


def _tracks(data: memoryview, pos: int, end: int) -> dict[int, dict[str, Any]]:
    tracks: dict[int, dict[str, Any]] = {}
    while pos < end:
        ident, start, size = _header(data, pos, end)
        if ident == TRACK_ENTRY:
            entry = _track_entry(data, start, start + size)
            entry["index"] = len(tracks)
            tracks[entry["number"]] = entry
        pos = start + size
    return tracks


def _track_entry(data: memoryview, pos: int, end: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"number": None, "kind": None, "default_duration_ns": None}
    while pos < end:
        ident, start, size = _header(data, pos, end)
        if ident == TRACK_NUMBER:
            entry["number"] = _uint(data, start, size)
        elif ident == TRACK_TYPE:
            kind = TRACK_KINDS.get(_uint(data, start, size))
            if kind is None:
                raise NotPlain("a track that is neither video nor audio")
            entry["kind"] = kind
        elif ident == DEFAULT_DURATION:
            entry["default_duration_ns"] = _uint(data, start, size)
        elif ident == CODEC_DELAY and _uint(data, start, size):
            raise NotPlain("a codec delay")
        elif ident == TRACK_TIMESTAMP_SCALE:
            raise NotPlain("a track timestamp scale")
        elif ident == CONTENT_ENCODINGS:
            raise NotPlain("compressed or encrypted blocks")
        pos = start + size
    if entry["number"] is None or entry["kind"] is None:
        raise NotPlain("a track without number or type")
    return entry


def _cluster(
    data: memoryview, pos: int, end: int, tracks: dict[int, dict[str, Any]]
) -> list[tuple[int, int, int | None]]:
    cluster_ts: int | None = None
    found: list[tuple[int, int, int | None]] = []
    while pos < end:
        ident, start, size = _header(data, pos, end)
        if ident == CLUSTER_TIMESTAMP:
            cluster_ts = _uint(data, start, size)
        elif ident in (SIMPLE_BLOCK, BLOCK_GROUP):
            if cluster_ts is None:
                raise NotPlain("a block before its cluster's timestamp")
            if ident == SIMPLE_BLOCK:
                track, rel = _block_header(data, start, start + size)
                duration = None
            else:
                track, rel, duration = _block_group(data, start, start + size)
            if track not in tracks:
                raise NotPlain("a block of an unknown track")
            found.append((track, cluster_ts + rel, duration))
        pos = start + size
    return found


def _block_group(data: memoryview, pos: int, end: int) -> tuple[int, int, int | None]:
    block: tuple[int, int] | None = None
    duration: int | None = None
    while pos < end:
        ident, start, size = _header(data, pos, end)
        if ident == BLOCK:
            block = _block_header(data, start, start + size)
        elif ident == BLOCK_DURATION:
            duration = _uint(data, start, size)
        pos = start + size
    if block is None:
        raise NotPlain("a block group without a block")
    return block[0], block[1], duration


def _block_header(data: memoryview, pos: int, end: int) -> tuple[int, int]:
    track, after = _vint(data, pos, end)
    if after + 3 > end:
        raise NotPlain("a truncated block")
    rel = int.from_bytes(data[after : after + 2], "big", signed=True)
    if data[after + 2] & 0x06:
        raise NotPlain("laced frames")
    return track, rel


def _as_ffprobe(
    tracks: dict[int, dict[str, Any]], packets: list[tuple[int, int, int | None]], scale_ns: int
) -> dict[str, Any]:
    tick = scale_ns / 1e9
    main = _main_track(tracks)
    out_packets = []
    firsts: dict[int, list[int]] = {}
    for track, ts, duration in packets:
        entry = tracks[track]
        if duration is None:
            default = entry["default_duration_ns"]
            if default is None and track == main:
                raise NotPlain("a block of unknown duration")
            duration = (default or 0) // scale_ns  # what ffmpeg's demuxer does: whole ticks
        seen = firsts.setdefault(track, [])
        if len(seen) < FIRST_PACKETS:
            seen.append(ts)
        out_packets.append(
            {
                "stream_index": entry["index"],
                "pts_time": f"{ts * tick:.6f}",
                "duration_time": f"{duration * tick:.6f}",
            }
        )
    streams = [
        {"index": e["index"], "codec_type": e["kind"], "disposition": {"attached_pic": 0}}
        for e in sorted(tracks.values(), key=lambda e: e["index"])
    ]
    fmt: dict[str, Any] = {}
    if firsts:
        fmt["start_time"] = f"{min(min(ts) for ts in firsts.values()) * tick:.6f}"
    return {"format": fmt, "streams": streams, "packets": out_packets}


def _main_track(tracks: dict[int, dict[str, Any]]) -> int | None:
    """The track whose span a clip is judged by: the first video, else the first audio."""
    for kind in ("video", "audio"):
        for number, entry in sorted(tracks.items(), key=lambda t: t[1]["index"]):
            if entry["kind"] == kind:
                return number
    return None


def _header(data: memoryview, pos: int, end: int) -> tuple[int, int, int]:
    """(element id, data start, data size) of the element at ``pos``."""
    first = data[pos] if pos < end else 0
    if not first:
        raise NotPlain("a bad element id")
    length = 9 - first.bit_length()
    if length > 4 or pos + length > end:
        raise NotPlain("a bad element id")
    ident = int.from_bytes(data[pos : pos + length], "big")
    size, start = _vint(data, pos + length, end, unknown_ok=False)
    if start + size > end:
        raise NotPlain("an element past its parent's end")
    return ident, start, size


def _vint(data: memoryview, pos: int, end: int, *, unknown_ok: bool = True) -> tuple[int, int]:
    """An EBML variable-length integer at ``pos``: (value, position after it)."""
    first = data[pos] if pos < end else 0
    if not first:
        raise NotPlain("a bad variable-length integer")
    length = 9 - first.bit_length()
    if pos + length > end:
        raise NotPlain("a truncated variable-length integer")
    value = int.from_bytes(data[pos : pos + length], "big") & ((1 << (7 * length)) - 1)
    if not unknown_ok and value == (1 << (7 * length)) - 1:
        raise NotPlain("an element of unknown size")
    return value, pos + length


def _uint(data: memoryview, pos: int, size: int) -> int:
    if size > 8:
        raise NotPlain("an integer wider than 64 bits")
    return int.from_bytes(data[pos : pos + size], "big")


def _child_uint(data: memoryview, pos: int, end: int, wanted: int, default: int) -> int:
    while pos < end:
        ident, start, size = _header(data, pos, end)
        if ident == wanted:
            return _uint(data, start, size)
        pos = start + size
    return default
