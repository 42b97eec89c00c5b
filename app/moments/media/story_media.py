"""ffprobe facts about a story's media (duration, keyframes) for ``moments story check``,
and ``prepare``: the media re-encoded with a keyframe at every segment start, written
beside a new story file — the user's files are never touched."""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moments.core.atomic import storage_error
from moments.core.cancel import CancelToken
from moments.core.errors import ClipError, MediaError, StorageError
from moments.core.story.media_facts import MediaFacts
from moments.core.story.model import Story
from moments.media.probe import probe
from moments.media.tools import Progress, find_tool, run_ffmpeg, run_tool


def read_media_facts(story: Story, *, keyframes: bool = True) -> dict[str, MediaFacts]:
    """The facts of every media the story's segments use, by media key."""
    used = sorted({segment.media for segment in story.segments.values()})
    return {
        key: media_facts(story.media[key], keyframes=keyframes)
        for key in used
        if key in story.media
    }


def media_facts(path: Path, *, keyframes: bool = True) -> MediaFacts:
    if not path.is_file():
        return MediaFacts(
            None, unreadable=f"the media “{path.name}” is not there (looked for {path})"
        )
    try:
        info = probe(str(path))
    except MediaError as exc:
        return MediaFacts(None, unreadable=f"the media “{path.name}”: {exc}")
    video = info.primary_video
    if video is None:
        return MediaFacts(None, unreadable=f"the media “{path.name}” has no video")
    frame_ms = info.frame_duration * 1000
    duration = None if info.duration is None else round(info.duration * 1000)
    found = keyframe_times(path) if keyframes else None
    return MediaFacts(duration, frame_ms, found)


def keyframe_times(path: Path) -> tuple[int, ...] | None:
    """The first video stream's keyframe times in ms from the file's start (packets only,
    nothing decoded); None when ffprobe cannot list them."""
    args = [find_tool("ffprobe"), "-v", "error", "-select_streams", "v:0", "-of", "json",
            "-show_entries", "packet=pts_time,flags:format=start_time", str(path)]  # fmt: skip
    try:
        result = run_tool(args, timeout=300)
        data = json.loads(result.stdout or "{}")
    except (ClipError, ValueError):
        return None
    if result.returncode != 0:
        return None
    start = _seconds((data.get("format") or {}).get("start_time")) or 0.0
    times = []
    for packet in data.get("packets") or []:
        at = _seconds(packet.get("pts_time"))
        if at is not None and "K" in str(packet.get("flags", "")):
            times.append(round((at - start) * 1000))
    return tuple(sorted(set(times)))


def _seconds(value: object) -> float | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Prepared:
    story: Path
    media: dict[str, Path]


def prepare_story(
    story: Story,
    destination: Path,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancel: CancelToken | None = None,
) -> Prepared:
    """Re-encode each media the story uses with a keyframe at every segment start (H.264,
    no B-frames, MP4, audio copied where MP4 holds it) into ``destination``'s folder, then write the
    story there pointing at the new files. Nothing existing is replaced: a taken name is
    refused up front, and a failure or cancel removes what was written."""
    folder = destination.parent
    if destination.exists():
        raise StorageError(f"“{destination.name}” already exists; choose another name.")
    used = sorted({s.media for s in story.segments.values()})
    outputs = {key: _free_name(folder, story.media[key]) for key in used}
    total = sum(_duration(story.media[key]) for key in used) or None
    done = 0.0
    written: list[Path] = []
    try:
        for key in used:
            starts = sorted({s.start_ms for s in story.segments.values() if s.media == key})
            source = story.media[key]
            length = _duration(source)
            work = work_file_beside(outputs[key])
            written.append(work)
            run_ffmpeg(
                _prepare_args(source, work, starts),
                duration_s=length or None,
                progress=_shifted(progress, done, total),
                cancel=cancel,
                what=f"preparing “{source.name}”",
                background=True,
            )
            _publish(work, outputs[key])
            written[-1] = outputs[key]
            done += length
        _write_story(story, destination, outputs)
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return Prepared(destination, outputs)


MP4_AUDIO = frozenset({"aac", "mp3", "opus", "ac3", "eac3", "alac", "flac"})


def _prepare_args(source: Path, out: Path, starts_ms: list[int]) -> list[str]:
    """MP4 keeps the source's timeline (an edit list absorbs the audio's priming, where
    Matroska would shift the video by it); audio MP4 cannot hold becomes AAC."""
    times = ",".join(f"{ms / 1000:.3f}" for ms in starts_ms) or "0"
    audio = probe(str(source)).audio
    codec = "copy" if not audio or audio[0].codec in MP4_AUDIO else "aac"
    return ["-y", "-i", str(source), "-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-bf", "0",
            "-force_key_frames", times, "-pix_fmt", "yuv420p",
            "-c:a", codec, "-movflags", "+faststart", "-f", "mp4", str(out)]  # fmt: skip


def _free_name(folder: Path, source: Path) -> Path:
    base = f"{source.stem} (keyframes)"
    candidate = folder / f"{base}.mp4"
    number = 2
    while candidate.exists():
        candidate = folder / f"{base} {number}.mp4"
        number += 1
    return candidate


def work_file_beside(target: Path, suffix: str = ".part") -> Path:
    """A new, hidden, empty file beside ``target`` to write into before publishing it:
    created exclusively, with the permissions the user's umask gives new files (mkstemp's
    would be private)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        path = target.parent / f".{target.stem}.{secrets.token_hex(4)}{suffix}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise storage_error(exc, target) from exc
        return path
    raise StorageError(f"Could not make a work file beside {target.name}.")


def _publish(work: Path, target: Path) -> None:
    """Rename without replacing: a hard link fails if the name was taken meanwhile."""
    try:
        os.link(work, target)
    except FileExistsError as exc:
        raise StorageError(f"“{target.name}” appeared meanwhile; nothing was replaced.") from exc
    work.unlink()


def _write_story(story: Story, destination: Path, outputs: dict[str, Path]) -> None:
    data = json.loads(story.path.read_text(encoding="utf-8-sig"))
    relative = {key: os.path.relpath(path, destination.parent) for key, path in outputs.items()}
    data["media"] = relative
    for sid, raw in data["segments"].items():
        raw["media"] = story.segments[sid].media
    work = work_file_beside(destination)
    try:
        work.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _publish(work, destination)
    except BaseException:
        work.unlink(missing_ok=True)
        raise


def _duration(path: Path) -> float:
    return probe(str(path)).duration or 0.0


def _shifted(
    report: Callable[[Progress], None] | None, done: float, total: float | None
) -> Callable[[Progress], None] | None:
    if report is None:
        return None

    def forward(item: Progress) -> None:
        if total:
            fraction = min(1.0, (done + item.done_s) / total)
            report(Progress(done + item.done_s, fraction, item.speed, item.eta_s))
        else:
            report(item)

    return forward
