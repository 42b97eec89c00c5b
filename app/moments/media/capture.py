"""Keep a Moment: stream-copy a keyframe-padded raw clip of its range, and a thumbnail.

**Container.** Matroska (``.mkv``): it takes any codec a source may carry (H.264, HEVC, VP9,
AV1; AAC, Opus, AC-3, MP3, FLAC, PCM; SRT/ASS/PGS subtitles; font attachments) without
re-encoding, stores timestamps that do not start at zero, and ffmpeg and libVLC both read
it. One exception: ffmpeg 5.1 cannot write a rotation into Matroska, so a rotated video
(phones) goes to QuickTime (``.mov``), which keeps the display matrix.

**Where the cut starts.** ``ffmpeg -ss T -i SRC -c copy`` starts the copy on a keyframe. For
indexed containers (MP4, MKV, WebM) it is the keyframe at or before ``T``, the same one
``ffprobe -skip_frame nokey`` lists, measured on frame-coded files. MPEG-TS has no index: its
seek lands near ``T`` and the copy starts at the next keyframe, which can come *after* ``T``.
So every clip is read back once written (``probe_clip``), and when it starts after the
range it is cut again from earlier. The copy runs ``PAD_AFTER_S`` past the range end, so
the frames before the end that reference later ones (B-frames) still decode for a
frame-exact trim.

**Timestamps.** The cut runs with ``-copyts -start_at_zero``: a packet at source time ``t``
(its pts minus the source's start time: what ``ffmpeg -ss`` and the player count) keeps
``pts = t`` in the clip, and libVLC shows the clip with the source's times. ``raw_offset``
is the clip's start time: ffmpeg counts ``-ss`` on the clip from there, so source time ``t``
is ``-ss (t - raw_offset)`` on the clip. Cover art is not copied (``0:V``): Matroska would
turn it into a one-frame video track.

**Audio-only sources** give an audio clip; their thumbnail is the cover art when there is
one, else a waveform picture (``showwavespic``) of the ten seconds around its time.

Files are written under hidden temp names beside their targets and renamed when complete:
on cancel, failure or a full disk nothing is left behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moments.core import leftovers
from moments.core.atomic import storage_error
from moments.core.cancel import CancelToken
from moments.core.errors import ClipError, MediaError, MomentsError
from moments.core.moment import SourceRange
from moments.core.source import display_name, ffmpeg_input, is_url
from moments.media.matroska_read import NotPlain, ffprobe_like
from moments.media.probe import MediaInfo, probe
from moments.media.tools import Progress, ProgressCallback, find_tool, run_ffmpeg, run_tool

log = logging.getLogger(__name__)

PAD_AFTER_S = 1.0
RETRY_LEADS_S = (1.0, 4.0, 15.0)
"""How much earlier to cut again when a clip starts after its range (MPEG-TS)."""
THUMB_LEADS_S = (0.25, 3.0, 10.0)
"""A thumbnail decodes from this far before its time and keeps the last frame up to it."""
WAVEFORM_SPAN_S = 10.0
TOLERANCE_S = 0.0015
"""Timestamp rounding (Matroska keeps milliseconds)."""
MKV_SUBTITLES = frozenset(
    {"subrip", "srt", "ass", "ssa", "webvtt", "dvd_subtitle", "hdmv_pgs_subtitle", "dvb_subtitle"}
)
_INPUT_TROUBLE = (
    "invalid data found",
    "moov atom not found",
    "no such file",
    "error opening input",
    "could not find codec parameters",
    "does not contain any stream",
    "matches no streams",
    "end of file",
)


@dataclass(frozen=True)
class CaptureResult:
    """A raw clip in place: ``source_time = clip_time + raw_offset``."""

    raw_clip: Path
    raw_offset: float
    covered: SourceRange
    """Source times of the clip's first frame and of the end of its last one."""
    has_video: bool
    thumbnail: Path | None


@dataclass(frozen=True)
class ClipProbe:
    """A written clip, read back: start time and the span of its main stream."""

    start_time: float
    first: float
    end: float
    has_video: bool


def capture(
    rng: SourceRange,
    dest: Path,
    *,
    info: MediaInfo | None = None,
    thumbnail_path: Path | None = None,
    thumbnail_at: float | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
) -> CaptureResult:
    """Stream-copy ``rng`` (keyframe-padded) to ``dest`` + ``.mkv`` (or ``.mov``, see above).

    The source is probed (unless ``info`` is given) while the clip is cut; a rotated video
    found that way is cut again into ``.mov``. With ``thumbnail_path``, the frame at
    ``thumbnail_at`` (default: the range start) is saved too, from a local source while the
    clip is cut, from the clip for a URL. A thumbnail failing for another reason than cancel
    or a full disk is logged and left out (``None``). On any error nothing is left behind.
    """
    _check_source(rng.source)
    dest.parent.mkdir(parents=True, exist_ok=True)
    at = rng.start if thumbnail_at is None else thumbnail_at
    stop_thumbnail = CancelToken()
    made: list[Path] = []
    try:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="capture") as pool:
            probing = pool.submit(probe, rng.source) if info is None else None
            thumbing = None
            if thumbnail_path is not None and not is_url(rng.source):
                thumbing = pool.submit(_thumbnail, rng.source, at, thumbnail_path, stop_thumbnail)
            try:
                found, raw_path = _cut_covering(rng, info, dest, _suffix(info), cancel, progress)
                made.append(raw_path)
                info = _probed(probing) if probing is not None else info
                if _suffix(info) != raw_path.suffix:  # learnt only now that it is rotated
                    log.info("%s is rotated: cutting it again into QuickTime", rng.source)
                    first_cut = raw_path
                    found, raw_path = _cut_covering(rng, info, dest, ".mov", cancel, progress)
                    made.append(raw_path)
                    if first_cut != raw_path:
                        leftovers.remove(first_cut)
                thumbnail = thumbing.result() if thumbing is not None else None
                if thumbnail_path is not None and is_url(rng.source):
                    clip_time = at - found.start_time
                    thumbnail = _thumbnail(str(raw_path), clip_time, thumbnail_path, cancel)
                if cancel is not None:
                    cancel.raise_if_cancelled()
            except BaseException:
                stop_thumbnail.cancel()
                raise
    except BaseException:
        for path in [*made, thumbnail_path]:
            if path is not None:
                leftovers.remove(path)
        raise
    for path in made:
        leftovers.forget(path)  # the caller's now
    covered = SourceRange(rng.source, max(0.0, found.first), max(found.end, found.first + 1e-3))
    return CaptureResult(raw_path, found.start_time, covered, found.has_video, thumbnail)


def save_thumbnail(
    source: str, at: float, out_path: Path, *, width: int = 320, cancel: CancelToken | None = None
) -> Path:
    """Save the frame shown at ``at`` (the last one starting at or before it) as a JPEG.

    Audio-only sources get their cover art when they have one, else a waveform picture of
    the ten seconds around ``at``.
    """
    _check_source(source)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _hidden_temp(out_path)
    try:
        for lead in THUMB_LEADS_S:
            seek = max(0.0, at - lead)
            try:
                run_ffmpeg(
                    _frame_args(source, seek, at - seek, width, tmp),
                    cancel=cancel,
                    what="the thumbnail",
                )
            except ClipError as exc:
                if "matches no streams" not in exc.stderr:
                    raise _input_error(exc, source) from exc
                run_ffmpeg(
                    _waveform_args(source, at, width, tmp), cancel=cancel, what="the thumbnail"
                )
            if tmp.exists() and tmp.stat().st_size > 0:
                tmp.replace(out_path)
                return out_path
            if seek <= 0:
                break
        raise MediaError(f"“{display_name(source)}” has no picture at that time.")
    finally:
        leftovers.remove(tmp)


def probe_clip(path: Path) -> ClipProbe | None:
    """Read a written clip back; None when it holds no picture or sound.

    A plain Matroska clip is read in-process (``matroska_read``: about 1 ms instead of an
    ffprobe start); anything else, or anything that reader cannot answer for, by ffprobe.
    """
    try:
        return _parse_clip_probe(ffprobe_like(path))
    except (NotPlain, OSError) as exc:
        log.debug("%s read back by ffprobe: %s", path.name, exc)
    entries = "format=start_time:stream=index,codec_type:stream_disposition=attached_pic"
    entries += ":packet=stream_index,pts_time,duration_time"
    args = [find_tool("ffprobe"), "-v", "error", "-of", "json", "-show_entries", entries]
    result = run_tool([*args, ffmpeg_input(str(path))], timeout=60)
    if result.returncode != 0:
        raise ClipError("The clip could not be read back.", stderr=result.stderr)
    return _parse_clip_probe(json.loads(result.stdout or "{}"))


def _parse_clip_probe(data: dict[str, Any]) -> ClipProbe | None:
    streams = data.get("streams") or []
    video = [
        s["index"]
        for s in streams
        if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    audio = [s["index"] for s in streams if s.get("codec_type") == "audio"]
    main = (video or audio or [None])[0]
    times = [
        (pts, _num(p.get("duration_time")) or 0.0)
        for p in data.get("packets") or []
        if p.get("stream_index") == main and (pts := _num(p.get("pts_time"))) is not None
    ]
    if not times:
        return None
    first = min(pts for pts, _ in times[:32])  # B-frames: the first packet is not the first shown
    start_time = _num((data.get("format") or {}).get("start_time"))
    return ClipProbe(
        start_time=first if start_time is None else start_time,
        first=first,
        end=max(pts + duration for pts, duration in times),
        has_video=bool(video),
    )


def _cut_covering(
    rng: SourceRange,
    info: MediaInfo | None,
    dest: Path,
    suffix: str,
    cancel: CancelToken | None,
    progress: ProgressCallback | None,
) -> tuple[ClipProbe, Path]:
    """Cut from ``rng.start``, again from earlier while the clip starts after it or holds
    nothing (MPEG-TS with no keyframe between the seek and the range's end: a long GOP)."""
    name = display_name(rng.source)
    raw_path = dest.parent / (dest.name + suffix)
    tmp = _hidden_temp(raw_path)
    seeks = list(dict.fromkeys([rng.start, *(max(0.0, rng.start - s) for s in RETRY_LEADS_S)]))
    try:
        for seek in seeks:
            last = seek <= 0 or seek == seeks[-1]
            end = rng.end + PAD_AFTER_S
            report = _shifted(progress, seek, end - seek)
            suffix = _cut(rng.source, info, seek, end, tmp, suffix, cancel, report)
            found = _read_back(tmp, rng.start, name, empty_ok=not last)
            if found is None:
                log.info("clip of %s cut from %.3f holds nothing", name, seek)
                continue
            if found.first <= rng.start + TOLERANCE_S or last:
                break
            log.info("clip of %s starts at %.3f, after %.3f", name, found.first, rng.start)
        assert found is not None  # the last cut raises rather than give nothing
        raw_path = dest.parent / (dest.name + suffix)
        tmp.replace(raw_path)
        leftovers.journal().record(raw_path)  # until capture() returns it
        return found, raw_path
    finally:
        leftovers.remove(tmp)


def _read_back(clip: Path, start: float, name: str, *, empty_ok: bool = False) -> ClipProbe | None:
    try:
        found = probe_clip(clip)
    except ClipError as exc:
        raise MediaError(f"“{name}” could not be read there.", details=exc.stderr) from exc
    if found is None and empty_ok:
        return None
    if found is None:
        raise MediaError(f"“{name}” has no picture or sound at that time.")
    if found.end <= start + TOLERANCE_S:
        raise MediaError(f"“{name}” ends before that moment.")
    return found


def _cut(
    source: str,
    info: MediaInfo | None,
    seek: float,
    end: float,
    tmp: Path,
    suffix: str,
    cancel: CancelToken | None,
    progress: ProgressCallback | None,
) -> str:
    """One stream copy into ``tmp``; returns the suffix really written (.mov falls back)."""
    args = ["-copyts", "-start_at_zero", "-ss", f"{seek:.6f}", "-to", f"{end:.6f}"]
    args += ["-i", ffmpeg_input(source), "-map", "0:V?", "-map", "0:a?"]

    def copy(container: str, maps: list[str]) -> None:
        tail = ["-c", "copy", "-max_muxing_queue_size", "4096", "-f", container, "-y"]
        run_ffmpeg(
            [*args, *maps, *tail, ffmpeg_input(str(tmp))],
            duration_s=end - seek,
            progress=progress,
            cancel=cancel,
            what="the moment's clip",
        )

    if suffix == ".mov" and info is not None:
        try:
            copy("mov", _subtitle_maps(info, {"mov_text"}))
            return ".mov"
        except ClipError as exc:
            log.warning("QuickTime refused %s, using Matroska: %s", source, exc)
    attachments = ["-map", "0:t?"]
    try:
        if info is not None:
            copy("matroska", _subtitle_maps(info, MKV_SUBTITLES) + attachments)
            return ".mkv"
        try:
            copy("matroska", ["-map", "0:s?", *attachments])
        except ClipError as exc:  # e.g. MP4 mov_text: "Subtitle codec … is not supported"
            if "not supported" not in exc.stderr:
                raise
            log.info("subtitles of %s do not fit in Matroska; left out", source)
            copy("matroska", attachments)
    except ClipError as exc:
        raise _input_error(exc, source) from exc
    return ".mkv"


def _subtitle_maps(info: MediaInfo, codecs: set[str] | frozenset[str]) -> list[str]:
    return [arg for s in info.subtitles if s.codec in codecs for arg in ("-map", f"0:{s.index}")]


def _frame_args(source: str, seek: float, lead: float, width: int, out: Path) -> list[str]:
    keep = f"select='lte(t,{lead + TOLERANCE_S / 3:.6f})'"
    size = f"scale={width}:trunc(ow/dar/2)*2,setsar=1"
    args = ["-ss", f"{seek:.6f}", "-t", f"{lead + 0.1:.6f}", "-i", ffmpeg_input(source)]
    args += ["-map", "0:v:0", "-vf", f"{keep},{size}"]
    return [*args, *_jpeg(out)]


def _waveform_args(source: str, at: float, width: int, out: Path) -> list[str]:
    seek = max(0.0, at - WAVEFORM_SPAN_S / 2)
    height = width * 9 // 16 // 2 * 2
    args = ["-ss", f"{seek:.6f}", "-t", f"{WAVEFORM_SPAN_S:.3f}", "-i", ffmpeg_input(source)]
    args += ["-filter_complex", f"[0:a:0]showwavespic=s={width}x{height}:colors=0x7CFFB2[w]"]
    return [*args, "-map", "[w]", "-frames:v", "1", *_jpeg(out)]


def _jpeg(out: Path) -> list[str]:
    """JPEG into ``out``; ``-update 1`` rewrites it per frame, so the last frame stays."""
    return [
        "-f",
        "image2",
        "-c:v",
        "mjpeg",
        "-q:v",
        "3",
        "-update",
        "1",
        "-y",
        ffmpeg_input(str(out)),
    ]


def _thumbnail(source: str, at: float, out: Path, cancel: CancelToken | None) -> Path | None:
    """``save_thumbnail``, or None (logged) when there is no picture to take."""
    try:
        return save_thumbnail(source, at, out, cancel=cancel)
    except (MediaError, ClipError) as exc:
        log.warning("no thumbnail for %s at %.3f: %s", source, at, exc)
        return None


def _probed(job: Future[MediaInfo]) -> MediaInfo | None:
    """The source's MediaInfo, or None: the clip was verified, a failed probe changes nothing."""
    try:
        return job.result()
    except MediaError as exc:
        log.info("probe failed after a good cut: %s", exc)
        return None


def _suffix(info: MediaInfo | None) -> str:
    video = info.primary_video if info is not None else None
    return ".mov" if video is not None and video.rotation else ".mkv"


def _shifted(
    callback: ProgressCallback | None, start: float, length: float
) -> ProgressCallback | None:
    """Progress of a ``-copyts`` cut: ffmpeg reports source times, not time done."""
    if callback is None:
        return None

    def report(p: Progress) -> None:
        done = max(0.0, min(length, p.done_s - start))
        fraction = 1.0 if p.fraction == 1.0 else min(1.0, done / length) if length > 0 else None
        eta = (length - done) / p.speed if p.speed else None
        callback(Progress(done, fraction, p.speed, eta))

    return report


def _check_source(source: str) -> None:
    if is_url(source):
        return
    path = Path(source)
    if not path.exists():
        raise MediaError(
            f"“{display_name(source)}” does not exist (moved, renamed or on a drive not mounted)."
        )
    if path.is_dir():
        raise MediaError(f"“{display_name(source)}” is a folder, not a media file.")


def _input_error(exc: ClipError, source: str) -> MomentsError:
    """A failure caused by the source reads as a MediaError; others stay ClipErrors."""
    if any(key in exc.stderr.lower() for key in _INPUT_TROUBLE):
        return MediaError(
            f"“{display_name(source)}” could not be read: it is damaged or has nothing "
            "Moments can keep.",
            details=exc.stderr,
        )
    return exc


def _hidden_temp(target: Path) -> Path:
    """A new, empty, hidden file beside ``target``, recorded as a work file (``leftovers``):
    removed by the next start if this process is killed while it exists."""
    while True:
        try:
            return leftovers.new_file(target.parent / f".{target.name}.{secrets.token_hex(4)}.part")
        except FileExistsError:
            continue
        except OSError as exc:
            raise storage_error(exc, target) from exc


def _num(value: Any) -> float | None:
    with contextlib.suppress(TypeError, ValueError):
        return float(value)
    return None
