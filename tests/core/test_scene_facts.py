"""SceneFacts: shot changes found stretch by stretch as the analysis goes are those of the
whole film; a press snaps only once its surroundings are known; marks for the filmstrip."""

from __future__ import annotations

from moments.core.scene.facts import SceneFacts
from moments.core.scene.signals import SceneSignals
from moments.core.scene.snapping import snap_from_signals
from moments.core.scene.transitions import detect_transitions
from moments.core.subtitles import Cue
from moments.media.analysis import analyse
from tests.support.scenes import SceneFilm


def test_stretch_by_stretch_finds_what_the_whole_film_has(scene_film: SceneFilm) -> None:
    whole = analyse(str(scene_film.path), cache=False, idle=False)
    expected = [(t.kind, t.frame) for t in detect_transitions(whole.frames)]
    facts = SceneFacts.empty()
    for end in (6.0, 11.0, 15.5, 21.0):  # the analysis's stretches arriving one by one
        partial = SceneSignals(whole.duration, whole.fps).with_chunk(
            0.0, end, whole.frames.between(0.0, end), whole.audio.between(0.0, end)
        )
        facts = facts.with_signals(partial)
        assert all(t.start < end - 3.0 + 1e-6 for t in facts.transitions)
    facts = facts.with_signals(whole)
    assert [(t.kind, t.frame) for t in facts.transitions] == expected
    assert facts.complete and facts.known.covers(0.0, whole.duration or 0.0)


def test_a_press_snaps_once_its_surroundings_are_known(scene_film: SceneFilm) -> None:
    early = analyse(str(scene_film.path), focus=3.0, window=(2.0, 2.0), only_window=True,
                    cache=False, idle=False)  # fmt: skip
    facts = SceneFacts.empty().with_signals(early)
    assert not facts.ready_for(16.0) and facts.snap(16.0, (6.0, 21.0)) is None
    whole = analyse(str(scene_film.path), cache=False, idle=False)
    cues = [Cue(17.0, 18.5, "Over here."), Cue(20.5, 21.0, "and then")]
    facts = facts.with_signals(whole).with_cues(cues)
    snap = facts.snap(16.0, (6.0, 21.0))
    assert snap == snap_from_signals(whole, 16.0, (6.0, 21.0), cues)
    assert (snap.start_why, snap.end_why) == ("cut", "sentence") and snap.end == 18.5
    marks = facts.marks(5.0, 19.0)
    assert {m.kind for m in marks} == {"cut", "sentence"}
    assert [m.time for m in marks if m.kind == "sentence"] == [18.5]


def test_the_film_start_is_where_the_first_shot_starts(scene_film: SceneFilm) -> None:
    whole = analyse(str(scene_film.path), cache=False, idle=False)
    facts = SceneFacts.empty().with_signals(whole)
    snap = facts.snap(5.0, (0.0, 10.0))  # no cut between 0 and 1 s before the press: the start
    assert snap is not None and (snap.start, snap.start_why) == (0.0, "cut")
