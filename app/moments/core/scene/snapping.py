"""Where a Moment's ends go: on a shot change at the start, where a line ends at the end.

The default Moment (``core/timeline.ViewedSpanRing.default_ranges``) is cut by the clock: 10 s
before the press, 5 s after. Snapped, it starts at the shot change nearest to 10 s before
the press (looked for from 20 s to 4 s before it) and ends at the first sentence end — a
subtitle cue ending in terminal punctuation, or, without subtitles there, a pause in the
sound — or shot change from 2 s to 10 s after the press. It never cuts a subtitle line in
half; an end with nothing to snap to keeps the clock's time. Each end says why it is where
it is. Pure functions: the capture at the press, the editor and ``moments`` all call these.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from moments.core.scene.signals import AudioSignals, SceneSignals
from moments.core.scene.transitions import Transition, detect_transitions
from moments.core.subtitles import Cue

LOOK_BEFORE = (20.0, 4.0)
"""The start is looked for between 20 s and 4 s before the press…"""
AIM_BEFORE = 10.0
"""…as near as can be to 10 s before it."""
LOOK_AFTER = (2.0, 10.0)
"""The end: the first boundary from 2 s to 10 s after the press."""
PAD_BEFORE, PAD_AFTER = LOOK_BEFORE[0], LOOK_AFTER[1]
"""What a raw clip must hold around the press for any snapped end to fit in it."""

MARGIN_S = 10.0
"""Frames either side of the looked-at range that shot detection also sees, so a fade or a
long black that began before it is recognised as on the whole film."""

WHY_CUT, WHY_SENTENCE, WHY_PAUSE, WHY_CLOCK = "cut", "sentence", "pause", "clock"
WHYS = (WHY_CUT, WHY_SENTENCE, WHY_PAUSE, WHY_CLOCK)

_TERMINAL = re.compile(r"[.!?…。！？‼⁉][\"'”’»)\]」』]*$")
_CONTINUES = re.compile(r"^\s*(\.\.\.|…|[a-zà-ÿ])")
PAUSE_MIN_S = 0.3
"""A dip in loudness at least this long, in speech, is a pause."""
PAUSE_DROP_LU = 12.0
"""…and this far below the level around it (or below ``SILENT_LUFS``)."""
SILENT_LUFS = -50.0


@dataclass(frozen=True)
class Snap:
    """A Moment's snapped ends (source seconds) and why each is there."""

    start: float
    end: float
    start_why: str
    end_why: str


def is_sentence_end(cue: Cue, following: Cue | None = None) -> bool:
    """Whether ``cue`` ends a sentence: terminal punctuation (closing quotes and brackets
    allowed), unless it trails off ("…") into a next line that carries on ("…and then")."""
    text = cue.text.strip()
    if not _TERMINAL.search(text):
        return False
    trailing = text.rstrip("\"'”’»)]」』").endswith(("...", "…"))
    if trailing and following is not None and following.start - cue.end < 2.0:
        return not _CONTINUES.match(following.text)
    return True


def sentence_ends(cues: Sequence[Cue]) -> list[float]:
    """The times sentences end: the end of each cue that ends one, in time order."""
    ordered = sorted(cues, key=lambda c: (c.start, c.end))
    ends = [
        cue.end
        for n, cue in enumerate(ordered)
        if is_sentence_end(cue, ordered[n + 1] if n + 1 < len(ordered) else None)
    ]
    return sorted(ends)


def audio_pauses(audio: AudioSignals, start: float = 0.0, end: float = float("inf")) -> list[float]:
    """Times inside pauses in the sound between ``start`` and ``end``: where the momentary
    loudness stays ``PAUSE_DROP_LU`` below the level of the 6 s around it (or under
    ``SILENT_LUFS``) for ``PAUSE_MIN_S``. Each time is just after the pause began (the
    momentary window trails the sound by up to 400 ms)."""
    window = audio.between(start - 3.0, end + 3.0)
    if len(window) < 3:
        return []
    level = _running_level(window.momentary)
    quiet = (window.momentary < level - PAUSE_DROP_LU) | (window.momentary < SILENT_LUFS)
    quiet &= level > SILENT_LUFS + 5  # a pause needs sound around it
    pauses: list[float] = []
    edges = np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]]))
    for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        t0, t1 = float(window.t[a]), float(window.t[b - 1])
        if t1 - t0 + 0.1 >= PAUSE_MIN_S:
            at = max(t0 - 0.2, (t0 + t1) / 2 - 0.2)
            if start <= at <= end:
                pauses.append(at)
    return pauses


def _running_level(momentary: np.ndarray) -> np.ndarray:
    """The loud end of the sound around each reading: the 80th percentile over ±3 s."""
    n = momentary.shape[0]
    half = 30
    padded = np.pad(momentary, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)[:n]
    level: np.ndarray = np.percentile(windows, 80, axis=1)
    return level


def _inside(t: float, cues: Sequence[Cue]) -> Cue | None:
    """The cue on screen at ``t`` that ``t`` would cut in half (not at its very edges)."""
    for cue in cues:
        if cue.start + 0.05 < t < cue.end - 0.05:
            return cue
    return None


def snap_ends(
    press: float,
    clock: tuple[float, float],
    transitions: Sequence[Transition],
    cues: Sequence[Cue] = (),
    pauses: Sequence[float] = (),
    *,
    duration: float | None = None,
) -> Snap:
    """The snapped ends of the Moment pressed at ``press`` whose clock window is
    ``clock``. ``pauses`` only count where no cue is within 3 s (subtitles say better)."""
    start, start_why = _snap_start(press, clock[0], transitions, cues)
    end, end_why = _snap_end(press, clock[1], transitions, cues, pauses, duration)
    if not end > start:
        return Snap(clock[0], clock[1], WHY_CLOCK, WHY_CLOCK)
    return Snap(start, end, start_why, end_why)


def _snap_start(
    press: float, clock: float, transitions: Sequence[Transition], cues: Sequence[Cue]
) -> tuple[float, str]:
    lo, hi = max(0.0, press - LOOK_BEFORE[0]), press - LOOK_BEFORE[1]
    aim = press - AIM_BEFORE
    options = [(t.entry, WHY_CUT) for t in transitions if lo <= t.entry <= hi]
    clean = [o for o in options if _inside(o[0], cues) is None]
    if clean:
        return min(clean, key=lambda o: (abs(o[0] - aim), -o[0]))
    around = _inside(clock, cues)
    if around is None:
        return clock, WHY_CLOCK
    if around.start >= lo:  # the line on screen at the clock's start: from its beginning
        return around.start, WHY_SENTENCE
    return max(clock, min(around.end, hi)), WHY_CLOCK if around.end > hi else WHY_SENTENCE


def _snap_end(
    press: float,
    clock: float,
    transitions: Sequence[Transition],
    cues: Sequence[Cue],
    pauses: Sequence[float],
    duration: float | None,
) -> tuple[float, str]:
    lo, hi = press + LOOK_AFTER[0], press + LOOK_AFTER[1]
    if duration is not None:
        hi = min(hi, duration)
    options = [(t.exit, WHY_CUT) for t in transitions if lo <= t.exit <= hi]
    options += [(t, WHY_SENTENCE) for t in sentence_ends(cues) if lo <= t <= hi]
    talked = [c for c in cues if c.end > lo - 3.0 and c.start < hi + 3.0]
    if not talked:
        options += [(t, WHY_PAUSE) for t in pauses if lo <= t <= hi]
    for t, why in sorted(options):
        if _inside(t, cues) is None:
            return t, why
    end = clock if duration is None else min(clock, duration)
    around = _inside(end, cues)
    if around is not None:  # the clock would cut a line: keep the whole line if it fits
        if around.end <= hi:
            return around.end, WHY_SENTENCE
        if around.start > press:
            return around.start, WHY_CLOCK
    return end, WHY_CLOCK


def snap_from_signals(
    signals: SceneSignals,
    press: float,
    clock: tuple[float, float],
    cues: Sequence[Cue] | None = None,
) -> Snap | None:
    """``snap_ends`` on what an analysis found; None while the analysis does not cover
    ``PAD_BEFORE`` s before the press to ``PAD_AFTER`` s after it yet (the GUI pads the
    raw clip, and snaps again when the window is done)."""
    lo = max(0.0, press - PAD_BEFORE - 1.0)
    hi = press + PAD_AFTER + 1.0
    if signals.duration is not None:
        hi = min(hi, signals.duration)
    if not signals.complete and not signals.coverage.covers(lo, hi):
        return None
    transitions = detect_transitions(signals.frames.between(lo - MARGIN_S, hi + MARGIN_S))
    lines = list(signals.cues if cues is None else cues)
    pauses = audio_pauses(signals.audio, press + LOOK_AFTER[0], press + LOOK_AFTER[1])
    return snap_ends(press, clock, transitions, lines, pauses, duration=signals.duration)
