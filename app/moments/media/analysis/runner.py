"""Analyse a file: the window around the playhead first, then the rest, cached as it goes.

``analyse(source, focus=t)`` loads what the sidecar already holds, decodes the missing part
of ``[t - 40 s, t + 20 s]`` first (a press there finds its shot changes and pauses), then the
rest of the file in stretches of ``CHUNK_S`` seconds from there to the end and then from
the start, each stretch one ffmpeg run (``decode.py``) at the lowest priority. After each
stretch ``progress`` gets an ``AnalysisProgress`` carrying the signals so far, and the
sidecar is written at the window's end, every ``SAVE_EVERY_S`` of work, on cancel and at
the end — so a cancelled or paused-and-closed analysis resumes where it stopped. Blocking:
run it in a worker (``ui/common/tasks.TaskRunner``), pause it with a ``PauseGate`` while the
GUI needs the decoder, stop it with the ``CancelToken``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moments.core.cancel import CancelToken, PauseGate
from moments.core.errors import CancelledError, MediaError, MomentsError
from moments.core.scene.signals import SceneSignals
from moments.core.source import display_name, is_url
from moments.core.subtitles import Cue, read_subtitle_file
from moments.media.analysis.cache import AnalysisCache, FileIdentity, file_identity
from moments.media.analysis.decode import Stretch, decode_stretch
from moments.media.probe import MediaInfo, probe
from moments.media.subtitle_tracks import (
    extract_subtitle_cues,
    find_external_subtitles,
    tracks_from_info,
)

log = logging.getLogger(__name__)

WINDOW_BEFORE_S, WINDOW_AFTER_S = 40.0, 20.0
"""The window analysed first around ``focus``: a press looks 20 s back and 10 s on."""
CHUNK_S = 300.0
SAVE_EVERY_S = 20.0


@dataclass(frozen=True)
class AnalysisProgress:
    """How far an analysis is. ``signals`` is set when a stretch has just been added (the
    GUI can redraw marks, snap a pending Moment); it is immutable, safe on any thread."""

    fraction: float
    phase: str
    """``"cached"``, ``"window"``, ``"rest"`` or ``"done"``."""
    signals: SceneSignals | None = None


ProgressCallback = Callable[[AnalysisProgress], None]


def analyse(
    source: str,
    *,
    focus: float | None = None,
    window: tuple[float, float] = (WINDOW_BEFORE_S, WINDOW_AFTER_S),
    only_window: bool = False,
    cache: AnalysisCache | bool = True,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    pause: PauseGate | None = None,
    idle: bool = True,
    chunk_s: float = CHUNK_S,
) -> SceneSignals:
    """The signals of ``source`` (a file, or a URL that is not live), whole unless
    ``only_window``. Raises MediaError when it cannot be decoded (nothing is cached then),
    CancelledError on cancel (what was done is cached)."""
    name = display_name(source)
    if not is_url(source) and not Path(source).is_file():
        raise MediaError(f"“{name}” does not exist (moved, renamed or on a drive not mounted).")
    store = AnalysisCache.default() if cache is True else cache or None
    identity = _identity(source) if store is not None else None
    signals = store.load(identity) if store is not None and identity is not None else None
    if signals is not None and _enough(signals, focus, window, only_window):
        _report(progress, AnalysisProgress(1.0, "cached", signals))
        return signals
    info = probe(source)
    if info.primary_video is None:
        raise MediaError(f"“{name}” has no picture to analyse.")
    if signals is None:
        signals = SceneSignals(info.duration, info.primary_video.fps, has_audio=bool(info.audio))
    job = _Job(source, info, signals, store, identity, progress, cancel, pause, idle)
    try:
        for stretch, phase in _plan(signals, focus, window, only_window, chunk_s):
            job.run(stretch, phase)
        if not only_window or focus is None:
            job.finish(_embedded_cues(source, info, cancel))
    except CancelledError:
        job.save()
        raise
    except MomentsError:
        if len(job.signals.frames):
            job.save()
        raise
    job.save()
    return job.signals


def _enough(
    signals: SceneSignals, focus: float | None, window: tuple[float, float], only_window: bool
) -> bool:
    """Whether the cached signals already answer: complete, or the asked window is done."""
    if signals.complete:
        return True
    return (
        only_window
        and focus is not None
        and signals.coverage.covers(*_window(focus, window, signals))
    )


def _identity(source: str) -> FileIdentity | None:
    if is_url(source):
        return None
    try:
        return file_identity(Path(source))
    except OSError as exc:
        log.info("analysis of %s not cached: %s", display_name(source), exc)
        return None


def _window(
    focus: float, window: tuple[float, float], signals: SceneSignals
) -> tuple[float, float]:
    start = max(0.0, focus - window[0])
    end = focus + window[1]
    if signals.duration is not None:
        end = min(end, signals.duration)
    return start, max(start, end)


def _plan(
    signals: SceneSignals,
    focus: float | None,
    window: tuple[float, float],
    only_window: bool,
    chunk_s: float,
) -> list[tuple[Stretch, str]]:
    """The stretches still to decode: the window first, then the rest from it onwards, then
    from the start. An unknown duration is one stretch to the end."""
    plan: list[tuple[Stretch, str]] = []
    coverage = signals.coverage
    duration = signals.duration
    if focus is not None:
        for a, b in coverage.missing(*_window(focus, window, signals)):
            to_end = duration is not None and b >= duration
            plan.append((Stretch(a, None if to_end else b), "window"))
            coverage = coverage.add(a, math.inf if to_end else b)
        if only_window:
            return plan
    if duration is None:
        return [*plan, *((Stretch(a, None), "rest") for a, _ in coverage.missing(0, math.inf))]
    pivot = 0.0 if focus is None else min(max(0.0, focus), duration)
    ordered = coverage.missing(pivot, duration) + coverage.missing(0.0, pivot)
    for a, b in ordered:
        at = a
        while at < b - 1e-6:
            stop = min(b, at + chunk_s)
            if b - stop < chunk_s / 4:  # no tiny stretch at the end
                stop = b
            plan.append((Stretch(at, None if stop >= duration else stop), "rest"))
            at = stop
    return plan


class _Job:
    """One analysis: runs stretches, merges them, saves now and then, reports."""

    def __init__(
        self,
        source: str,
        info: MediaInfo,
        signals: SceneSignals,
        store: AnalysisCache | None,
        identity: FileIdentity | None,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
        pause: PauseGate | None,
        idle: bool,
    ) -> None:
        self.source, self.info, self.signals = source, info, signals
        self.store, self.identity = store, identity
        self.progress, self.cancel, self.pause, self.idle = progress, cancel, pause, idle
        self.saved_at = time.monotonic()
        self.dirty = False

    def run(self, stretch: Stretch, phase: str) -> None:
        duration = self.signals.duration
        done_before = self.signals.fraction_done()
        span = (stretch.end if stretch.end is not None else duration or 0.0) - stretch.start
        share = span / duration if duration else 0.0

        def on_time(t: float) -> None:
            if duration and span > 0:
                within = min(1.0, max(0.0, (t - stretch.start) / span))
                _report(self.progress, AnalysisProgress(done_before + share * within, phase))

        decoded = decode_stretch(self.source, stretch, audio=self.signals.has_audio,
                                 fps=self.signals.fps, progress=on_time, cancel=self.cancel,
                                 pause=self.pause, idle=self.idle)  # fmt: skip
        end = stretch.end if stretch.end is not None else math.inf
        if not len(decoded.frames) and not len(self.signals.frames) and stretch.start == 0:
            raise MediaError(f"“{display_name(self.source)}” has no picture that can be decoded.")
        self.signals = self.signals.with_chunk(stretch.start, end, decoded.frames, decoded.audio)
        self.dirty = True
        if phase == "window" or time.monotonic() - self.saved_at > SAVE_EVERY_S:
            self.save()
        _report(self.progress, AnalysisProgress(self.signals.fraction_done(), phase, self.signals))

    def finish(self, cues: list[Cue]) -> None:
        self.signals = self.signals.finished(cues)
        self.dirty = True
        _report(self.progress, AnalysisProgress(1.0, "done", self.signals))

    def save(self) -> None:
        if self.dirty and self.store is not None and self.identity is not None:
            self.store.save(self.identity, self.signals)
            self.saved_at = time.monotonic()
            self.dirty = False


def _report(progress: ProgressCallback | None, item: AnalysisProgress) -> None:
    if progress is not None:
        progress(item)


def _embedded_cues(source: str, info: MediaInfo, cancel: CancelToken | None) -> list[Cue]:
    """The cues of the file's first text subtitle track (none when it has none)."""
    for track in tracks_from_info(info):
        if not track.is_text:
            continue
        try:
            return extract_subtitle_cues(source, track, cancel=cancel)
        except MediaError as exc:
            log.info("subtitles of %s not read: %s", display_name(source), exc)
            return []
    return []


def subtitle_cues(source: str, signals: SceneSignals | None = None) -> list[Cue]:
    """The dialogue lines to snap to: a subtitle file beside the video (the exact name
    first), else the file's own text track as the analysis found it. Reads small files
    only; safe in a worker or the CLI."""
    for subtitle in find_external_subtitles(source):
        try:
            cues = read_subtitle_file(subtitle.path)
        except MediaError as exc:
            log.info("subtitle file %s not read: %s", subtitle.path.name, exc)
            continue
        if cues:
            return cues
    return list(signals.cues) if signals is not None else []
