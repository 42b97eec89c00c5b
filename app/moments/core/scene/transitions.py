"""Shot changes from the per-frame signals: hard cuts, fades and dissolves, each once.

- **Cut**: the motion-compensated change (``residual``) of one frame stands out from the
  frames around it (a ratio, like PySceneDetect's AdaptiveDetector, but on a signal a pan
  does not raise). A 1–3 frame excursion that returns to the picture before it — a camera
  flash, strobe, a glitch — is not a cut; neither is a pan, whose change the global shift
  explains.
- **Fade**: a run of flat black (or white) frames, with the picture fading out before it
  and/or in after it, is *one* boundary spanning fade-out to fade-in; a dip that comes back
  to the same picture, or a flat field fading (no picture either side), is none.
- **Dissolve**: frames that are blends of the frames around them (their tiny signatures
  lie between), over a stretch with no camera motion, between two different pictures.

``detect_transitions`` is pure and fast (numpy over the whole film; a loop only over the
few candidates). Tuned on the synthetic set in ``tests/core/test_transitions.py`` and the
shared scene videos; ``bench/scenes.py`` measures it against PySceneDetect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from moments.core.scene.signals import FrameSignals

F32 = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

CUT_MIN = 5.0
"""Residual (0–255) below which a frame change is never a cut."""
CUT_RATIO = 4.0
"""How many times the frames around it a cut's residual must be…"""
CUT_STRONG, CUT_STRONG_RATIO = 20.0, 2.5
"""…or, for a large change in a busy shot, this much with a smaller ratio."""
NOISE = 1.0
"""Added to the local level so that still pictures (residual ~0) need a real change."""
LOCAL = 6
"""Frames either side that make a frame's local level."""
FLASH_MAX = 3
"""A flash lasts at most this many frames before the picture comes back."""
FLASH_RETURN = 0.3
"""…"comes back": the picture after is this close to the one before (share of the jump)."""
FLAT_CONTRAST = 12.0
DARK_LUMA, BRIGHT_LUMA = 24.0, 220.0
LONG_FLAT_S = 4.0
"""A black stretch longer than this is a shot of its own: fading into it and out of it are
two boundaries."""
PICTURE_CONTRAST = 8.0
"""Below this there is no picture (a flat field), so no shot to change from or to."""
SAME_PICTURE = 4.0
"""Signatures closer than this (mean absolute difference) show the same picture."""
DISSOLVE_HALF = (4, 8, 16)
"""Half-widths (frames) at which blend evidence is looked for."""
DISSOLVE_DISTANCE = 8.0
DISSOLVE_BLEND = 0.6
PAN_SPEED = 0.01
"""Mean global motion (share of the picture per frame) from which a stretch is a pan."""


@dataclass(frozen=True)
class Transition:
    """One shot change. ``frame`` indexes the analysed frames: the first frame of the new
    shot for a cut, of the span for a fade or dissolve. ``start`` is that frame's time;
    ``end`` is the time of the first frame after the span (== ``start`` for a cut)."""

    kind: str
    start: float
    end: float
    frame: int
    score: float = 1.0
    shot_in: float | None = None
    """Where the new shot is in, when not at ``start``: the end of the black in a fade
    through black, the middle of a dissolve."""
    shot_out: float | None = None
    """Where the old shot is gone, when not at ``start``: the start of the black."""

    @property
    def is_cut(self) -> bool:
        return self.kind == "cut"

    @property
    def entry(self) -> float:
        """The time to start a Moment on, to begin with the new shot."""
        return self.start if self.shot_in is None else self.shot_in

    @property
    def exit(self) -> float:
        """The time to end a Moment on, to end with the old shot (its fade-out included)."""
        return self.start if self.shot_out is None else self.shot_out

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "start": round(self.start, 6),
            "end": round(self.end, 6),
            "frame": self.frame,
        }


def detect_transitions(frames: FrameSignals) -> list[Transition]:
    """Every shot change in ``frames``, in time order."""
    n = len(frames)
    if n < 2:
        return []
    sig = frames.signature.astype(np.float32)
    luma = np.nan_to_num(frames.column("luma"))
    contrast = np.nan_to_num(frames.column("contrast"))
    flat = contrast < FLAT_CONTRAST
    flat &= (luma <= DARK_LUMA) | (luma >= BRIGHT_LUMA)
    cuts, flashes = _cuts(frames, sig)
    fades, covered, dips = _fades(frames, sig, contrast, flat)
    flashes |= dips
    cuts = [c for c in cuts if not covered[c.frame] and c.frame not in dips]
    dissolves = _dissolves(frames, sig, flat, covered, {c.frame for c in cuts}, flashes)
    return sorted([*cuts, *fades, *dissolves], key=lambda t: t.start)


# --- cuts -------------------------------------------------------------------------------


def _local_level(values: F32) -> F32:
    """Median of the ``LOCAL`` frames either side of each frame (itself left out)."""
    n = values.shape[0]
    padded = np.pad(values, LOCAL, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * LOCAL + 1)[:n]
    around = np.concatenate([windows[:, :LOCAL], windows[:, LOCAL + 1 :]], axis=1)
    level: F32 = np.median(around, axis=1).astype(np.float32)
    return level


def _cuts(frames: FrameSignals, sig: F32) -> tuple[list[Transition], set[int]]:
    """The cuts, and the frames of the flashes found (and left out) on the way."""
    residual = np.nan_to_num(frames.column("residual"))
    local = _local_level(residual)
    ratio = residual / (local + NOISE)
    hit = (residual >= CUT_MIN) & (ratio >= CUT_RATIO)
    hit |= (residual >= CUT_STRONG) & (ratio >= CUT_STRONG_RATIO)
    hit[0] = False
    candidates = [int(i) for i in np.flatnonzero(hit)]
    kept: list[int] = []
    for i in candidates:  # hits in a row: the cut is where the change starts (a new shot
        if kept and i - kept[-1] <= 1:  # can itself change fast on its second frame)
            continue
        kept.append(i)
    flashes: set[int] = set()
    for i in kept:
        length = _flash_length(sig, i)
        if length:
            flashes.update(range(i, i + length + 1))
    cuts = [
        Transition("cut", float(frames.t[i]), float(frames.t[i]), i, float(ratio[i]))
        for i in kept
        if i not in flashes
    ]
    return cuts, flashes


def _distance(sig: F32, a: int, b: int) -> float:
    return float(np.abs(sig[a] - sig[b]).mean())


def _flash_length(sig: F32, i: int) -> int:
    """1–3 when frames ``i``… are a flash: the picture after them is the one before."""
    n = sig.shape[0]
    jump = _distance(sig, i - 1, i)
    for length in range(1, FLASH_MAX + 1):
        if i + length >= n:
            break
        back = _distance(sig, i - 1, i + length)
        if back <= max(SAME_PICTURE / 2, FLASH_RETURN * jump):
            return length
    return 0


# --- fades ------------------------------------------------------------------------------


def _runs(mask: BoolArray) -> list[tuple[int, int]]:
    """``[start, end)`` of each run of True."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(),
                    strict=True))  # fmt: skip


def _plateau(level: F32, edge: int, step: int) -> int:
    """From the flat run's ``edge`` frame, walk in direction ``step`` while the contrast
    keeps rising away from the run; the frame reached is the first one past the fade
    (``edge + step`` when there is no fade)."""
    n = level.shape[0]
    j = edge
    while 0 <= j + step < n and level[j + step] > level[j] + 0.15:
        j += step
    return j


def _same_picture(sig: F32, before: int, a: int, b: int, after: int) -> bool:
    """Whether the picture after the flat run ``[a, b)`` is the one before it. A run as
    short as a flash is judged against the size of its jump, as ``_flash_length`` does."""
    back = _distance(sig, before, after)
    if b - a <= FLASH_MAX:
        return back <= max(SAME_PICTURE, FLASH_RETURN * _distance(sig, before, a))
    return back < SAME_PICTURE


def _fades(
    frames: FrameSignals, sig: F32, contrast: F32, flat: BoolArray
) -> tuple[list[Transition], BoolArray, set[int]]:
    """The fades (and cuts straight into or out of black), the frames they cover, and the
    frames of dips that come back to the same picture (no change)."""
    n = len(frames)
    t = frames.t
    covered = np.zeros(n, bool)
    dips: set[int] = set()
    found: list[Transition] = []
    for a, b in _runs(flat):
        before = _plateau(contrast, a, -1) if a > 0 else -1
        after = _plateau(contrast, b - 1, 1) if b < n else n
        has_before = before >= 0 and contrast[before] >= PICTURE_CONTRAST
        has_after = after < n and contrast[after] >= PICTURE_CONTRAST
        if not (has_before or has_after):
            continue  # a flat field fading: no picture either side
        if has_before and has_after and _same_picture(sig, before, a, b, after):
            dips.update(range(a, b + 1))
            continue  # a dip to black and back to the same picture: no change at all
        spans: list[tuple[int, int]] = []
        if a == 0 or b == n or t[b - 1] - t[a] > LONG_FLAT_S:
            if has_before:
                spans.append((before + 1, a))
            if has_after:
                spans.append((b, after))
        elif before + 1 == a and after == b and b - a <= FLASH_MAX:
            spans.append((a, a))  # a few black frames between two shots: a cut
        else:
            spans.append((before + 1, after))
        covered[max(0, before) : min(n, after + 1)] = True
        for first, last in spans:
            if last <= first:
                found.append(Transition("cut", float(t[first]), float(t[first]), first))
                continue
            end_t = float(t[last]) if last < n else float(t[-1] + frames.frame_duration())
            black_in = float(t[b]) if b < n else end_t
            found.append(Transition("fade", float(t[first]), end_t, first, 1.0,
                                    min(black_in, end_t), float(t[a])))  # fmt: skip
    return found, covered, dips


# --- dissolves --------------------------------------------------------------------------


def _centred(values: F32, half: int) -> F32:
    """A ``blendK`` column moved from the later frame to the frame it is about."""
    out = np.zeros(values.shape[0], np.float32)
    if values.shape[0] > half:
        out[:-half] = np.nan_to_num(values[half:])
    return out


def _apart(sig: F32, half: int, at: npt.NDArray[np.intp]) -> F32:
    """How different the frames ``half`` before and after the frames ``at`` are (their
    signatures); 0 where one of them is outside the film."""
    n = sig.shape[0]
    distance = np.zeros(at.shape[0], np.float32)
    inside = (at >= half) & (at < n - half)
    frames = at[inside]
    distance[inside] = np.abs(sig[frames + half] - sig[frames - half]).mean(axis=1)
    return distance


def _moving_mean(values: F32, width: int) -> F32:
    """The mean of ``width`` frames centred on each frame (fewer at the edges)."""
    sums = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    n = values.shape[0]
    lo = np.clip(np.arange(n) - width // 2, 0, n)
    hi = np.clip(np.arange(n) + width // 2 + 1, 0, n)
    mean: F32 = ((sums[hi] - sums[lo]) / np.maximum(hi - lo, 1)).astype(np.float32)
    return mean


def _dissolves(
    frames: FrameSignals,
    sig: F32,
    flat: BoolArray,
    covered: BoolArray,
    cuts: set[int],
    flashes: set[int],
) -> list[Transition]:
    n = len(frames)
    motion = np.abs(np.nan_to_num(frames.column("dx"))) + np.abs(np.nan_to_num(frames.column("dy")))
    diff = np.nan_to_num(frames.column("diff"))
    if flashes:
        diff[sorted(flashes)] = 0.0
    centre = np.zeros(n, bool)
    reach = np.zeros(n, np.int64)
    for half in DISSOLVE_HALF:
        evidence = _centred(frames.column(f"blend{half}"), half)
        pan = _moving_mean(motion, 2 * half + 1)
        hit = (evidence >= DISSOLVE_BLEND) & (pan < PAN_SPEED) & ~flat & ~covered
        candidates = np.flatnonzero(hit)
        hit[candidates] = _apart(sig, half, candidates) >= DISSOLVE_DISTANCE
        centre |= hit
        reach[hit] = np.maximum(reach[hit], half)
    found: list[Transition] = []
    cut_frames = np.array(sorted(cuts), np.int64)
    for a, b in _runs(centre):
        first = max(1, a - int(reach[a:b].max()))
        last = min(n - 1, b - 1 + int(reach[a:b].max()))
        lo, hi = np.searchsorted(cut_frames, [first, last + 1])
        if covered[first : last + 1].any() or hi > lo:
            continue
        first, last = _trim(diff, first, last)
        if last - first < 2:
            continue
        start, end = float(frames.t[first]), float(frames.t[last])
        middle = float(frames.t[(first + last) // 2])
        found.append(Transition("dissolve", start, end, first, 1.0, middle, middle))
    return found


def _trim(diff: F32, first: int, last: int) -> tuple[int, int]:
    """Narrow ``[first, last]`` to the frames that change more than the shot before (at the
    start) and the shot after (at the end) do; returns the first frame and the first frame
    after."""
    n = diff.shape[0]
    before = diff[max(0, first - 12) : first]
    after = diff[last + 1 : last + 13]
    floor_before = float(np.median(before)) * 1.2 + 0.3 if before.size else 0.3
    floor_after = float(np.median(after)) * 1.2 + 0.3 if after.size else 0.3
    span = diff[first : last + 1]
    steady = np.minimum(span[:-1], span[1:])  # a frame and the next both above the floor
    rising = np.flatnonzero(steady > floor_before)
    if not rising.size:
        return first, first
    falling = np.flatnonzero(steady[rising[0] :] > floor_after)
    start = first + int(rising[0])
    stop = start + int(falling[-1]) + 1 if falling.size else start
    return start, min(n - 1, stop + 1)
