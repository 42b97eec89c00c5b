"""Branch switches with the pre-rolled deck, read back from the screen: at 25, 30 and 60 fps
the next segment's first frame follows the last one of the segment before within a frame
(at most one frame skipped, held or late), with no black frame and no silence between.
Switches where playback itself stuttered (a machine too busy to play 60 fps) are not
judged, and on a machine busy with other work the run may be made again (3 at most)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.support.screen_strip import SwitchResult
from tests.support.switching import AudioAtSwitch, make_media, run_switches

SWITCHES = 4
ATTEMPTS = 3
SEGMENT_S, BLOCK_S = 1.6, 2.0
"""Room for the pre-roll (~0.4 s) on a busy machine; segments are whole frames."""


@pytest.mark.parametrize("fps", [25, 30, 60])
def test_deck_switches_within_a_frame(qtbot: QtBot, tmp_path: Path, fps: int) -> None:
    media = make_media(tmp_path, fps, SWITCHES + 2, block_s=BLOCK_S)
    attempts = []
    for _attempt in range(ATTEMPTS):
        audio: list[AudioAtSwitch] = []
        results = run_switches(
            "deck", media, fps, SWITCHES, segment_s=SEGMENT_S, block_s=BLOCK_S, audio=audio
        )
        judged = [(r, audio[k]) for k, r in enumerate(results) if r is not None and r.steady]
        attempts.append(judged)
        if len(judged) >= SWITCHES // 2 and all(within_target(r, a) for r, a in judged):
            return
    raise AssertionError(f"no run of {SWITCHES} switches all within a frame: {attempts}")


def within_target(result: SwitchResult, audio: AudioAtSwitch) -> bool:
    """At most one frame skipped, held or late; no black frame between; no silence (the
    branch left is paused a little after the switch)."""
    return result.error <= 1.0 and result.foreign < 0.5 and audio.silent_ms < 10.0
