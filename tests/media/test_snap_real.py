"""Snapping on real decodes: a subtitled real film for sentence ends, the synthetic film with
a subtitle file beside it for shot changes and lines together, and an analysis not there yet."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from moments.core.scene.snapping import sentence_ends, snap_from_signals
from moments.media.analysis import analyse, subtitle_cues
from tests.support.media import make_subtitles
from tests.support.scenes import SceneFilm

pytestmark = pytest.mark.timeout(180)


@pytest.mark.corpus
def test_a_subtitled_film_ends_where_a_line_ends(corpus: Path) -> None:
    film = corpus / "subtitles" / "friday.mp4"
    signals = analyse(str(film), cache=False, idle=False)
    cues = subtitle_cues(str(film), signals)  # friday.vtt, beside it
    assert len(cues) == 5 and cues[0].text == "Hildy!"
    assert sentence_ends(cues) == pytest.approx([0.999, 1.499, 2.999])
    snap = snap_from_signals(signals, 0.5, (0.0, 5.5), cues)
    assert snap is not None
    assert (snap.end, snap.end_why) == (pytest.approx(2.999), "sentence")
    assert snap.start == 0.0 and snap.start_why == "clock"
    late = snap_from_signals(signals, 2.5, (0.0, 5.5), cues)  # no sentence end left…
    assert late is not None and late.end_why == "sentence"
    assert late.end == pytest.approx(6.0)  # …and the clock's 5.5 s would cut the last line


def test_shot_changes_and_lines_together(scene_film: SceneFilm, tmp_path: Path) -> None:
    film = tmp_path / "scene film.mp4"
    shutil.copyfile(scene_film.path, film)
    make_subtitles(film.with_suffix(".srt"), [(17.0, 18.5, "Over here."),
                                             (20.5, 21.0, "and then")])  # fmt: skip
    signals = analyse(str(film), cache=False, idle=False)
    cues = subtitle_cues(str(film), signals)
    snap = snap_from_signals(signals, 16.0, (6.0, 21.0), cues)
    assert snap is not None
    assert (snap.start, snap.start_why) == (pytest.approx(6.0), "cut")  # nearest 16 - 10
    assert (snap.end, snap.end_why) == (pytest.approx(18.5), "sentence")
    no_lines = snap_from_signals(signals, 16.0, (6.0, 21.0), [])
    assert no_lines is not None and no_lines.end_why == "cut"
    assert no_lines.end == pytest.approx(19.36)  # black begins: the fade out is kept


def test_no_snap_before_the_window_is_analysed(scene_film: SceneFilm) -> None:
    early = analyse(str(scene_film.path), focus=3.0, window=(2.0, 2.0), only_window=True,
                    cache=False, idle=False)  # fmt: skip
    assert snap_from_signals(early, 16.0, (6.0, 21.0), []) is None
