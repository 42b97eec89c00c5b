"""Shared fixtures: every test gets its own data/config/cache/log folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.disk import mounted_tmpfs
from tests.support.framecode import CodedVideo, make_coded_video
from tests.support.media import corpus_dir
from tests.support.scenes import SceneFilm, make_scene_film


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for name, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        folder = home / sub
        folder.mkdir(parents=True)
        monkeypatch.setenv(name, str(folder))
    # Where exports go by default (~/Videos/Moments): never the real one.
    monkeypatch.setenv("XDG_VIDEOS_DIR", str(home / "videos"))
    # No sound card in CI; a dummy output keeps libVLC's clock and stderr calm.
    monkeypatch.setenv("MOMENTS_VLC_ARGS", "--aout=adummy")
    return home


@pytest.fixture(scope="session")
def coded_video(tmp_path_factory: pytest.TempPathFactory) -> CodedVideo:
    """20 s, 50 fps, 640x360, keyframe every second, frame number coded in each frame."""
    folder = tmp_path_factory.mktemp("coded")
    return make_coded_video(folder / "coded 50fps.mp4")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared real-media corpus. It is not part of the repository (others' files); where
    it is not installed at all, its tests are skipped and say so in the summary."""
    found = corpus_dir()
    if found is None:
        pytest.skip("shared media corpus not found: set MOMENTS_CORPUS=/path/to/shared/media")
    return found


@pytest.fixture(scope="session")
def long_video(tmp_path_factory: pytest.TempPathFactory) -> CodedVideo:
    """90 s, 25 fps, 320x180: long enough for minute jumps and resume points."""
    folder = tmp_path_factory.mktemp("long")
    return make_coded_video(folder / "long film.mp4", fps=25, seconds=90, size=(320, 180), gop=50)


@pytest.fixture(scope="session")
def scene_film(tmp_path_factory: pytest.TempPathFactory) -> SceneFilm:
    """24 s, 25 fps, 320x180: cuts, a near-identical cut, dissolves, fades, a 2-frame white
    flash and a fast pan, with the exact frames of each (``tests/support/scenes.py``)."""
    folder = tmp_path_factory.mktemp("scenes")
    return make_scene_film(folder / "scene film.mp4")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 300 kB tmpfs, so "disk full" is real (skipped where it cannot be mounted)."""
    with mounted_tmpfs(tmp_path / "tiny", size_kb=300) as disk:
        yield disk
