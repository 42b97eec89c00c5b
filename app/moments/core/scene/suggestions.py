"""Suggested moments: shot-aligned stretches of a film ranked by what makes a scene worth
sharing — loud peaks, busy pictures, quotable dialogue and, privately, what you rewatched.

Candidates run from one shot change to a later one, 8–30 s long (a shot longer than that
is cut at a sentence end, else by the clock). Each is scored on four signals, each scaled
against the film's other candidates (so a quiet film still has its loudest minute): short-
term loudness peaks, picture activity (camera and subject motion), dialogue (share of the
time with a line on screen, a self-contained sentence inside) and rewatches (how often the
viewer played those seconds again). The best candidates that do not overlap are returned,
each with the reasons a person would give ("you replayed this 3×", "loudest minute",
"quotable line"). Pure: the GUI and ``moments suggest`` call the same function.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from moments.core.scene.signals import SceneSignals
from moments.core.scene.snapping import is_sentence_end, sentence_ends
from moments.core.scene.transitions import Transition, detect_transitions
from moments.core.subtitles import Cue

MIN_S, MAX_S, AIM_S = 8.0, 30.0, 18.0
WEIGHTS = {"loudness": 1.0, "activity": 0.8, "dialogue": 0.9, "rewatch": 2.5}
LOUDEST_WINDOW_S = 60.0


@dataclass(frozen=True)
class RewatchHistogram:
    """How often each stretch of a file was watched again: ``replays[i]`` for the i-th of
    ``len(replays)`` equal bins over ``[0, duration)`` (0 = seen once or not at all)."""

    replays: tuple[float, ...]
    duration: float

    def peak(self, start: float, end: float) -> float:
        """The most replays of any bin overlapping ``[start, end)``."""
        n = len(self.replays)
        if not n or self.duration <= 0:
            return 0.0
        lo = max(0, min(n - 1, int(start / self.duration * n)))
        hi = max(lo + 1, min(n, math.ceil(end / self.duration * n)))
        return float(max(self.replays[lo:hi]))


@dataclass(frozen=True)
class Suggestion:
    start: float
    end: float
    score: float
    """0–1: the weighted mean of the four signals, each scaled from the film's least (0) to
    its most (1)."""
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
        }


def suggest(
    signals: SceneSignals,
    *,
    count: int = 5,
    cues: Sequence[Cue] | None = None,
    rewatches: RewatchHistogram | None = None,
    transitions: Sequence[Transition] | None = None,
) -> list[Suggestion]:
    """The ``count`` best moments of the analysed file, best first."""
    duration = signals.duration or (float(signals.frames.t[-1]) if len(signals.frames) else 0)
    if duration <= 0:
        return []
    found = detect_transitions(signals.frames) if transitions is None else transitions
    lines = list(signals.cues if cues is None else cues)
    ranges = candidate_ranges(found, lines, duration)
    if not ranges:
        return []
    facts = _Facts(signals, lines, rewatches, duration)
    raw = np.array([facts.measure(a, b) for a, b in ranges], np.float64)
    ranks = np.column_stack([_rank(raw[:, k]) for k in range(raw.shape[1])])
    scaled = np.column_stack([_scaled(raw[:, k]) for k in range(raw.shape[1])])
    present = np.ptp(raw, axis=0) > 0  # a signal that does not vary (no audio) counts not
    weights = np.array(list(WEIGHTS.values())) * present
    scores = scaled @ weights / max(weights.sum(), 1e-9)
    order = np.argsort(-scores, kind="stable")
    chosen: list[Suggestion] = []
    for i in order:
        a, b = ranges[i]
        if any(min(b, s.end) - max(a, s.start) > 0.2 * (b - a) for s in chosen):
            continue
        reasons = facts.reasons(a, b, raw[i], ranks[i])
        chosen.append(Suggestion(a, b, float(scores[i]), reasons))
        if len(chosen) >= count:
            break
    return chosen


def candidate_ranges(
    transitions: Sequence[Transition], cues: Sequence[Cue], duration: float
) -> list[tuple[float, float]]:
    """Stretches from a shot change to a later one, ``MIN_S``–``MAX_S`` long; shots longer
    than that give stretches cut at sentence ends, else every ``AIM_S`` s."""
    bounds = sorted({0.0, *(t.entry for t in transitions), duration})
    ends = sentence_ends(cues)
    ranges: list[tuple[float, float]] = []
    for i, a in enumerate(bounds[:-1]):
        fits = [b for b in bounds[i + 1 :] if MIN_S <= b - a <= MAX_S]
        if fits:
            ranges.append((a, min(fits, key=lambda b: abs(b - a - AIM_S))))
            continue
        if bounds[i + 1] - a <= MAX_S:
            continue  # a short shot: it is part of the stretches starting before it
        at = a
        while bounds[i + 1] - at >= MIN_S:  # a long shot: stretches cut at sentence ends
            inside = [e for e in ends if MIN_S <= e - at <= MAX_S and e <= bounds[i + 1]]
            stop = min(inside, key=lambda e: abs(e - at - AIM_S)) if inside else at + AIM_S
            stop = min(stop, bounds[i + 1])
            ranges.append((at, stop))
            at = stop
    return ranges


def _rank(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each value's rank among them, 0 (lowest) to 1 (highest); equal values share one."""
    n = values.shape[0]
    if n < 2 or np.ptp(values) == 0:
        return np.zeros_like(values)
    ordered = np.sort(values)
    below = np.searchsorted(ordered, values, side="left")
    upto = np.searchsorted(ordered, values, side="right")
    ranks: npt.NDArray[np.float64] = (below + upto - 1) / 2 / (n - 1)
    return ranks


def _scaled(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The values from 0 (the film's least) to 1 (its most)."""
    span = np.ptp(values)
    if span == 0:
        return np.zeros_like(values)
    scaled: npt.NDArray[np.float64] = (values - values.min()) / span
    return scaled


class _Facts:
    """What each candidate holds: loudness peak, activity, dialogue, rewatches."""

    def __init__(
        self,
        signals: SceneSignals,
        cues: list[Cue],
        rewatches: RewatchHistogram | None,
        duration: float,
    ) -> None:
        self.signals, self.cues, self.rewatches = signals, cues, rewatches
        frames = signals.frames
        motion = (
            np.abs(np.nan_to_num(frames.column("dx"))) * 96
            + np.abs(np.nan_to_num(frames.column("dy"))) * 54
        )
        self.activity = np.nan_to_num(frames.column("residual")) + motion
        self.loudest = _loudest_window(signals, LOUDEST_WINDOW_S)

    def measure(self, a: float, b: float) -> tuple[float, float, float, float]:
        audio = self.signals.audio.between(a, b)
        loud = float(np.percentile(audio.short_term, 90)) + 70 if len(audio) else 0.0
        lo, hi = np.searchsorted(self.signals.frames.t, [a, b])
        activity = float(np.median(self.activity[lo:hi])) if hi > lo else 0.0
        spoken = sum(max(0.0, min(c.end, b) - max(c.start, a)) for c in self.cues)
        quotable = 1.0 if self._quotable(a, b) else 0.0
        dialogue = spoken / (b - a) + quotable
        rewatch = self.rewatches.peak(a, b) if self.rewatches else 0.0
        return (max(0.0, loud), activity, dialogue, rewatch)

    def _quotable(self, a: float, b: float) -> Cue | None:
        ordered = sorted(self.cues, key=lambda c: c.start)
        for n, cue in enumerate(ordered):
            if cue.start < a or cue.end > b:
                continue
            words = len(cue.text.split())
            following = ordered[n + 1] if n + 1 < len(ordered) else None
            previous = ordered[n - 1] if n else None
            starts = previous is None or is_sentence_end(previous, cue)
            if 3 <= words <= 16 and starts and is_sentence_end(cue, following):
                return cue
        return None

    def reasons(
        self,
        a: float,
        b: float,
        raw: npt.NDArray[np.float64],
        ranks: npt.NDArray[np.float64],
    ) -> tuple[str, ...]:
        loud, activity, dialogue, rewatch = raw
        said: list[str] = []
        if rewatch >= 1:
            said.append(f"you replayed this {round(rewatch)}×")
        if (
            self.loudest is not None
            and min(b, self.loudest[1]) - max(a, self.loudest[0]) > (b - a) / 2
        ):
            said.append("loudest minute")
        elif loud > 0 and ranks[0] >= 0.9:
            said.append("loud")
        if activity > 0 and ranks[1] >= 0.9:
            said.append("lots of movement")
        quote = self._quotable(a, b)
        if quote is not None:
            said.append("quotable line")
        elif dialogue > 0 and ranks[2] >= 0.9:
            said.append("much said")
        return tuple(said) or ("a scene of its own",)


def _loudest_window(signals: SceneSignals, width: float) -> tuple[float, float] | None:
    """The ``width`` s with the highest mean short-term loudness; None without sound or in
    a film shorter than twice that."""
    audio = signals.audio
    if len(audio) < 2 or float(audio.short_term.max()) <= -69.0:
        return None
    if float(audio.t[-1] - audio.t[0]) < 2 * width:
        return None  # a short film's "loudest minute" is most of it
    power = np.power(10.0, audio.short_term.astype(np.float64) / 10)
    steps = max(1, round(width / 0.1))
    if power.shape[0] <= steps:
        return float(audio.t[0]), float(audio.t[-1])
    sums = np.convolve(power, np.ones(steps), mode="valid")
    best = int(np.argmax(sums))
    return float(audio.t[best]), float(audio.t[best + steps - 1])
