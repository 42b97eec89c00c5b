"""What the player knows of a file's scenes while its analysis runs: the signals so far, the
shot changes found in them and the dialogue lines — enough to snap a press at once.

The analysis adds stretches as it goes (``media/analysis/runner.py``). Finding shot changes
in a whole film again after each stretch would cost more and more, so ``with_signals``
finds them only where they are new: each part of the analysed stretches, less ``EDGE_S`` at
an edge that has no frames beyond it yet (a cut there needs the frames after it to be told
from a flash), is looked at once with ``MARGIN_S`` of frames around it, as
``snapping.snap_from_signals`` does. ``known`` is where the list is final. A press then
costs a few list look-ups (``snap``): safe on the GUI thread. Immutable, so a worker makes
a new one and hands it over.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from moments.core.scene.signals import Coverage, SceneSignals
from moments.core.scene.snapping import (
    LOOK_AFTER,
    LOOK_BEFORE,
    MARGIN_S,
    PAD_AFTER,
    PAD_BEFORE,
    Snap,
    audio_pauses,
    sentence_ends,
    snap_ends,
)
from moments.core.scene.transitions import Transition, detect_transitions
from moments.core.subtitles import Cue

EDGE_S = 3.0
"""Shot changes this close to the end of what is analysed wait for the frames after them."""
NEAR_S = 1.0
"""How much more than ``PAD_BEFORE``/``PAD_AFTER`` around a press must be known to snap it."""


@dataclass(frozen=True)
class SceneMark:
    """A time the editor draws on its filmstrip and snaps a handle to."""

    time: float
    """Where a clip starting here begins: a cut's first frame, the end of a fade's black,
    a dissolve's middle; a line's end."""
    kind: str
    """``cut`` (a shot change: a cut, a fade or a dissolve) or ``sentence`` (a line of
    dialogue ends)."""
    exit: float | None = None
    """Where a clip ending here ends, when not at ``time``: the start of a fade's black."""
    span: tuple[float, float] | None = None
    """A fade's or dissolve's first frame and the first frame after it."""

    @property
    def end_time(self) -> float:
        return self.time if self.exit is None else self.exit


@dataclass(frozen=True)
class SceneFacts:
    """The scene knowledge of one file at one moment of its analysis."""

    signals: SceneSignals
    transitions: tuple[Transition, ...] = ()
    known: Coverage = field(default_factory=Coverage)
    """Where ``transitions`` is final (every change there has been looked for)."""
    cues: tuple[Cue, ...] = ()
    """The dialogue lines to snap to, in time order."""
    sentence_times: tuple[float, ...] = ()

    @classmethod
    def empty(cls, duration: float | None = None) -> SceneFacts:
        return cls(SceneSignals(duration, None))

    @property
    def complete(self) -> bool:
        return self.signals.complete

    def with_signals(self, signals: SceneSignals) -> SceneFacts:
        """These facts with newer signals: shot changes found where they are new."""
        final = _final_parts(signals)
        found = list(self.transitions)
        known = self.known
        for a, b in final.spans:
            for lo, hi in known.missing(a, b):
                first = int(np.searchsorted(signals.frames.t, lo - MARGIN_S, side="left"))
                window = signals.frames.between(lo - MARGIN_S, hi + MARGIN_S)
                found += [
                    replace(t, frame=t.frame + first)  # an index into the whole film's frames
                    for t in detect_transitions(window)
                    if lo <= t.start < hi
                ]
                known = known.add(lo, hi)
        found.sort(key=lambda t: t.start)
        return SceneFacts(signals, tuple(found), known, self.cues, self.sentence_times)

    def with_cues(self, cues: Sequence[Cue]) -> SceneFacts:
        ordered = tuple(sorted(cues, key=lambda c: (c.start, c.end)))
        ends = tuple(sentence_ends(ordered))
        return SceneFacts(self.signals, self.transitions, self.known, ordered, ends)

    def ready_for(self, press: float) -> bool:
        """Whether a press at ``press`` can be snapped now."""
        lo = max(0.0, press - PAD_BEFORE - NEAR_S)
        hi = press + PAD_AFTER + NEAR_S
        duration = self.signals.duration
        if duration is not None:
            hi = min(hi, duration)
        return self.known.covers(lo, hi)

    def snap(self, press: float, clock: tuple[float, float]) -> Snap | None:
        """The snapped ends of a press at ``press`` whose clock window is ``clock`` (the
        core snapping rules), or None while the analysis has not reached it."""
        if not self.ready_for(press):
            return None
        lo, hi = press - LOOK_BEFORE[0] - 1.0, press + LOOK_AFTER[1] + 1.0
        transitions = [t for t in self.transitions if lo - 1.0 <= t.start <= hi + 1.0]
        if press - LOOK_BEFORE[0] <= 0.0 and self.signals.frames.t.size:
            transitions.insert(0, _FILM_START)  # the first shot starts with the film
        cues = self._cues_between(lo - 5.0, hi + 5.0)
        pauses = audio_pauses(self.signals.audio, press + LOOK_AFTER[0], press + LOOK_AFTER[1])
        return snap_ends(press, clock, transitions, cues, pauses, duration=self.signals.duration)

    def marks(self, start: float, end: float) -> list[SceneMark]:
        """Shot changes and sentence ends between ``start`` and ``end``, in time order."""
        marks = [
            SceneMark(
                t.entry,
                "cut",
                None if t.exit == t.entry else t.exit,
                None if t.is_cut else (t.start, t.end),
            )
            for t in self.transitions
            if start <= t.entry <= end or start <= t.exit <= end
        ]
        marks += [SceneMark(t, "sentence") for t in self.sentence_times if start <= t <= end]
        return sorted(marks, key=lambda m: m.time)

    def cut_times(self) -> list[float]:
        return [t.entry for t in self.transitions]

    def _cues_between(self, start: float, end: float) -> list[Cue]:
        starts = [c.start for c in self.cues]
        hi = bisect.bisect_right(starts, end)
        return [c for c in self.cues[:hi] if c.end >= start]


_FILM_START = Transition("cut", 0.0, 0.0, 0)


def _final_parts(signals: SceneSignals) -> Coverage:
    """The analysed stretches less ``EDGE_S`` at each edge that more frames may follow."""
    duration = signals.duration
    parts = Coverage()
    for a, b in signals.coverage.spans:
        lo = a if a <= 0.0 else a + EDGE_S
        at_end = math.isinf(b) or (duration is not None and b >= duration - 1e-3)
        hi = (duration if duration is not None else math.inf) if at_end else b - EDGE_S
        if signals.complete:
            lo, hi = a, b
        parts = parts.add(lo, hi)
    return parts
