"""The choice overlay on screen against its scheduled time (target: at most 1 frame late),
read back from the screen: a frame-coded story of timed choices plays in the switch deck
with the story driver and the choice overlay, as the window plays it; one thread reads the
frame code on screen, another a row of the overlay's band, every ~2 ms. The lateness of a
choice is when its band was first on screen minus when the first frame at or after the
choice's ``appear`` time was.

Baseline, in the same run: the same overlay shown by a 10 ms poll of libVLC's own time
(``get_time()``, what a player's UI usually watches) instead of the driver's
playhead-timed cue. Needs a display (``make bench`` provides Xvfb). ``STORY_CHOICES=N``
changes the count.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import median, scratch, table

FPS = (25, 60)
SIZE = (640, 360)
SEGMENT_MS, STRIDE_MS, APPEAR_MS = 2000, 3000, -1000
"""Chain segment k plays [k·3 s, k·3 s + 2 s); its choice appears 1 s in; the default
(timer) leads on to segment k+1, a real switch (the second in between is a side branch)."""
BAND_ROW_FROM_BOTTOM = 7
"""The row read in the band: inside its bottom margin, plain background."""


@dataclass(frozen=True)
class Shown:
    appear_ms: int
    lateness_ms: float | None


def story_doc(choices: int) -> dict[str, Any]:
    segments: dict[str, Any] = {}
    chosen: dict[str, Any] = {}
    for k in range(choices + 1):
        start = k * STRIDE_MS
        segments[f"m{k}"] = {"start": start, "end": start + SEGMENT_MS}
        if k == choices:
            segments[f"m{k}"]["ending"] = {"title": "End", "kind": "credits"}
            continue
        segments[f"m{k}"]["choice"] = f"c{k}"
        segments[f"a{k}"] = {
            "start": start + SEGMENT_MS,
            "end": start + STRIDE_MS,
            "ending": {"title": f"Side {k}", "kind": "credits"},
        }
        chosen[f"c{k}"] = {
            "prompt": f"Choice {k}?",
            "appear": APPEAR_MS,
            "default": 0,
            "options": [
                {"label": "On", "target": f"m{k + 1}"},
                {"label": "Aside", "target": f"a{k}"},
            ],
        }
    return {
        "format": 1,
        "title": "Overlay timing",
        "media": "film.mp4",
        "start": "m0",
        "segments": segments,
        "choices": chosen,
    }


def make_story(folder: Path, fps: int, choices: int) -> Path:
    from tests.support.framecode import make_coded_video

    doc = story_doc(choices)
    starts = ",".join(f"{s['start'] / 1000:.3f}" for s in doc["segments"].values())
    seconds = (choices + 1) * STRIDE_MS / 1000 + 1
    make_coded_video(
        folder / "film.mp4",
        fps=fps,
        seconds=seconds,
        size=SIZE,
        gop=fps * 10,
        extra_args=["-force_key_frames", starts],
    )
    path = folder / f"overlay{fps}.story.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def play(story: Path, fps: int, *, naive: bool) -> list[Shown]:
    """Play ``story`` to its end, every choice left to its timer; each choice's lateness."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from moments.core.story import ChoiceView, StoryEngine, load_story
    from moments.ui.player import SwitchDeck
    from moments.ui.story.driver import StoryDriver
    from moments.ui.story.overlay import ChoiceOverlay
    from tests.support.screen_strip import StripSampler

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    deck = SwitchDeck()
    deck.setFixedSize(*SIZE)
    deck.move(0, 0)
    deck.show()
    overlay = ChoiceOverlay(deck, deck)
    driver = StoryDriver(deck, StoryEngine(load_story(story)))
    appeared: list[int] = []
    pending: list[ChoiceView] = []

    def prepare(_clip: object) -> None:
        choice = driver.engine.choice
        if choice is not None:
            overlay.prepare_choice(choice, timed=True, clock=driver.position_ms)
            pending[:] = [choice]

    def shown(choice: ChoiceView) -> None:
        appeared.append(choice.appear_ms)
        if not naive:
            overlay.show_choice()

    def poll() -> None:  # the baseline: libVLC's own time, polled
        if pending and (driver.player().reported_time() or 0.0) * 1000 >= pending[0].appear_ms:
            pending.clear()
            overlay.show_choice()

    poller = QTimer()
    poller.setInterval(10)
    poller.timeout.connect(poll)
    if naive:
        poller.start()
    driver.segment_started.connect(prepare)
    driver.choice_shown.connect(shown)
    driver.choice_closed.connect(lambda _d: overlay.dismiss())
    loop = QEventLoop()
    driver.ended.connect(lambda _e: QTimer.singleShot(300, loop.quit))
    app.processEvents()
    corner = deck.mapToGlobal(deck.rect().topLeft())
    codes = StripSampler((corner.x(), corner.y(), *SIZE)).start()
    band = StripSampler(_band_rect(corner.x(), corner.y())).start()
    driver.start()
    choices = len(load_story(story).choices)
    QTimer.singleShot((choices + 2) * STRIDE_MS * 3, loop.quit)  # a safety net
    loop.exec()
    poller.stop()
    runs, rows = codes.stop(), band.stop_rows()
    driver.stop()
    overlay.close()
    deck.release()
    deck.close()
    deck.deleteLater()
    app.processEvents()
    return [Shown(ms, _lateness(runs, rows, ms, fps)) for ms in appeared]


def _band_rect(x: int, y: int) -> tuple[int, int, int, int]:
    """A rect whose sampled row (``StripSampler``: at ``SAMPLE_Y`` of its height) lies
    ``BAND_ROW_FROM_BOTTOM`` px above the deck's bottom."""
    from tests.support.framecode import SAMPLE_Y

    height = 100
    row = y + SIZE[1] - BAND_ROW_FROM_BOTTOM
    return x, row - round(SAMPLE_Y * height) + 1, SIZE[0], height


def _lateness(
    runs: list[Any], rows: list[tuple[float, np.ndarray]], ms: int, fps: int
) -> float | None:
    frame = math.ceil(ms * fps / 1000 - 1e-6)
    seen = next((r.first for r in runs if r.code == frame), None)
    if seen is None:
        return None
    band = next((at for at, row in rows if at > seen - 1.0 and (row < 35).mean() > 0.8), None)
    return None if band is None else (band - seen) * 1000


def main() -> None:
    os.environ.setdefault("MOMENTS_VLC_ARGS", "--aout=adummy")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # noqa: F841 - kept alive
    choices = max(2, int(os.environ.get("STORY_CHOICES", "12")))
    rows = []
    ratios = []
    for fps in FPS:
        story = make_story(scratch("story-overlay"), fps, choices)
        frame_ms = 1000 / fps
        worst = {}
        for name, naive in (("driver cue", False), ("get_time poll", True)):
            shown = play(story, fps, naive=naive)
            late = [s.lateness_ms / frame_ms for s in shown if s.lateness_ms is not None]
            worst[name] = max(late) if late else float("nan")
            within = sum(1 for v in late if v <= 1.0)
            unseen = len(shown) - len(late)  # the band or the frame never read on screen
            rows.append([fps, name, median(late), worst[name], f"{within}/{len(late)}", unseen])
        # Early counts as on time: the ratio of the worst lateness.
        ratios.append(max(0.0, worst["driver cue"]) / max(1e-9, worst["get_time poll"]))
    table(
        "Choice overlay on screen after its time (frames; target <= 1)",
        ["fps", "shown by", "median", "worst", "<= 1 frame", "not read"],
        rows,
    )
    print(
        "  ratio worst lateness driver/get_time poll: "
        + ", ".join(f"{fps} fps {r:.3f}" for fps, r in zip(FPS, ratios, strict=True))
    )


if __name__ == "__main__":
    main()
