"""Capturing a Moment's raw clip and thumbnail with the real ffmpeg, read back by frame codes."""

import math
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, ClipError, MediaError, StorageError
from moments.core.moment import SourceRange
from moments.media.capture import RETRY_LEADS_S, capture, save_thumbnail
from moments.media.probe import probe
from moments.media.tools import Progress
from tests.support.framecode import decode_array, decode_file, make_coded_video
from tests.support.live import serve_file_slowly
from tests.support.media import ffmpeg, make_audio_only, make_subtitles

FPS, GOP = 50, 25
START, END = 2.3, 4.1


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """6 s at 50 fps, a keyframe every 25 frames: without and with B-frames, in MP4, MKV, TS."""
    folder = tmp_path_factory.mktemp("capture-media")
    plain = make_coded_video(folder / "gop25.mp4", fps=FPS, seconds=6, size=(320, 180), gop=GOP)
    bframes = make_coded_video(
        folder / "bframes.mp4", fps=FPS, seconds=6, size=(320, 180), gop=GOP,
        extra_args=["-bf", "3"],
    )  # fmt: skip
    found = {"gop25.mp4": plain.path, "bframes.mp4": bframes.path}
    for suffix in ("mkv", "ts"):
        out = folder / f"bframes.{suffix}"
        ffmpeg("-i", str(bframes.path), "-map", "0", "-c", "copy", str(out))
        found[out.name] = out
    return found


def video_offset(path: Path) -> float:
    """Source time of frame 0: first video pts minus the file's start time (TS: ~0.02 s)."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=start_time:format=start_time", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return float(out[0]) - float(out[-1])


def frame_shown(path: Path, t: float) -> int:
    """The frame number on screen at source time ``t``."""
    return math.floor((t - video_offset(path)) * FPS + 1e-6)


def jpeg_code(path: Path) -> int | None:
    return decode_array(np.asarray(Image.open(path).convert("RGB")))


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    """The library's media folder (tmp_path also holds the isolated home folders)."""
    folder = tmp_path / "lib"
    folder.mkdir()
    return folder


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("name", ["gop25.mp4", "bframes.mp4", "bframes.mkv", "bframes.ts"])
def test_raw_clip_covers_the_range_padded_from_the_keyframe_before(
    media: dict[str, Path], lib: Path, name: str
) -> None:
    source = media[name]
    result = capture(SourceRange(str(source), START, END), lib / "moment-1")
    assert result.raw_clip == lib / "moment-1.mkv"
    codes = decode_file(result.raw_clip)
    first, last = frame_shown(source, START), frame_shown(source, END - 1e-4)
    assert None not in codes
    assert codes == list(range(codes[0], codes[0] + len(codes))), "frames missing or repeated"
    assert codes[0] % GOP == 0, "the clip starts on a keyframe"
    # MPEG-TS seeks land after the target; the retry seeks RETRY_LEADS_S[0] earlier.
    pad = GOP if not name.endswith(".ts") else GOP + RETRY_LEADS_S[0] * FPS
    assert first - pad <= codes[0] <= first
    assert codes[-1] >= last
    assert result.has_video and result.thumbnail is None
    assert result.covered.start <= START < END <= result.covered.end
    assert leftovers(lib) == ["moment-1.mkv"]
    # raw_offset maps the clip to the source: source time t is t - raw_offset in the clip.
    for t in (START, 3.0, END - 0.01):
        thumb = save_thumbnail(str(result.raw_clip), t - result.raw_offset, lib / "t.jpg")
        assert jpeg_code(thumb) == frame_shown(source, t)


@pytest.mark.parametrize("name", ["gop25.mp4", "bframes.mp4", "bframes.ts"])
def test_thumbnail_is_the_exact_frame_shown(media: dict[str, Path], lib: Path, name: str) -> None:
    source = media[name]
    for t in (0.0, 0.005, 2.31, 2.32, 3.999, 5.99):
        out = save_thumbnail(str(source), t, lib / "thumb.jpg")
        # Before the first frame (TS with B-frames starts at 0.04 s) the first one is shown.
        assert jpeg_code(out) == max(0, frame_shown(source, t)), f"at {t}"
        assert Image.open(out).size == (320, 180)
    assert leftovers(lib) == ["thumb.jpg"]


def test_capture_with_thumbnail_and_progress(media: dict[str, Path], lib: Path) -> None:
    source = media["gop25.mp4"]
    seen: list[Progress] = []
    result = capture(
        SourceRange(str(source), 0.5, 5.5), lib / "m", thumbnail_path=lib / "m.jpg",
        thumbnail_at=3.01, progress=seen.append,
    )  # fmt: skip
    assert result.thumbnail == lib / "m.jpg"
    assert jpeg_code(result.thumbnail) == 150
    assert seen and seen[-1].fraction == 1.0
    assert all(0.0 <= (p.fraction or 0.0) <= 1.0 for p in seen)
    assert leftovers(lib) == ["m.jpg", "m.mkv"]


def test_odd_paths_and_the_source_going_away(media: dict[str, Path], tmp_path: Path) -> None:
    odd = tmp_path / "-dash ünïcødé 🎬 film.mp4"
    shutil.copy(media["gop25.mp4"], odd)
    folder = tmp_path / "my moments ☆"
    result = capture(
        SourceRange(str(odd), 1.0, 2.0), folder / "-moment 7", thumbnail_path=folder / "-7.jpg",
        thumbnail_at=1.5,
    )  # fmt: skip
    assert result.raw_clip == folder / "-moment 7.mkv"
    assert result.thumbnail is not None and jpeg_code(result.thumbnail) == 75
    odd.unlink()  # a removable drive unplugged, a stream gone
    info = probe(str(result.raw_clip))
    assert info.primary_video is not None and info.audio
    codes = decode_file(result.raw_clip)
    assert codes[0] == 50 and codes[-1] >= 99 and None not in codes
    with pytest.raises(MediaError, match="does not exist"):
        capture(SourceRange(str(odd), 1.0, 2.0), folder / "again")
    assert leftovers(folder) == ["-7.jpg", "-moment 7.mkv"]


def test_url_source_gets_its_thumbnail_from_the_clip(media: dict[str, Path], lib: Path) -> None:
    with serve_file_slowly(media["gop25.mp4"], 20_000_000) as url:
        result = capture(
            SourceRange(url, 2.3, 3.3), lib / "web", thumbnail_path=lib / "web.jpg",
            thumbnail_at=3.01,
        )  # fmt: skip
    assert result.thumbnail is not None and jpeg_code(result.thumbnail) == 150
    codes = decode_file(result.raw_clip)
    assert codes[0] == 100 and codes[-1] >= 164


def test_cancel_mid_way_leaves_nothing(media: dict[str, Path], tmp_path: Path) -> None:
    token = CancelToken()
    folder = tmp_path / "lib"
    folder.mkdir()

    def cancel_once_writing() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not list(folder.glob(".*.part")):
            time.sleep(0.01)
        token.cancel()

    watcher = threading.Thread(target=cancel_once_writing)
    with serve_file_slowly(media["gop25.mp4"], 25_000) as url:
        watcher.start()
        started = time.monotonic()
        with pytest.raises(CancelledError):
            capture(
                SourceRange(url, 0.5, 5.5), folder / "m", thumbnail_path=folder / "m.jpg",
                cancel=token,
            )  # fmt: skip
        watcher.join()
    assert time.monotonic() - started < 10
    assert leftovers(folder) == []


def test_audio_only_moment_gets_a_waveform(lib: Path) -> None:
    tone = make_audio_only(lib / "tone.m4a", seconds=8)
    result = capture(SourceRange(str(tone), 2.0, 5.0), lib / "a", thumbnail_path=lib / "a.jpg")
    assert not result.has_video
    assert result.covered.start <= 2.0 and result.covered.end >= 5.0
    info = probe(str(result.raw_clip))
    assert info.primary_video is None and info.audio
    assert result.thumbnail is not None
    picture = np.asarray(Image.open(result.thumbnail).convert("RGB"))
    assert picture.shape == (180, 320, 3)
    assert picture[..., 1].max() > 150, "the waveform is drawn"


def test_audio_with_cover_art_uses_the_cover(lib: Path) -> None:
    tone = make_audio_only(lib / "tone.m4a", seconds=6)
    covered = lib / "with cover.m4a"
    cover = lib / "cover.png"
    ffmpeg("-f", "lavfi", "-i", "color=c=red:s=64x64", "-frames:v", "1", str(cover))
    ffmpeg(
        "-i", str(tone), "-i", str(cover), "-map", "0", "-map", "1", "-c:a", "copy",
        "-c:v", "mjpeg", "-disposition:v:0", "attached_pic", str(covered),
    )  # fmt: skip
    result = capture(SourceRange(str(covered), 1.0, 3.0), lib / "c", thumbnail_path=lib / "c.jpg")
    assert not result.has_video and result.thumbnail is not None
    red, green, blue = np.asarray(Image.open(result.thumbnail).convert("RGB")).mean(axis=(0, 1))
    assert red > 200 and green < 60 and blue < 60


def test_subtitles_matroska_cannot_take_are_left_out(media: dict[str, Path], lib: Path) -> None:
    srt = make_subtitles(lib / "s.srt", [(0.5, 4.0, "Hello")])
    with_subs = lib / "subs.mp4"
    ffmpeg("-i", str(media["gop25.mp4"]), "-i", str(srt), "-map", "0", "-map", "1",
           "-c", "copy", "-c:s", "mov_text", str(with_subs))  # fmt: skip
    result = capture(SourceRange(str(with_subs), 1.0, 2.0), lib / "m")
    info = probe(str(result.raw_clip))
    assert info.primary_video is not None and info.audio and not info.subtitles


@pytest.mark.corpus
def test_subtitle_tracks_are_kept(corpus: Path, lib: Path) -> None:
    result = capture(SourceRange(str(corpus / "hard" / "test-mkv-multi.mkv"), 1, 3), lib / "m")
    codecs = sorted(s.codec for s in probe(str(result.raw_clip)).subtitles)
    assert codecs == ["ass", "subrip"]


@pytest.mark.corpus
def test_rotation_is_kept(corpus: Path, lib: Path) -> None:
    source = corpus / "hard" / "issue-134-rotate.mp4"
    result = capture(SourceRange(str(source), 5.0, 7.0), lib / "m")
    assert result.raw_clip.suffix == ".mov"
    video = probe(str(result.raw_clip)).primary_video
    assert video is not None and video.rotation == probe(str(source)).primary_video.rotation == 90


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    [
        "invalid_userdata.mp4",
        "chunk_out_of_range.mp4",
        "sample.mkv",
        "crc_element_has_invalid_hash.mkv",
        "100kB-garbage-prefix.mp3",
        "no-initial-keyframe.ts",
    ],
)
@pytest.mark.parametrize(("start", "end"), [(0.0, 3.0), (1.0, 6.0), (300.0, 305.0)])
def test_broken_files_give_a_typed_error_or_a_clean_clip(
    corpus: Path, lib: Path, name: str, start: float, end: float
) -> None:
    source = str(corpus / "broken" / name)
    try:
        result = capture(SourceRange(source, start, end), lib / "m", thumbnail_path=lib / "m.jpg")
    except (MediaError, ClipError) as exc:
        assert str(exc) and "Traceback" not in str(exc)
        assert leftovers(lib) == []
        return
    info = probe(str(result.raw_clip))
    assert info.video or info.audio
    assert result.covered.end > start
    expected = {result.raw_clip.name} | ({"m.jpg"} if result.thumbnail else set())
    assert set(leftovers(lib)) == expected


def test_full_disk_is_a_storage_error_and_leaves_nothing(
    media: dict[str, Path], tiny_disk: Path
) -> None:
    stat = os.statvfs(tiny_disk)
    room = stat.f_bavail * stat.f_frsize
    (tiny_disk / "filler").write_bytes(b"\0" * max(0, room - 24_000))
    with pytest.raises(StorageError, match="disk is full"):
        capture(
            SourceRange(str(media["gop25.mp4"]), 0.0, 5.5), tiny_disk / "m",
            thumbnail_path=tiny_disk / "m.jpg", thumbnail_at=1.0,
        )  # fmt: skip
    assert leftovers(tiny_disk) == ["filler"]


def test_missing_source_and_folder_read_well(lib: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        capture(SourceRange(str(lib / "gone.mp4"), 0, 1), lib / "m")
    with pytest.raises(MediaError, match="folder"):
        save_thumbnail(str(lib), 0, lib / "t.jpg")
    assert leftovers(lib) == []


def test_a_range_past_the_end_is_a_media_error(media: dict[str, Path], lib: Path) -> None:
    with pytest.raises(MediaError, match="ends before"):
        capture(SourceRange(str(media["gop25.mp4"]), 30.0, 35.0), lib / "m")
    assert leftovers(lib) == []


def test_the_b_frame_fixture_has_b_frames(media: dict[str, Path]) -> None:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=has_b_frames", "-of", "csv=p=0", str(media["bframes.mp4"])],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert int(out.strip()) > 0


def test_a_transport_stream_with_a_long_gop_still_gives_the_clip(tmp_path: Path, lib: Path) -> None:
    """One keyframe, long before the range: the cut from the range start holds nothing (the
    copy waits for a keyframe that never comes); the cut from earlier has it all."""
    long_gop = make_coded_video(
        tmp_path / "long gop.mp4", fps=FPS, seconds=8, size=(320, 180), gop=1000
    )
    source = tmp_path / "long gop.ts"
    ffmpeg("-i", str(long_gop.path), "-map", "0", "-c", "copy", str(source))
    result = capture(SourceRange(str(source), 5.0, 7.0), lib / "moment-1")
    codes = decode_file(result.raw_clip)
    assert codes[0] == 0 and None not in codes
    assert codes[-1] >= frame_shown(source, 7.0 - 1e-4)
    assert leftovers(lib) == ["moment-1.mkv"]
