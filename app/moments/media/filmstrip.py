"""Filmstrips: N evenly spaced thumbnails of a time range, from one ffmpeg run.

Thumbnail ``i`` shows the frame on screen at ``start + i * step`` (``step = (end - start) /
N``): the last frame that starts at or before that time, as the player shows it. One ffmpeg
run decodes the range once: it input-seeks to ``LEAD_S`` before ``start`` (so the frame
already on screen at ``start`` is decoded too), the ``fps`` filter with ``round=up`` keeps,
for each time, the last frame starting at or before it (``setpts`` then restamps them, or
the muxer would pad the lead with copies), and only those N frames are scaled and written
as MJPEG to stdout, split here into JPEG images as they arrive. ``bench/filmstrip.py``:
as fast as the bare command (1.01×); raw RGB, PNG or JPEG files cost the same, decoding
dominates.

The result is JPEG bytes (Qt-free; ``QImage.fromData`` reads them), kept in the
``FilmstripCache`` for local files. Blocking: run it in a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moments.core.cancel import CancelToken
from moments.core.errors import ClipError, MediaError
from moments.core.source import display_name, ffmpeg_input, is_url
from moments.media.filmstrip_cache import FilmstripCache
from moments.media.pipe import stream_ffmpeg

log = logging.getLogger(__name__)

LEAD_S = 1.0
"""Decoding starts this much before the range, so its first frame is the one on screen."""
DEFAULT_COUNT = 20
DEFAULT_HEIGHT = 160
MAX_COUNT = 500
JPEG_QUALITY = 4
"""ffmpeg's ``-q:v`` for MJPEG (2 best … 31 worst)."""


@dataclass(frozen=True)
class Thumbnail:
    """Thumbnail ``index`` of ``count``: the frame shown at ``time`` (source seconds)."""

    index: int
    count: int
    time: float
    jpeg: bytes


@dataclass(frozen=True)
class Filmstrip:
    times: tuple[float, ...]
    images: tuple[bytes, ...]
    """JPEG bytes, one per time."""
    height: int
    cached: bool
    """True when read from the cache, without running ffmpeg."""


ThumbnailCallback = Callable[[Thumbnail], None]


def filmstrip_times(start: float, end: float, count: int) -> list[float]:
    """``count`` times from ``start``, ``(end - start) / count`` apart."""
    _check_range(start, end, count)
    step = (end - start) / count
    return [start + i * step for i in range(count)]


def filmstrip_args(source: str, start: float, end: float, count: int, height: int) -> list[str]:
    """The ffmpeg arguments (after the program name) writing the strip's JPEGs to stdout.
    The filters hold numbers only."""
    _check_range(start, end, count)
    lead = min(LEAD_S, start)
    duration = end - start
    rate = count / duration
    keep = f"fps=fps={rate:.9f}:start_time={lead:.6f}:round=up,setpts=PTS-STARTPTS"
    size = f"scale=w=trunc(oh*dar/2)*2:h={height},setsar=1"
    args = ["-ss", f"{start - lead:.6f}", "-t", f"{lead + duration:.6f}"]
    args += ["-i", ffmpeg_input(source), "-map", "0:v:0", "-an", "-sn", "-dn"]
    args += ["-vf", f"{keep},{size}", "-frames:v", str(count)]
    return [*args, "-c:v", "mjpeg", "-q:v", str(JPEG_QUALITY), "-f", "image2pipe", "pipe:1"]


def make_filmstrip(
    source: str,
    start: float,
    end: float,
    count: int = DEFAULT_COUNT,
    *,
    height: int = DEFAULT_HEIGHT,
    progress: ThumbnailCallback | None = None,
    cancel: CancelToken | None = None,
    cache: FilmstripCache | bool = True,
    timeout: float = 300.0,
) -> Filmstrip:
    """``count`` thumbnails ``height`` pixels high of ``[start, end)`` of ``source``.

    ``progress`` gets each Thumbnail as soon as it is decoded (from the cache too), so a
    strip can fill in while it is made. ``cache``: True for ``FilmstripCache.default()``,
    False for none. Raises MediaError when the source has no picture there or cannot be
    read, CancelledError on cancel (nothing is cached then).
    """
    if height < 16 or height > 2160 or height % 2:
        raise ValueError(f"filmstrip height must be even, 16-2160 px: {height}")
    times = filmstrip_times(start, end, count)
    store = FilmstripCache.default() if cache is True else cache or None
    key = store.key(source, start, end, count, height) if store is not None else None
    if store is not None and key is not None:
        hit = store.get(key, count)
        if hit is not None:
            _report(progress, times, hit)
            return Filmstrip(tuple(times), tuple(hit), height, cached=True)
    images = _run(source, start, end, count, height, times, progress, cancel, timeout)
    if store is not None and key is not None:
        store.put(key, images)
    return Filmstrip(tuple(times), tuple(images), height, cached=False)


def _run(
    source: str,
    start: float,
    end: float,
    count: int,
    height: int,
    times: list[float],
    progress: ThumbnailCallback | None,
    cancel: CancelToken | None,
    timeout: float,
) -> list[bytes]:
    name = display_name(source)
    if not is_url(source) and not Path(source).is_file():
        raise MediaError(f"“{name}” does not exist (moved, renamed or on a drive not mounted).")
    buffer = bytearray()
    images: list[bytes] = []

    def on_data(chunk: bytes) -> None:
        buffer.extend(chunk)
        found, used = split_jpegs(buffer)
        del buffer[:used]
        for image in found[: count - len(images)]:
            if cancel is not None:
                cancel.raise_if_cancelled()  # several may come in one chunk
            images.append(image)
            if progress is not None:
                index = len(images) - 1
                progress(Thumbnail(index, count, times[index], image))

    args = filmstrip_args(source, start, end, count, height)
    try:
        stream_ffmpeg(args, on_data, cancel=cancel, timeout=timeout, what="the filmstrip")
    except ClipError as exc:
        if "matches no streams" in exc.stderr:
            raise MediaError(f"“{name}” has no picture to show in a filmstrip.") from exc
        raise MediaError(
            f"“{name}” could not be read for the filmstrip.", details=exc.stderr
        ) from exc
    except ValueError as exc:
        raise MediaError(f"ffmpeg sent a broken picture for the filmstrip of “{name}”.") from exc
    if not images:
        raise MediaError(f"“{name}” has no picture between those times.")
    if len(images) < count:
        # A range running past the last frame: the last thumbnail made is repeated.
        log.info("filmstrip of %s: %d of %d frames; the last repeated", name, len(images), count)
        missing = times[len(images) :]
        images += [images[-1]] * len(missing)
        for index in range(count - len(missing), count):
            if progress is not None:
                progress(Thumbnail(index, count, times[index], images[index]))
    return images


def _report(progress: ThumbnailCallback | None, times: list[float], images: list[bytes]) -> None:
    if progress is not None:
        for index, image in enumerate(images):
            progress(Thumbnail(index, len(images), times[index], image))


def _check_range(start: float, end: float, count: int) -> None:
    if not (0 <= start < end) or end - start > 48 * 3600:
        raise ValueError(f"not a filmstrip range: {start!r} to {end!r}")
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"filmstrip count must be 1-{MAX_COUNT}: {count}")


def split_jpegs(data: bytes | bytearray) -> tuple[list[bytes], int]:
    """The complete JPEG images at the start of ``data``, and how many bytes they take.
    Segments are walked by their lengths and entropy-coded data scanned for its end marker,
    so an ``FF D9`` inside a table never splits an image. Raises ValueError on non-JPEG."""
    images: list[bytes] = []
    used = 0
    while (end := _jpeg_end(data, used)) is not None:
        images.append(bytes(data[used:end]))
        used = end
    return images, used


def _jpeg_end(data: bytes | bytearray, start: int) -> int | None:
    size = len(data)
    if size - start < 4:
        return None
    if data[start] != 0xFF or data[start + 1] != 0xD8:
        raise ValueError("not a JPEG stream")
    pos = start + 2
    while True:
        while pos + 1 < size and data[pos] == 0xFF and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes before a marker
        if pos + 1 >= size:
            return None
        if data[pos] != 0xFF:
            raise ValueError("broken JPEG stream")
        marker = data[pos + 1]
        if marker == 0xD9:
            return pos + 2
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if pos + 3 >= size:
            return None
        pos += 2 + ((data[pos + 2] << 8) | data[pos + 3])
        if marker != 0xDA:
            continue
        while True:  # entropy-coded data: FF 00 is a stuffed byte, FF D0-D7 a restart
            found = data.find(b"\xff", pos)
            if found < 0 or found + 1 >= size:
                return None
            following = data[found + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7:
                pos = found + 2
            elif following == 0xFF:
                pos = found + 1
            else:
                pos = found
                break
