"""The pure half of the export: from a request and what probing found, the ffmpeg argument
lists, the output size and the bitrate. Nothing here starts a process.

User text never enters a filter string: captions arrive as PNG files, the title and comment
as ``-metadata`` list arguments. Filter strings hold numbers and fixed names only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

from moments.core.errors import MediaError
from moments.core.framing import Framing, crop_rect, fit_rect, framed_output_size
from moments.core.presets import (
    ExportPreset,
    OutputKind,
    audio_kbps_for,
    estimate_video_kbps,
    get_preset,
)
from moments.core.source import display_name, ffmpeg_input
from moments.media.export.encoders import HardwareEncoder
from moments.media.export.naming import DEFAULT_TEMPLATE, render_template
from moments.media.export.source import INTERLACED_ORDERS, SourceDetails, TrimWindow, nominal_window
from moments.media.probe import MediaInfo, VideoStream

X264_PRESET = "faster"
SIZE_AIM = 0.95
"""A size cap is aimed at 95% of the cap, leaving room for the container and rate error."""
STANDARD_RATES = (24, 25, 30, 50, 60)


class Overlay(NamedTuple):
    """A full-frame RGBA PNG at the output size, shown from ``t0`` to ``t1`` clip seconds."""

    png: Path
    t0: float = 0.0
    t1: float | None = None


class FolderTemplate(NamedTuple):
    folder: Path
    template: str = DEFAULT_TEMPLATE


@dataclass(frozen=True, kw_only=True)
class ExportRequest:
    """One export. ``start``/``end`` are source seconds from the file's start; ``destination``
    is an exact path or a ``(folder, template)``; an existing file is never replaced."""

    source: str
    start: float
    end: float
    destination: Path | FolderTemplate | tuple[Path, str]
    preset: str = "original"
    framing: Framing = field(default_factory=Framing)
    overlays: Sequence[Overlay | tuple[Path, float, float | None]] = ()
    title: str = ""
    comment: str = ""
    preset_overrides: Mapping[str, Any] = field(default_factory=dict)
    target_size: int | None = None
    """Bytes; the preset's own cap applies too (the smaller wins)."""
    hardware: bool = False
    """Use a hardware H.264 encoder when one passed its test encode."""
    file_title: str | None = None
    """What ``{title}`` in the file-name template says (default: ``title``)."""
    timecode_at: float | None = None
    """The time a ``{timecode}`` in the file-name template shows (default ``start``: it
    differs when a moment is exported from its raw clip, whose times are shifted)."""


@dataclass(frozen=True)
class ExportPlan:
    preset: ExportPreset
    target: Path
    """Where the file should land (a numbered suffix is added if the name is taken)."""
    work: Path
    width: int
    height: int
    rate: Fraction | None
    """Output frame rate when a filter sets it; None keeps the source's constant rate."""
    seek: float
    duration: float
    size_cap: int | None
    video_kbps: int | None
    audio_kbps: int | None
    two_pass: bool
    encoder: str
    filter_graph: str
    passes: tuple[tuple[str, ...], ...]


def plan(
    request: ExportRequest,
    info: MediaInfo,
    *,
    details: SourceDetails | None = None,
    window: TrimWindow | None = None,
    work: Path | None = None,
    passlog: Path | None = None,
    hardware: HardwareEncoder | None = None,
    force_kbps: int | None = None,
) -> ExportPlan:
    """Build the ffmpeg passes for ``request`` (pure). ``force_kbps`` forces a two-pass encode
    at that video bitrate (the retry when a size cap was overshot)."""
    preset = get_preset(request.preset, request.preset_overrides)
    hardware = hardware if preset.kind is OutputKind.VIDEO else None
    video = info.primary_video
    if video is None:
        raise MediaError(f"“{display_name(info.location)}” has no video to export.")
    details = details or SourceDetails(rate=_rate_of(video))
    window = window or nominal_window(request.start, request.end, details, info)
    target = target_path(request, preset)
    work = work or target.with_name(f".work{target.suffix}")
    geometry = _Geometry.of(video)
    dw, dh = geometry.display
    width, height = framed_output_size(dw, dh, request.framing, preset.long_side, preset.short_side)
    rate, rate_filter = output_rate(details, video, preset, step=window.step)
    graph = _graph(request, preset, video, details, geometry, (width, height), rate_filter)
    if hardware and hardware.upload_filter:
        graph = graph.replace("[vout]", f",{hardware.upload_filter}[vout]")
    step = 1 / float(rate) if rate else window.gap_before or 0.04
    seek = max(0.0, window.first - min(window.gap_before / 2, 0.002))
    duration = window.duration
    cut = max(step / 2, duration - step / 4)
    has_audio = bool(info.audio) and preset.audio_codec is not None
    video_out = preset.kind is OutputKind.VIDEO
    cap = _smallest(preset.max_size, request.target_size) if video_out else None
    budget = _Budget.of(cap, duration, has_audio, (width, height), rate or details.rate, preset)
    if force_kbps is not None:
        budget = _Budget(force_kbps, budget.audio_kbps, True)
    inputs = [*(hardware.input_args if hardware else ()), "-ss", f"{seek:.6f}"]
    if preset.kind is OutputKind.GIF:
        # palettegen gives its palette only at the end of its input: stop reading the
        # source at the clip's end, not at the file's.
        inputs += ["-t", f"{cut + step:.6f}"]
    inputs += ["-i", ffmpeg_input(request.source)]
    for overlay in request.overlays:
        inputs += ["-i", ffmpeg_input(str(Overlay(*overlay).png))]
    # -y: the work file was made empty, exclusively, before (``naming.new_work_file``).
    common = ["-y", *inputs, "-filter_complex", graph, "-map", "[vout]"]
    passes = _passes(
        request,
        preset,
        common,
        (work, passlog),
        hardware,
        budget,
        has_audio,
        info,
        cut,
        rate or details.rate,
    )
    return ExportPlan(
        preset=preset,
        target=target,
        work=work,
        width=width,
        height=height,
        rate=rate,
        seek=seek,
        duration=duration if preset.kind is not OutputKind.STILL else 0.0,
        size_cap=cap,
        video_kbps=budget.video_kbps,
        audio_kbps=budget.audio_kbps if has_audio else None,
        two_pass=budget.two_pass and not hardware,
        encoder=hardware.name if hardware else _encoder_name(preset, target),
        filter_graph=graph,
        passes=passes,
    )


def target_path(request: ExportRequest, preset: ExportPreset) -> Path:
    """The final name asked for: the exact path, or the folder with the filled-in template."""
    destination = request.destination
    if isinstance(destination, tuple):
        folder, template = destination
        title = (
            request.file_title or request.title or Path(display_name(request.source)).stem
        ) or "clip"
        at = request.start if request.timecode_at is None else request.timecode_at
        name = render_template(template, title=title, start=at, preset=preset.id)
        return Path(folder).expanduser().absolute() / f"{name}.{preset.extension}"
    return Path(destination).expanduser().absolute()


def output_rate(
    details: SourceDetails, video: VideoStream, preset: ExportPreset, *, step: float = 0.0
) -> tuple[Fraction | None, str]:
    """The output frame rate and the ``fps`` filter value that sets it ("" when the source's
    constant rate is kept). A variable-rate source gets a constant rate: its timestamp grid
    when that is at most twice the rate seen around the clip (``step``), else the first
    standard rate at or above it."""
    grid = details.rate or _rate_of(video)
    limit = Fraction(preset.max_fps).limit_denominator(1001)
    if grid is None:
        return limit, _fraction_text(limit)
    if details.variable_rate:
        seen = Fraction(1 / step).limit_denominator(1001) if step > 0 else details.avg_rate
        chosen = grid
        if seen and grid > 2 * seen:
            chosen = next((Fraction(r) for r in STANDARD_RATES if r >= seen * 0.99), limit)
        chosen = min(chosen, limit)
        return chosen, _fraction_text(chosen)
    if grid > limit * Fraction(1001, 1000):
        return limit, _fraction_text(limit)
    return None, ""


class _Budget(NamedTuple):
    video_kbps: int | None
    audio_kbps: int
    two_pass: bool

    @classmethod
    def of(
        cls,
        cap: int | None,
        duration: float,
        has_audio: bool,
        size: tuple[int, int],
        rate: Fraction | None,
        preset: ExportPreset,
    ) -> _Budget:
        """Bitrates that land a capped export at ~95% of ``cap``; two passes when an ordinary
        CRF encode would go over it, a bitrate ceiling on the CRF encode otherwise."""
        if cap is None or duration <= 0:
            return cls(None, audio_kbps_for(None), False)
        total = cap * 8 * SIZE_AIM / duration / 1000
        audio = audio_kbps_for(total) if has_audio else 0
        video = max(32, int(total - audio))
        fps = float(rate) if rate else 30.0
        expected = estimate_video_kbps(size[0], size[1], min(fps, preset.max_fps), preset.crf)
        if video > 8 * expected:  # the cap is far away: a plain CRF encode
            return cls(None, audio or audio_kbps_for(None), False)
        return cls(video, audio or audio_kbps_for(None), video < expected)


@dataclass(frozen=True)
class _Geometry:
    """The picture after ffmpeg's automatic rotation: its size in stored pixels, the display
    size (square pixels) and the stored-to-display scale per axis."""

    upright: tuple[int, int]
    display: tuple[int, int]
    pixel: tuple[float, float]

    @classmethod
    def of(cls, video: VideoStream) -> _Geometry:
        rotated = video.rotation in (90, 270)
        upright = (video.height, video.width) if rotated else (video.width, video.height)
        sar = float(video.sar) if video.sar > 0 else 1.0
        pixel = (1.0, sar) if rotated else (sar, 1.0)
        return cls(upright, video.display_size, pixel)

    def crop(self, rect: tuple[int, int, int, int]) -> str:
        """A ``crop`` filter for a display-pixel rectangle ("" for the whole picture)."""
        (uw, uh), (px, py) = self.upright, self.pixel
        x, y, w, h = rect
        sw = min(uw - uw % 2, max(2, round(w / px / 2) * 2))
        sh = min(uh - uh % 2, max(2, round(h / py / 2) * 2))
        sx = min(uw - sw, max(0, round(x / px)))
        sy = min(uh - sh, max(0, round(y / py)))
        if sw >= uw - 1 and sh >= uh - 1:
            return ""
        return f"crop={sw}:{sh}:{sx}:{sy}"


def _graph(
    request: ExportRequest,
    preset: ExportPreset,
    video: VideoStream,
    details: SourceDetails,
    geometry: _Geometry,
    size: tuple[int, int],
    rate_filter: str,
) -> str:
    """The ``-filter_complex`` string: prepare, frame, overlay captions, finish."""
    width, height = size
    flags = ":flags=lanczos" if preset.kind is not OutputKind.VIDEO else ""
    pre = _prepare(video, details, rate_filter)
    framing = request.framing
    dw, dh = geometry.display
    if framing.mode == "fit" and framing.aspect != "source":
        cover = geometry.crop(crop_rect(dw, dh, Framing(aspect=framing.aspect)))
        fx, fy, fw, fh = fit_rect(dw, dh, width, height)
        bw, bh = max(2, width // 8 * 2), max(2, height // 8 * 2)
        radius = max(2, min(bw, bh) // 12)
        steps = [
            f"[0:v]{','.join(pre)},split=2[bgsrc][fgsrc]",
            f"[bgsrc]{_join(cover, f'scale={bw}:{bh}', f'boxblur={radius}:2')},"
            f"scale={width}:{height},setsar=1[bg]",
            f"[fgsrc]scale={fw}:{fh}{flags},setsar=1[fg]",
            f"[bg][fg]overlay={fx}:{fy}[base]",
        ]
    else:
        crop = geometry.crop(crop_rect(dw, dh, framing))
        chain = _join(*pre, crop, f"scale={width}:{height}{flags}", "setsar=1")
        steps = [f"[0:v]{chain}[base]"]
    label = "base"
    for n, overlay in enumerate(request.overlays, start=1):
        steps.append(f"[{label}][{n}:v]overlay=0:0{_enable(Overlay(*overlay))}[ov{n}]")
        label = f"ov{n}"
    steps.append(f"[{label}]{_finish(preset, request)}[vout]")
    return ";".join(steps)


def _prepare(video: VideoStream, details: SourceDetails, rate_filter: str) -> list[str]:
    """Deinterlace, tone-map HDR to SDR, restart timestamps at zero, set a constant rate."""
    chain: list[str] = []
    if video.field_order in INTERLACED_ORDERS:
        chain.append("bwdif=mode=send_frame:parity=auto:deint=interlaced")
    if details.hdr:
        primaries = details.primaries if details.primaries in ("bt2020", "bt709") else "bt2020"
        matrix = details.matrix if details.matrix in ("bt2020nc", "bt2020c") else "bt2020nc"
        chain += [
            f"zscale=tin={details.transfer}:pin={primaries}:min={matrix}:t=linear:npl=100",
            "format=gbrpf32le",
            "zscale=p=bt709",
            "tonemap=tonemap=hable:desat=0",
            "zscale=t=bt709:m=bt709:r=tv",
            "format=yuv420p",
        ]
    chain.append("setpts=PTS-STARTPTS")
    if rate_filter:
        chain.append(f"fps={rate_filter}")
    return chain


def _finish(preset: ExportPreset, request: ExportRequest) -> str:
    if preset.kind is OutputKind.GIF:
        return (
            "split[pal][gif];[pal]palettegen=stats_mode=diff[p];"
            "[gif][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle"
        )
    if preset.kind is OutputKind.STILL:
        return "format=yuvj420p" if _jpeg(request) else "format=rgb24"
    return "format=yuv420p"


def _enable(overlay: Overlay) -> str:
    start = max(0.0, overlay.t0)
    if start <= 0 and overlay.t1 is None:
        return ""
    until = "" if overlay.t1 is None else f"*lt(t,{overlay.t1:.6f})"
    return f":enable='gte(t,{start:.6f}){until}'"


def _passes(
    request: ExportRequest,
    preset: ExportPreset,
    common: list[str],
    paths: tuple[Path, Path | None],
    hardware: HardwareEncoder | None,
    budget: _Budget,
    has_audio: bool,
    info: MediaInfo,
    cut: float,
    rate: Fraction | None,
) -> tuple[tuple[str, ...], ...]:
    work, passlog = paths
    out = ffmpeg_input(str(work))
    if preset.kind is OutputKind.STILL:
        codec = ["-c:v", "mjpeg", "-q:v", "2"] if _jpeg(request) else ["-c:v", "png"]
        return ((*common, "-frames:v", "1", *codec, "-update", "1", "-f", "image2", out),)
    timing = ["-t", f"{cut:.6f}"]
    if preset.kind is OutputKind.GIF:
        return ((*common, *timing, "-an", "-loop", "0", "-f", "gif", out),)
    if preset.kind is OutputKind.WEBP:
        webp = ["-c:v", "libwebp_anim", "-quality", str(preset.crf), "-loop", "0", "-an"]
        return ((*common, *timing, *webp, "-f", "webp", out),)
    tail = [*(_audio_args(info, budget) if has_audio else ["-an"]), *_metadata(request)]
    tail += ["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"]
    tail += ["-movflags", "+faststart", "-f", "mp4", out]
    gop = ["-g", str(max(1, round(2 * float(rate))))] if rate else []
    if hardware:
        rate_args = (
            hardware.bitrate_args(budget.video_kbps)
            if budget.video_kbps
            else hardware.quality_args(preset.crf)
        )
        pix = ["-pix_fmt", hardware.pix_fmt] if hardware.pix_fmt else []
        encode = ["-c:v", hardware.name, *rate_args, *pix, *gop]
        return ((*common, "-map", "0:a:0?", *timing, *encode, *tail),)
    x264 = ["-c:v", "libx264", "-preset", X264_PRESET, "-profile:v", "high"]
    x264 += ["-pix_fmt", "yuv420p", *gop]
    if budget.video_kbps and budget.two_pass:
        log = ffmpeg_input(str(passlog or work.with_suffix(".pass")))
        rate_args = ["-b:v", f"{budget.video_kbps}k", "-passlogfile", log]
        first = (*common, *timing, *x264, *rate_args, "-pass", "1", "-an", "-f", "null", "-")
        second = (*common, "-map", "0:a:0?", *timing, *x264, *rate_args, "-pass", "2", *tail)
        return (first, second)
    quality = ["-crf", str(preset.crf)]
    if budget.video_kbps:
        kbps = budget.video_kbps
        quality += ["-maxrate:v", f"{kbps}k", "-bufsize:v", f"{2 * kbps}k"]
    return ((*common, "-map", "0:a:0?", *timing, *x264, *quality, *tail),)


def _audio_args(info: MediaInfo, budget: _Budget) -> list[str]:
    args = ["-c:a", "aac", "-b:a", f"{budget.audio_kbps}k"]
    stream = info.audio[0] if info.audio else None
    if stream and stream.channels > 2:
        args += ["-ac", "2"]
    if stream and stream.sample_rate > 48000:
        args += ["-ar", "48000"]
    return args


def _metadata(request: ExportRequest) -> list[str]:
    args: list[str] = []
    for key, value in (("title", request.title), ("comment", request.comment)):
        text = value.replace("\x00", "")
        if text:
            args += ["-metadata", f"{key}={text}"]
    return args


def _jpeg(request: ExportRequest) -> bool:
    destination = request.destination
    if isinstance(destination, tuple):
        return False
    return Path(destination).suffix.lower() in (".jpg", ".jpeg")


def _encoder_name(preset: ExportPreset, target: Path) -> str:
    if preset.kind is OutputKind.STILL:
        return "mjpeg" if target.suffix.lower() in (".jpg", ".jpeg") else "png"
    return {OutputKind.GIF: "gif", OutputKind.WEBP: "libwebp_anim"}.get(preset.kind, "libx264")


def _join(*filters: str) -> str:
    return ",".join(f for f in filters if f)


def _smallest(*sizes: int | None) -> int | None:
    known = [s for s in sizes if s is not None and s > 0]
    return min(known) if known else None


def _rate_of(video: VideoStream) -> Fraction | None:
    return Fraction(video.fps).limit_denominator(1001) if video.fps else None


def _fraction_text(rate: Fraction) -> str:
    return f"{rate.numerator}/{rate.denominator}" if rate.denominator != 1 else str(rate.numerator)


def clip_frames(duration: float, rate: float) -> int:
    """How many frames a clip of ``duration`` holds at ``rate`` (for progress and tests)."""
    return max(1, math.floor(duration * rate + 0.5))
