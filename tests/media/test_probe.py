from pathlib import Path

import pytest

from moments.core.errors import MediaError
from moments.media.probe import probe
from tests.support.framecode import CodedVideo
from tests.support.media import make_audio_only


def test_probe_coded_video(coded_video: CodedVideo) -> None:
    info = probe(str(coded_video.path))
    video = info.primary_video
    assert video is not None
    assert (video.width, video.height) == coded_video.size
    assert video.fps == pytest.approx(50)
    assert info.duration == pytest.approx(20, abs=0.1)
    assert info.audio and info.audio[0].codec == "aac"
    assert info.frame_duration == pytest.approx(0.02)


def test_probe_odd_path(tmp_path: Path) -> None:
    odd = tmp_path / "-leading dash ünïcødé 🎬.m4a"
    make_audio_only(odd)
    info = probe(str(odd))
    assert info.primary_video is None and info.audio


def test_missing_and_garbage_files_read_well(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        probe(str(tmp_path / "gone.mp4"))
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00not a video" * 100)
    with pytest.raises(MediaError, match="could not be read"):
        probe(str(garbage))
    with pytest.raises(MediaError, match="folder"):
        probe(str(tmp_path))


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "size", "rotation"),
    [
        ("issue-134-rotate.mp4", None, 90),
        ("sar_2x1.mp4", (1280, 360), 0),
        ("1080p-portrait-derotated.mp4", (1080, 1920), 0),
        ("hevc.ts", (1920, 1080), 0),
        ("traffic_camera_vfr.mp4", None, 0),
    ],
)
def test_probe_hard_corpus(corpus: Path, name: str, size: tuple[int, int] | None, rotation: int):
    info = probe(str(corpus / "hard" / name))
    video = info.primary_video
    assert video is not None
    if size is not None:
        assert video.display_size == size
    assert video.rotation == rotation
    assert info.duration and info.duration > 0


@pytest.mark.corpus
def test_probe_broken_corpus_never_crashes(corpus: Path) -> None:
    for path in sorted((corpus / "broken").iterdir()):
        try:
            info = probe(str(path))
        except MediaError as exc:
            assert str(exc).startswith(f"“{path.name}”")
        else:
            assert info.video or info.audio
