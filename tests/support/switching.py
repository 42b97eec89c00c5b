"""Segments of a frame-coded film played one after another with a jump at each segment's
end, as a story branch jumps, switched in one of three ways; what the screen showed at
each switch (``screen_strip.switch_result``). Shared by ``bench/story_switch.py`` and the
tests."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tests.support.screen_strip import StripSampler, SwitchResult, switch_result

if TYPE_CHECKING:
    from moments.ui.player.audio_tap import AudioTap

RESOLUTION_S = 0.0005


@dataclass(frozen=True)
class AudioAtSwitch:
    """What the speakers got around one switch (0.2 s before to 0.3 s after), in ms."""

    silent_ms: float
    """The longest stretch with no audio from any player."""
    doubled_ms: float
    """How long two players sounded at once."""
    jump: float = 0.0
    """The largest step a player's sound starting or stopping puts in the mix (a click),
    in the loudest level heard around the switch: 0 when each fades in and out, up to 1
    when one starts or stops at the top of the tone's wave."""


EDGE_GAP_S = 0.002
"""A player's blocks closer than this play on (their times come from pts, rounded)."""


def audio_at_switch(taps: list[AudioTap], at: float) -> AudioAtSwitch:
    """From every player's heard audio, on one clock."""
    start, stop = at - 0.2, at + 0.3
    cover = np.zeros(round((stop - start) / RESOLUTION_S), np.int8)
    edges: list[float] = []
    peak = 0.0
    for tap in taps:
        blocks = [b for b in tap.heard() if b.end > start and b.at < stop]
        for k, block in enumerate(blocks):
            first = max(0, round((block.at - start) / RESOLUTION_S))
            last = min(len(cover), round((block.end - start) / RESOLUTION_S))
            if last > first:
                cover[first:last] += 1
            level = np.abs(block.samples.astype(np.float64))
            peak = max(peak, float(level.max()))
            if block.at > start and (k == 0 or block.at - blocks[k - 1].end > EDGE_GAP_S):
                edges.append(float(level[0].max()))
            last_one = k == len(blocks) - 1
            if block.end < stop and (last_one or blocks[k + 1].at - block.end > EDGE_GAP_S):
                edges.append(float(level[-1].max()))
    longest = run = 0
    for covered in cover:
        run = 0 if covered else run + 1
        longest = max(longest, run)
    doubled = int((cover > 1).sum())
    jump = max(edges, default=0.0) / peak if peak else 0.0
    return AudioAtSwitch(longest * RESOLUTION_S * 1000, doubled * RESOLUTION_S * 1000, jump)


SEGMENT_S = 0.8
"""How much of each block plays before the jump (whole frames at 25, 30 and 60 fps)."""
BLOCK_S = 1.2
SIZE = (640, 360)
METHODS = ("set_media/play", "seek", "deck")


def make_media(folder: Path, fps: int, blocks: int, *, block_s: float = BLOCK_S) -> Path:
    from tests.support.framecode import make_coded_video

    starts = ",".join(f"{k * block_s:.3f}" for k in range(blocks))
    path = folder / f"coded{fps}.mp4"
    make_coded_video(
        path,
        fps=fps,
        seconds=blocks * block_s,
        size=SIZE,
        gop=fps * 10,
        extra_args=["-force_key_frames", starts],
    )
    return path


def run_switches(
    method: str,
    media: Path,
    fps: int,
    switches: int,
    *,
    segment_s: float = SEGMENT_S,
    block_s: float = BLOCK_S,
    audio: list[AudioAtSwitch] | None = None,
) -> list[SwitchResult | None]:
    """Play ``switches + 1`` segments, switching by ``method``; the error of each switch."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from moments.ui.player import Player
    from moments.ui.player.audio_tap import AudioTap
    from moments.ui.player.deck import PlayheadDeadline, SwitchDeck

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    deck = SwitchDeck()
    taps: list[AudioTap] = []
    switch_times: list[float] = []

    def tap(player: Player) -> None:
        taps.append(AudioTap())
        player.install_audio_tap(taps[-1])

    if audio is not None:
        tap(deck.player())
        deck.player_added.connect(tap)
    deck.setFixedSize(*SIZE)
    deck.move(0, 0)
    deck.show()
    deadline = PlayheadDeadline()
    loop = QEventLoop()
    segment = 0

    def start(k: int) -> float:
        return k * block_s

    def end(k: int) -> float:
        return k * block_s + segment_s

    def next_switch() -> None:
        nonlocal segment
        k = segment
        if k >= switches:
            QTimer.singleShot(800, loop.quit)
            return
        action: Callable[[], None]
        if method == "deck":
            deck.prepare(k + 1, str(media), start(k + 1))
            action = lambda: deck.switch(k + 1)  # noqa: E731
        elif method == "seek":
            action = lambda: deck.player().seek(start(k + 1))  # noqa: E731
        else:
            action = lambda: deck.open(str(media), start_at=start(k + 1))  # noqa: E731

        def switch() -> None:
            nonlocal segment
            switch_times.append(time.monotonic())
            action()
            segment = k + 1
            QTimer.singleShot(100, next_switch)

        deadline.arm(deck.player(), end(k), switch)

    deck.open(str(media), start_at=0.0)
    app.processEvents()
    top_left = deck.mapToGlobal(deck.rect().topLeft())
    sampler = StripSampler((top_left.x(), top_left.y(), *SIZE)).start()
    QTimer.singleShot(300, next_switch)
    QTimer.singleShot(int((switches + 3) * block_s * 4000), loop.quit)  # a safety net
    loop.exec()
    runs = sampler.stop()
    deadline.cancel()
    deck.release()
    deck.close()
    deck.deleteLater()
    if audio is not None:
        audio += [audio_at_switch(taps, at) for at in switch_times]
    results = []
    for k in range(switches):
        first_a = round(start(k) * fps)
        last_a = math.ceil(end(k) * fps - 1e-3) - 1
        first_b = round(start(k + 1) * fps)
        results.append(switch_result(runs, fps, range(first_a, last_a + 1), first_b))
    return results
