"""The demo film: real ffmpeg, shortened so the suite stays quick."""

import hashlib
import itertools
import re
from pathlib import Path

import pytest

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError
from moments.media.demo import LINES, SCENES, demo_film_path, demo_is_ready, make_demo
from moments.media.probe import probe
from moments.media.tools import Progress

SCALE = 0.05


def test_demo_film_has_what_later_features_need(tmp_path: Path) -> None:
    seen: list[Progress] = []
    film = make_demo(tmp_path, scale=SCALE, progress=seen.append)
    assert film == demo_film_path(tmp_path) and demo_is_ready(tmp_path)
    info = probe(str(film))
    video = info.primary_video
    assert video is not None and video.codec == "h264" and (video.width, video.height) == (960, 540)
    assert info.audio and info.audio[0].codec == "aac"
    expected = sum(s.seconds for s in SCENES) * SCALE
    assert info.duration == pytest.approx(expected, abs=0.1)
    assert seen and seen[-1].fraction == 1.0
    srt = film.with_suffix(".srt").read_text(encoding="utf-8")
    assert len(re.findall(r"-->", srt)) == len(LINES)
    assert "Press C when you love a scene." in srt
    assert not list(tmp_path.glob(".*part"))


def test_full_length_spec_is_about_two_minutes_with_cuts_and_dialogue() -> None:
    assert 110 <= sum(s.seconds for s in SCENES) <= 130
    assert len(SCENES) >= 6
    assert len({s.lavfi.split("=")[0] for s in SCENES[1:-1]}) == len(SCENES) - 2
    assert all(a.start < b.start for a, b in itertools.pairwise(LINES))


def test_demo_is_reproducible(tmp_path: Path) -> None:
    first = make_demo(tmp_path / "a", scale=0.02, size=(320, 180))
    second = make_demo(tmp_path / "b", scale=0.02, size=(320, 180))
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, second)]
    assert digest[0] == digest[1]
    assert first.with_suffix(".srt").read_text() == second.with_suffix(".srt").read_text()


def test_cancel_leaves_nothing(tmp_path: Path) -> None:
    token = CancelToken()

    def cancel_soon(progress: Progress) -> None:
        if progress.done_s > 0.2:
            token.cancel()

    folder = tmp_path / "demo"
    with pytest.raises(CancelledError):
        make_demo(folder, scale=0.2, size=(640, 360), progress=cancel_soon, cancel=token)
    assert not demo_is_ready(folder)
    assert list(folder.iterdir()) == []
