"""The in-process read-back of a raw clip says what ffprobe says, or steps aside."""

import json
import subprocess
from pathlib import Path

import pytest

from moments.core.moment import SourceRange
from moments.media.capture import _parse_clip_probe, capture, probe_clip
from moments.media.matroska_read import NotPlain, ffprobe_like
from tests.support.media import corpus_dir, ffmpeg

ENTRIES = "format=start_time:stream=index,codec_type:stream_disposition=attached_pic"
ENTRIES += ":packet=stream_index,pts_time,duration_time"


def ffprobe_reads(path: Path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_entries", ENTRIES, str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return _parse_clip_probe(json.loads(out))


def lavfi_film(path: Path, video: list[str], audio: list[str], seconds: int = 12) -> Path:
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=s=320x180:r=30000/1001:d={seconds}",
        "-f", "lavfi", "-i", f"sine=d={seconds}", *video, *audio, "-shortest", str(path),
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("mkv-read")
    h264 = ["-c:v", "libx264", "-bf", "3", "-g", "60", "-pix_fmt", "yuv420p"]
    return {
        "bframes": lavfi_film(folder / "b frames.mp4", h264, ["-c:a", "aac"]),
        "opus": lavfi_film(folder / "opus.mkv", h264, ["-c:a", "libopus"]),
        "mp3 only": lavfi_film(folder / "sound.mkv", ["-vn"], ["-c:a", "libmp3lame"]),
    }


@pytest.mark.parametrize("start", [0.0, 3.37, 9.5])
def test_a_plain_clip_reads_as_ffprobe_reads_it(sources, tmp_path, start):
    clip = capture(SourceRange(str(sources["bframes"]), start, start + 2.0), tmp_path / "m")
    assert ffprobe_reads(clip.raw_clip) == _parse_clip_probe(ffprobe_like(clip.raw_clip))
    assert clip.raw_offset == pytest.approx(ffprobe_reads(clip.raw_clip).start_time)


@pytest.mark.parametrize("name", ["opus", "mp3 only"])
def test_what_it_cannot_answer_for_goes_to_ffprobe(sources, tmp_path, name):
    clip = capture(SourceRange(str(sources[name]), 2.0, 4.0), tmp_path / "m")
    with pytest.raises(NotPlain):
        ffprobe_like(clip.raw_clip)
    assert probe_clip(clip.raw_clip) == ffprobe_reads(clip.raw_clip)


def test_other_containers_and_damage_are_not_plain(sources, tmp_path):
    mov = tmp_path / "clip.mov"
    ffmpeg("-i", str(sources["bframes"]), "-t", "1", "-c", "copy", str(mov))
    cut = tmp_path / "cut.mkv"
    ffmpeg("-i", str(sources["bframes"]), "-t", "2", "-c", "copy", str(cut))
    truncated = tmp_path / "truncated.mkv"
    truncated.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    empty = tmp_path / "empty.mkv"
    empty.write_bytes(b"")
    for path in (mov, truncated, empty):
        with pytest.raises(NotPlain):
            ffprobe_like(path)
    assert probe_clip(mov) == ffprobe_reads(mov)


@pytest.mark.skipif(corpus_dir() is None, reason="../shared/media is not here")
@pytest.mark.parametrize(
    "name", ["hard/traffic_camera_vfr.mp4", "hard/sar_2x1.mp4", "hard/trim-buck-bunny.webm",
             "scenes/testvideo.mp4", "subtitles/friday.mp4"],
)  # fmt: skip
def test_real_files_cut_read_the_same(tmp_path, name):
    source = corpus_dir() / name
    clip = capture(SourceRange(str(source), 1.0, 3.0), tmp_path / "m")
    assert ffprobe_reads(clip.raw_clip) == _parse_clip_probe(ffprobe_like(clip.raw_clip))
