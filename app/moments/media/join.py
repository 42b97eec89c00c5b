"""Join media ranges into one clip, frame-exact: what a Moment across a story's branch
switches and a story's recap are made from, before the export engine takes them.

Each range is cut by input seeking with a re-encode (exact to the frame), scaled and
padded to the first range's picture, at its frame rate; sound is resampled to 48 kHz
stereo, with 10 ms fades at each join so no click is heard, silence where a range has
none. The result is a Matroska file (H.264 CRF 16, PCM): an intermediate the export
re-encodes, so it loses as little as possible. Written under a hidden work name beside
``out`` and renamed at the end; never replaces a file; cancel or failure leaves nothing.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from moments.core.cancel import CancelToken
from moments.core.errors import MediaError, StorageError
from moments.media.probe import MediaInfo, probe
from moments.media.story_media import work_file_beside
from moments.media.tools import Progress, run_ffmpeg

FADE_S = 0.01


class Span(Protocol):
    """A stretch of a media file: ``PlayedSpan`` and ``RecapRange`` (core/story) are ones."""

    @property
    def media(self) -> Path: ...
    @property
    def start_ms(self) -> int: ...
    @property
    def end_ms(self) -> int: ...


@dataclass(frozen=True)
class MediaRange:
    media: Path
    start_ms: int
    end_ms: int


def join_ranges(
    ranges: Sequence[Span],
    out: Path,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Write the ranges, in order, as one clip at ``out`` (which must not exist)."""
    parts = [r for r in ranges if r.end_ms > r.start_ms]
    if not parts:
        raise MediaError("There is nothing to join: every range is empty.")
    if out.exists():
        raise StorageError(f"“{out.name}” already exists; nothing was replaced.")
    infos = {r.media: probe(str(r.media)) for r in parts}
    first = infos[parts[0].media]
    if first.primary_video is None:
        raise MediaError(f"“{parts[0].media.name}” has no video to join.")
    args = join_args(parts, infos, out)
    work = work_file_beside(out, ".part.mkv")
    args[-1] = str(work)
    total = sum(r.end_ms - r.start_ms for r in parts) / 1000  # for progress: close enough
    try:
        run_ffmpeg(
            args,
            duration_s=total,
            progress=progress,
            cancel=cancel,
            what="joining the clip",
            background=True,
        )
        try:
            os.link(work, out)
        except FileExistsError as exc:
            raise StorageError(f"“{out.name}” appeared meanwhile; nothing was replaced.") from exc
    finally:
        with contextlib.suppress(OSError):
            work.unlink()
    return out


def join_args(parts: Sequence[Span], infos: dict[Path, MediaInfo], out: Path) -> list[str]:
    """The ffmpeg arguments (pure: numbers only in the filter, paths as list items)."""
    video = infos[parts[0].media].primary_video
    assert video is not None
    width, height = video.display_size
    fps = video.fps or 25.0
    args = ["-y"]
    chains = []
    for n, part in enumerate(parts):
        # whole frames (those that start within the range), and the sound cut to match
        seconds = math.ceil((part.end_ms - part.start_ms) / 1000 * fps - 1e-6) / fps
        args += [
            "-ss",
            f"{part.start_ms / 1000:.3f}",
            "-t",
            f"{seconds:.3f}",
            "-i",
            str(part.media),
        ]
        chains.append(
            f"[{n}:v:0]scale={width}:{height}:force_original_aspect_ratio=decrease,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={fps:.6f},"
            f"trim=duration={seconds:.3f},setpts=PTS-STARTPTS,format=yuv420p[v{n}]"
        )
        fade_out = max(0.0, seconds - FADE_S)
        if infos[part.media].audio:
            source = f"[{n}:a:0]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,"
        else:
            source = "anullsrc=r=48000:cl=stereo,"
        chains.append(
            f"{source}atrim=duration={seconds:.3f},asetpts=PTS-STARTPTS,apad=whole_dur={seconds:.3f},"
            f"afade=t=in:d={FADE_S},afade=t=out:st={fade_out:.3f}:d={FADE_S}[a{n}]"
        )
    joined = "".join(f"[v{n}][a{n}]" for n in range(len(parts)))
    chains.append(f"{joined}concat=n={len(parts)}:v=1:a=1[v][a]")
    args += ["-filter_complex", ";".join(chains), "-map", "[v]", "-map", "[a]"]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "16", "-bf", "0"]
    args += ["-pix_fmt", "yuv420p", "-c:a", "pcm_s16le", "-f", "matroska", str(out)]
    return args
