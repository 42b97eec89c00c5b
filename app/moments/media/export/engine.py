"""Export a clip: probe the source, plan the ffmpeg passes, run them with progress and cancel,
check the result, then give it its final name.

The file is written under a hidden work name in the destination folder and renamed only when
complete, never over an existing file; cancel, a failed or killed ffmpeg and a full disk
leave nothing behind. ``export`` blocks: the UI runs it in a worker (``ui/tasks``).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from moments.core import leftovers
from moments.core.atomic import storage_error
from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, ClipError, MediaError, StorageError
from moments.core.paths import AppDirs
from moments.core.presets import OutputKind, get_preset
from moments.core.source import display_name, ffmpeg_input
from moments.core.timefmt import format_time
from moments.media.export.encoders import HardwareEncoder, working_encoders
from moments.media.export.graph import (
    SIZE_AIM,
    ExportPlan,
    ExportRequest,
    FolderTemplate,
    Overlay,
    plan,
    target_path,
)
from moments.media.export.naming import new_work_file, publish
from moments.media.export.source import SourceDetails, TrimWindow, source_details, trim_window
from moments.media.probe import MediaInfo, probe
from moments.media.tools import Progress, ProgressCallback, run_ffmpeg

__all__ = [
    "ExportPlan",
    "ExportRequest",
    "ExportResult",
    "FolderTemplate",
    "Overlay",
    "export",
    "plan",
]

STALL_TIMEOUT = 120.0
"""Seconds without a progress report before a stuck ffmpeg is stopped."""
_DECODE_TROUBLE = (
    "invalid data found",
    "error while decoding",
    "could not find codec parameters",
    "moov atom not found",
    "error opening input",
    "end of file",
    "does not contain any stream",
    "decoding error",
    "partial file",
    "cannot determine format of input",
)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    size_bytes: int
    duration: float
    width: int
    height: int


def export(
    request: ExportRequest,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    info: MediaInfo | None = None,
) -> ExportResult:
    """Export ``request``; ``info`` skips probing again when the caller already has it.

    Raises MediaError (source unreadable or nothing decodable in the range), StorageError
    (destination unwritable or full), ClipError (ffmpeg failed), CancelledError.
    """
    cancel = cancel or CancelToken()
    info = info or probe(request.source)
    request = _clamped(request, info)
    details = source_details(request.source)
    window = trim_window(request.source, request.start, request.end, details, info)
    preset = get_preset(request.preset, request.preset_overrides)
    hardware = _hardware(request) if preset.kind is OutputKind.VIDEO else None
    target = target_path(request, preset)
    _prepare_folder(target.parent)
    work = new_work_file(target)
    try:
        with leftovers.work_folder("moments-export-") as scratch:
            job = _Job(request, info, details, window, work, scratch, hardware, progress, cancel)
            done = job.run()
            produced = _verify(done, request)
            cancel.raise_if_cancelled()
            final = publish(work, target)
    except ClipError as exc:
        raise _classify(exc, request) from exc
    finally:
        leftovers.remove(work)
    if progress is not None:
        progress(Progress(done.duration, 1.0, None, 0.0))
    duration = produced.duration if produced.duration is not None else done.duration
    return ExportResult(final, final.stat().st_size, duration, done.width, done.height)


@dataclass
class _Job:
    """One export's passes, progress mapping and size-cap retry."""

    request: ExportRequest
    info: MediaInfo
    details: SourceDetails
    window: TrimWindow
    work: Path
    scratch: Path
    """A private folder for the passes' own files (the two-pass log)."""
    hardware: HardwareEncoder | None
    progress: ProgressCallback | None
    cancel: CancelToken

    def plan(self, force_kbps: int | None = None) -> ExportPlan:
        return plan(
            self.request,
            self.info,
            details=self.details,
            window=self.window,
            work=self.work,
            passlog=self.scratch / "pass",
            hardware=self.hardware,
            force_kbps=force_kbps,
        )

    def run(self) -> ExportPlan:
        first = self.plan()
        self._run_passes(first)
        cap = first.size_cap
        if cap is None or self.work.stat().st_size <= cap:
            return first
        # Rare: the encoder overshot. Aim lower by the measured ratio and encode again.
        size = self.work.stat().st_size
        kbps = first.video_kbps or 1000
        second = self.plan(force_kbps=max(32, int(kbps * cap * SIZE_AIM / size * 0.97)))
        self._run_passes(second)
        if self.work.stat().st_size > cap:
            raise ClipError(
                f"The clip could not be made smaller than {cap / 1e6:.1f} MB; "
                "trim it or lower the resolution."
            )
        return second

    def _run_passes(self, job: ExportPlan) -> None:
        weights = (0.35, 0.65) if len(job.passes) == 2 else (1.0,)
        started = time.monotonic()
        offset = 0.0
        for args, weight in zip(job.passes, weights, strict=True):
            self.cancel.raise_if_cancelled()
            report = _ProgressMap(self.progress, offset, weight, started)
            _run_watched(args, job.duration or None, report, self.cancel)
            offset += weight


class _ProgressMap:
    """Maps one pass's progress into the whole export's, with an ETA from the wall clock."""

    def __init__(
        self, sink: ProgressCallback | None, offset: float, weight: float, started: float
    ) -> None:
        self._sink, self._offset, self._weight, self._started = sink, offset, weight, started

    def __call__(self, item: Progress) -> None:
        if self._sink is None:
            return
        if item.fraction is None:
            self._sink(item)
            return
        fraction = min(1.0, self._offset + self._weight * item.fraction)
        elapsed = time.monotonic() - self._started
        eta = elapsed * (1 - fraction) / fraction if fraction > 0.02 else None
        self._sink(Progress(item.done_s, fraction, item.speed, eta))


def _run_watched(
    args: Sequence[str], duration: float | None, report: _ProgressMap, cancel: CancelToken
) -> None:
    """run_ffmpeg, also stopped when the user cancels or ffmpeg stops reporting progress."""
    inner = CancelToken()
    finished = threading.Event()
    stalled = threading.Event()
    last = [time.monotonic()]

    def on_progress(item: Progress) -> None:
        last[0] = time.monotonic()
        report(item)

    def watch() -> None:
        while not finished.wait(0.05):
            if cancel.cancelled:
                inner.cancel()
                return
            if time.monotonic() - last[0] > STALL_TIMEOUT:
                stalled.set()
                inner.cancel()
                return

    watcher = threading.Thread(target=watch, daemon=True, name="export-watchdog")
    watcher.start()
    try:
        run_ffmpeg(
            args,
            duration_s=duration,
            progress=on_progress,
            cancel=inner,
            what="the export",
            background=True,
        )
    except CancelledError:
        if stalled.is_set():
            raise ClipError("ffmpeg stopped making progress during the export.") from None
        raise CancelledError("Export cancelled.") from None
    finally:
        finished.set()
        watcher.join()


def _clamped(request: ExportRequest, info: MediaInfo) -> ExportRequest:
    name = display_name(request.source)
    if info.primary_video is None:
        raise MediaError(f"“{name}” has no video to export.")
    if request.start < 0 or request.end <= request.start:
        raise ClipError("The clip must end after it starts.")
    end = request.end
    if info.duration is not None:
        if request.start >= info.duration:
            raise ClipError(
                f"“{name}” is {format_time(info.duration)} long; "
                f"the clip starts at {format_time(request.start)}."
            )
        end = min(end, info.duration)
    return dataclasses.replace(request, end=end)


def _hardware(request: ExportRequest) -> HardwareEncoder | None:
    if not request.hardware:
        return None
    found = working_encoders(AppDirs.from_environment().cache)
    return found[0] if found else None


def _prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, folder / "clip") from exc
    if not folder.is_dir():
        raise StorageError(f"{folder} is not a folder.")


def _verify(done: ExportPlan, request: ExportRequest) -> MediaInfo:
    """Check the work file holds a picture; otherwise the range had nothing decodable."""
    name = display_name(request.source)
    nothing = MediaError(
        f"“{name}” could not be decoded between {format_time(request.start, millis=True)} "
        f"and {format_time(request.end, millis=True)}."
    )
    work = done.work
    if not work.exists() or work.stat().st_size == 0:
        raise nothing
    if done.preset.kind is OutputKind.WEBP:
        head = work.read_bytes()[:16]  # ffmpeg 5.1 cannot decode animated WebP to check it
        if head[:4] != b"RIFF" or head[8:12] != b"WEBP":
            raise nothing
        return MediaInfo(location=str(work), format_name="webp", duration=done.duration)
    try:
        produced = probe(str(work))
    except MediaError:
        raise nothing from None
    video = produced.primary_video
    if video is None or video.width == 0:
        raise nothing
    if done.preset.kind is not OutputKind.STILL and not (produced.duration or 0) > 0:
        raise nothing
    return produced


def _classify(error: ClipError, request: ExportRequest) -> MediaError | ClipError:
    """An ffmpeg failure caused by the source reads as a MediaError."""
    text = error.stderr.lower()
    if any(marker in text for marker in _DECODE_TROUBLE) or ffmpeg_input(request.source) in (
        error.stderr
    ):
        name = display_name(request.source)
        return MediaError(
            f"“{name}” could not be decoded: the file is damaged or incomplete.",
            details=error.stderr,
        )
    return error
