"""Shot changes found in real decodes: the synthetic film's exact truth (F1 per kind), and
PySceneDetect's own test videos, where we must match or beat its goldens."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from moments.core.scene.evaluate import Change, score
from moments.core.scene.signals import FrameSignals
from moments.core.scene.transitions import Transition, detect_transitions
from moments.media.analysis import analyse
from moments.media.analysis.features import HEIGHT, WIDTH, FrameFeatures
from tests.support.scenes import CORPUS_TRUTH, GOLDEN_CUTS, SceneFilm

pytestmark = pytest.mark.timeout(180)


def _changes(transitions: list[Transition]) -> list[Change]:
    return [(t.kind, t.frame, t.frame if t.is_cut else _last(t)) for t in transitions]


def _last(t: Transition) -> int:
    return t.frame + max(1, round((t.end - t.start) * 25))


@pytest.fixture(scope="module")
def found(scene_film: SceneFilm) -> list[Transition]:
    return detect_transitions(analyse(str(scene_film.path), cache=False, idle=False).frames)


@pytest.mark.parametrize("kind", ["cut", "fade", "dissolve"])
def test_each_kind_is_found_exactly(scene_film: SceneFilm, found: list[Transition],
                                    kind: str) -> None:  # fmt: skip
    expected = [(t.kind, t.frame, t.last) for t in scene_film.truths]
    result = score(_changes(found), expected, tolerance=1, kind=kind)
    assert result.expected >= 2
    assert result.f1 >= 0.95, (kind, found)


def test_cuts_are_frame_exact_and_gradual_ones_one_boundary(
    scene_film: SceneFilm, found: list[Transition]
) -> None:
    cuts = {t.frame for t in found if t.is_cut}
    assert cuts == {t.frame for t in scene_film.truths if t.kind == "cut"}
    near = next(t for t in scene_film.truths if t.label == "near-identical")
    assert near.frame in cuts
    for truth in scene_film.truths:
        if truth.kind != "cut":
            overlapping = [t for t in found if t.frame < truth.last and _last(t) > truth.frame]
            assert len(overlapping) == 1, truth
            assert overlapping[0].kind == truth.kind
            assert abs(overlapping[0].frame - truth.frame) <= 2
            assert overlapping[0].start < overlapping[0].end


def test_a_flash_and_a_fast_pan_are_not_shot_changes(
    scene_film: SceneFilm, found: list[Transition]
) -> None:
    for decoy in scene_film.decoys:
        inside = [t for t in found if decoy.first <= t.frame <= decoy.last]
        assert inside == [], decoy


def test_a_cut_starts_and_ends_on_its_first_frame(found: list[Transition]) -> None:
    cut = next(t for t in found if t.is_cut)
    assert cut.start == cut.end == pytest.approx(cut.frame / 25)
    assert json.loads(json.dumps(cut.to_json())) == {
        "kind": "cut", "start": cut.start, "end": cut.start, "frame": cut.frame
    }  # fmt: skip


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(CORPUS_TRUTH))
def test_pyscenedetect_videos_match_or_beat_their_goldens(corpus: Path, name: str) -> None:
    signals = analyse(str(corpus / name), cache=False, idle=False)
    found = _changes(detect_transitions(signals.frames))
    truth = CORPUS_TRUTH[name]
    ours = score(found, truth, tolerance=1)
    for detector, cuts in GOLDEN_CUTS[name].items():
        theirs = score([("cut", c, c) for c in cuts], truth, tolerance=1)
        assert ours.f1 >= theirs.f1, (detector, found)
    assert ours.f1 == 1.0, found
    for kind in ("cut", "fade", "dissolve"):
        assert score(found, truth, tolerance=1, kind=kind).f1 == 1.0, (kind, found)


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", ["hard/traffic_camera_vfr.mp4", "subtitles/flower.mp4", "hard/sar_2x1.mp4"]
)
def test_real_footage_without_shot_changes_gives_none(corpus: Path, name: str) -> None:
    signals = analyse(str(corpus / name), cache=False, idle=False)
    assert detect_transitions(signals.frames) == []


def _film(pictures: list[np.ndarray]) -> FrameSignals:
    """Signals of frames given as pictures (HEIGHT×WIDTH×3), 25 per second."""
    frames = np.stack(pictures).astype(np.uint8)
    values, signatures = FrameFeatures().feed(frames)
    return FrameSignals(np.arange(len(pictures)) / 25.0, values, signatures)


def _shot(seed: int, count: int, drift: int = 0) -> list[np.ndarray]:
    """A textured picture, moving ``drift`` pixels a frame."""
    rng = np.random.default_rng(seed)
    tint = rng.integers(0, 160, 3)
    texture = rng.integers(0, 96, (HEIGHT // 6 + 1, WIDTH // 6 + 3, 3))
    base = (tint + texture).repeat(6, 0).repeat(6, 1)
    return [np.roll(base, i * drift, axis=1)[:HEIGHT, :WIDTH] for i in range(count)]


def test_strobe_and_single_frame_glitches_are_not_cuts() -> None:
    shot = _shot(1, 60, drift=1)
    white = np.full_like(shot[0], 250)
    for at in (20, 24, 28, 40):  # strobe: three 1-frame flashes, then a 3-frame one
        shot[at] = white
    for at in (41, 42):
        shot[at] = white
    assert detect_transitions(_film(shot)) == []


def test_a_short_black_gap_is_one_cut_and_a_dip_back_is_none() -> None:
    black = [np.zeros((HEIGHT, WIDTH, 3))] * 2
    gap = detect_transitions(_film(_shot(1, 30) + black + _shot(2, 30)))
    assert [(t.kind, t.frame) for t in gap] == [("cut", 30)]
    dip = _shot(3, 30) + [np.zeros((HEIGHT, WIDTH, 3))] * 8 + _shot(3, 30)
    assert detect_transitions(_film(dip)) == []
