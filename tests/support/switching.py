"""Segments of a frame-coded film played one after another with a jump at each segment's
end, as a story branch jumps, switched in one of three ways; what the screen showed at
each switch (``screen_strip.switch_result``). Shared by ``bench/story_switch.py`` and the
tests."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from tests.support.screen_strip import StripSampler, SwitchResult, switch_result

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
) -> list[SwitchResult | None]:
    """Play ``switches + 1`` segments, switching by ``method``; the error of each switch."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from moments.ui.player.deck import PlayheadDeadline, SwitchDeck

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    deck = SwitchDeck()
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
    results = []
    for k in range(switches):
        first_a = round(start(k) * fps)
        last_a = math.ceil(end(k) * fps - 1e-3) - 1
        first_b = round(start(k + 1) * fps)
        results.append(switch_result(runs, fps, range(first_a, last_a + 1), first_b))
    return results
