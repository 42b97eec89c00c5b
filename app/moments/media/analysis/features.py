"""Per-frame picture signals from small RGB frames, computed a batch at a time.

``FrameFeatures`` is fed the frames of one decode in order (``WIDTH``×``HEIGHT`` RGB24, as
ffmpeg scales them) and keeps the last frame, so a batch, a chunk of a file decoded with a
lead, or a live stream's next segment continues where the previous one ended. It computes
the columns of ``core.scene.signals.FEATURES`` and the signature. Numpy only, vectorised
over the batch: ~10 µs a frame, next to the ~3 ms ffmpeg spends decoding a 1080p frame.

Camera motion: the luma's column and row profiles of two frames are slid over each other
(±25 % of the picture); the best shift is the global motion, and the luma change left after
shifting the previous frame by it is the ``residual``. A pan shifts the picture, so its
residual is small; a cut leaves a residual as large as the change itself.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from moments.core.scene.signals import FEATURES, SIGNATURE_SIZE

WIDTH, HEIGHT = 96, 54
"""The analysis picture: small enough to be cheap, large enough to see a cut between two
near-identical shots."""
FRAME_BYTES = WIDTH * HEIGHT * 3
MAX_SHIFT_X, MAX_SHIFT_Y = WIDTH // 4, HEIGHT // 4
HIST_LEVELS, HIST_SHIFT = 8, 5
"""Histogram bins per RGB channel (512 bins in all): the top 3 bits of each."""

F32 = npt.NDArray[np.float32]
BLEND_HALVES = (4, 8, 16)
BLEND_COLUMNS = tuple(FEATURES.index(f"blend{half}") for half in BLEND_HALVES)
BLEND_MIN_APART = 1.0


class FrameFeatures:
    """Feed batches of frames in display order; each call returns their signals."""

    def __init__(self) -> None:
        self._last: npt.NDArray[np.uint8] | None = None
        self._history = np.zeros((0, HEIGHT, WIDTH), np.float32)
        """The luma of the last ``2 * max(BLEND_HALVES)`` frames, for the blend test."""

    def reset(self) -> None:
        """Forget the previous frames (a seek, or a new file)."""
        self._last = None
        self._history = np.zeros((0, HEIGHT, WIDTH), np.float32)

    def feed(self, frames: npt.NDArray[np.uint8]) -> tuple[F32, npt.NDArray[np.uint8]]:
        """``frames``: shape (n, HEIGHT, WIDTH, 3) RGB. Returns the values (n, len(FEATURES))
        and the signatures (n, SIGNATURE_SIZE)."""
        n = frames.shape[0]
        values = np.full((n, len(FEATURES)), np.nan, np.float32)
        if n == 0:
            return values, np.zeros((0, SIGNATURE_SIZE), np.uint8)
        both = frames if self._last is None else np.concatenate([self._last[None], frames])
        rgb = both.astype(np.float32)
        y = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
        u = (rgb[..., 2] - y) * 0.564
        v = (rgb[..., 0] - y) * 0.713
        first = 1 if self._last is not None else 0
        values[:, 0] = y[first:].mean(axis=(1, 2))
        values[:, 1] = y[first:].std(axis=(1, 2))
        if both.shape[0] > 1:
            rows = slice(n - (both.shape[0] - 1), n)
            dy_ = np.abs(np.diff(y, axis=0)).mean(axis=(1, 2))
            duv = (np.abs(np.diff(u, axis=0)) + np.abs(np.diff(v, axis=0))).mean(axis=(1, 2))
            values[rows, 2] = dy_ + duv / 2
            values[rows, 3] = _histogram_change(both)
            residual, dx, dyy = _motion(y, u, v, dy_ + duv / 2)
            values[rows, 4] = residual
            values[rows, 5] = dx / WIDTH
            values[rows, 6] = dyy / HEIGHT
        self._last = frames[-1].copy()
        luma = np.concatenate([self._history, y[first:]])
        for column, half in zip(BLEND_COLUMNS, BLEND_HALVES, strict=True):
            values[:, column] = _blend_evidence(luma, half, n)
        self._history = luma[-2 * max(BLEND_HALVES) :].copy()
        return values, _signatures(y[first:], u[first:], v[first:])


def _histogram_change(frames: npt.NDArray[np.uint8]) -> F32:
    """Half the L1 distance between consecutive frames' normalised RGB histograms (0–1),
    counted on every other pixel (plenty for a histogram)."""
    n = frames.shape[0]
    q = (frames[:, ::2, ::2] >> HIST_SHIFT).astype(np.intp)
    index = (q[..., 0] * HIST_LEVELS + q[..., 1]) * HIST_LEVELS + q[..., 2]
    bins = HIST_LEVELS**3
    index += (np.arange(n, dtype=np.intp) * bins)[:, None, None]
    counts = np.bincount(index.ravel(), minlength=n * bins).reshape(n, bins)
    hist = counts.astype(np.float32) / (index.shape[1] * index.shape[2])
    change: F32 = np.abs(np.diff(hist, axis=0)).sum(axis=1).astype(np.float32) / 2
    return change


def _best_shift(profiles: F32, limit: int) -> npt.NDArray[np.int64]:
    """For each consecutive pair of 1-D profiles, the shift ``s`` (|s| <= limit) with the
    smallest mean absolute difference between ``cur[x]`` and ``prev[x - s]``."""
    prev, cur = profiles[:-1], profiles[1:]
    prev = prev - prev.mean(axis=1, keepdims=True)
    cur = cur - cur.mean(axis=1, keepdims=True)
    size = profiles.shape[1]
    errors = np.empty((2 * limit + 1, prev.shape[0]), np.float32)
    for k, s in enumerate(range(-limit, limit + 1)):
        if s >= 0:
            a, b = cur[:, s:], prev[:, : size - s]
        else:
            a, b = cur[:, : size + s], prev[:, -s:]
        # A small penalty for long shifts: a flat profile prefers "no motion".
        errors[k] = np.abs(a - b).mean(axis=1) * (1 + 0.5 * abs(s) / size)
    best: npt.NDArray[np.int64] = np.argmin(errors, axis=0).astype(np.int64) - limit
    return best


def _motion(y: F32, u: F32, v: F32, unshifted: F32) -> tuple[F32, F32, F32]:
    """Global shift (dx, dy in pixels) from each frame to the next, found on the luma, and
    the residual: the smallest change of luma and chroma (weighted as ``diff``, which is
    ``unshifted``) left after shifting by (dx, dy), (dx, 0) or (0, dy) — one profile can be
    fooled when the picture changes along it — or not at all."""
    dx = _best_shift(y.mean(axis=1), MAX_SHIFT_X)
    dy = _best_shift(y.mean(axis=2), MAX_SHIFT_Y)
    residual = unshifted.astype(np.float32).copy()
    for shifts in ((dx, dy), (dx, np.zeros_like(dy)), (np.zeros_like(dx), dy)):
        pairs = np.stack(shifts, axis=1)
        moved = np.flatnonzero(pairs.any(axis=1))
        if not moved.size:
            continue
        for sx, sy in np.unique(pairs[moved], axis=0).tolist():
            group = moved[(pairs[moved, 0] == sx) & (pairs[moved, 1] == sy)]
            change = _shifted_change(y, u, v, group, int(sx), int(sy))
            residual[group] = np.minimum(residual[group], change)
    return residual, dx.astype(np.float32), dy.astype(np.float32)


def _shifted_change(y: F32, u: F32, v: F32, group: npt.NDArray[np.int64], sx: int, sy: int) -> F32:
    """For each frame ``i`` in ``group``: the change from ``i`` to ``i + 1`` with frame
    ``i`` moved by (sx, sy), where they overlap — mean absolute luma change plus half the
    chroma change."""
    now = (slice(max(sy, 0), HEIGHT + min(sy, 0)), slice(max(sx, 0), WIDTH + min(sx, 0)))
    then = (slice(max(-sy, 0), HEIGHT + min(-sy, 0)), slice(max(-sx, 0), WIDTH + min(-sx, 0)))
    total = np.zeros(group.shape[0], np.float32)
    for plane, weight in ((y, 1.0), (u, 0.5), (v, 0.5)):
        later = plane[group + 1][:, now[0], now[1]]
        earlier = plane[group][:, then[0], then[1]]
        total += weight * np.abs(later - earlier).mean(axis=(1, 2))
    return total


def _blend_evidence(luma: F32, half: int, count: int) -> F32:
    """For the last ``count`` frames of ``luma``: how well the frame ``half`` before each
    is the mean of the frame ``2 * half`` before it and itself (1 = exactly, as inside a
    dissolve or a fade; ~0 when it is one of them or the picture moved). NaN without
    enough frames before, 0 when the two ends are alike."""
    total = luma.shape[0]
    evidence = np.full(count, np.nan, np.float32)
    first = max(total - count, 2 * half)
    if first >= total:
        return evidence
    ends = luma[first:total]
    middle = luma[first - half : total - half]
    starts = luma[first - 2 * half : total - 2 * half]
    apart = np.abs(ends - starts).mean(axis=(1, 2))
    off = np.abs(middle - (ends + starts) / 2).mean(axis=(1, 2))
    result = 1 - 2 * off / np.maximum(apart, 1e-3)
    result[apart < BLEND_MIN_APART] = 0.0
    evidence[first - (total - count) :] = result
    return evidence


def _signatures(y: F32, u: F32, v: F32) -> npt.NDArray[np.uint8]:
    (lw, lh), (cw, ch) = ((8, 6), (4, 3))
    n = y.shape[0]
    parts = [
        _blocks(y, lw, lh).reshape(n, -1),
        _blocks(u, cw, ch).reshape(n, -1) + 128,
        _blocks(v, cw, ch).reshape(n, -1) + 128,
    ]
    return np.clip(np.concatenate(parts, axis=1), 0, 255).round().astype(np.uint8)


def _blocks(plane: F32, gw: int, gh: int) -> F32:
    """Block means on a ``gw``×``gh`` grid (the plane's edges trimmed to whole blocks)."""
    n, h, w = plane.shape
    bh, bw = h // gh, w // gw
    cropped = plane[:, : bh * gh, : bw * gw]
    means: F32 = cropped.reshape(n, gh, bh, gw, bw).mean(axis=(2, 4))
    return means
