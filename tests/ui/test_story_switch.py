"""Branch switches with the pre-rolled deck, read back from the screen: at 25, 30 and 60 fps
the next segment's first frame follows the last one of the segment before within a frame,
with nothing else (no black) between."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.support.switching import make_media, run_switches

SWITCHES = 4


@pytest.mark.parametrize("fps", [25, 30, 60])
def test_deck_switches_within_a_frame(qtbot: QtBot, tmp_path: Path, fps: int) -> None:
    media = make_media(tmp_path, fps, SWITCHES + 2)
    results = run_switches("deck", media, fps, SWITCHES)
    assert all(r is not None for r in results), results
    assert [r.foreign for r in results if r] == [0.0] * SWITCHES, results
    assert [r.missing for r in results if r] == [0] * SWITCHES, results
    assert max(r.error for r in results if r) <= 1.0, results
