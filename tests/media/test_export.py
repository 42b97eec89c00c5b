"""The export engine on the real ffmpeg, with frame-coded media made at test time."""

import hashlib
import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, ClipError, MediaError, StorageError
from moments.core.framing import Framing, fit_rect
from moments.media.export.engine import ExportRequest, FolderTemplate, Overlay, export
from moments.media.tools import Progress
from tests.media.test_export_support import (
    decodes_cleanly,
    files_in,
    frame_at,
    make_block_png,
    make_noise_video,
    video_stream,
)
from tests.support.disk import run_on_small_disk
from tests.support.framecode import CodedVideo, decode_array, decode_file, make_coded_video


def clip(video: CodedVideo, out: Path, **changes: object) -> ExportRequest:
    base: dict[str, object] = {
        "source": str(video.path),
        "start": 3.5,
        "end": 5.0,
        "destination": FolderTemplate(out),
    }
    return ExportRequest(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end", "first", "last"),
    [(3.5, 5.0, 175, 249), (3.51, 5.005, 175, 250), (0.0, 1.0, 0, 49), (7.02, 7.1, 351, 354)],
)
def test_trim_is_frame_exact_off_keyframes(
    coded_video: CodedVideo, tmp_path: Path, start: float, end: float, first: int, last: int
) -> None:
    result = export(clip(coded_video, tmp_path, start=start, end=end, preset="x"))
    codes = decode_file(result.path)
    assert codes[0] == first and codes[-1] == last
    assert codes == list(range(first, last + 1))
    frames = last - first + 1
    assert result.duration == pytest.approx(frames / 50, abs=1 / 50)
    assert (result.width, result.height) == (640, 360)
    info = video_stream(result.path)
    assert (info["codec_name"], info["profile"], info["pix_fmt"]) == ("h264", "High", "yuv420p")


def test_progress_reaches_the_end_with_an_eta(coded_video: CodedVideo, tmp_path: Path) -> None:
    seen: list[Progress] = []
    export(clip(coded_video, tmp_path, start=1.0, end=9.0), progress=seen.append)
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert any(p.eta_s is not None for p in seen)


def test_overlay_png_appears_where_it_was_drawn(coded_video: CodedVideo, tmp_path: Path) -> None:
    png = make_block_png(tmp_path / "caption.png", (640, 360), (100, 260, 299, 319))
    timed = make_block_png(tmp_path / "timed.png", (640, 360), (400, 260, 499, 319))
    overlays = [Overlay(png), Overlay(timed, 0.5, 1.0)]
    result = export(clip(coded_video, tmp_path / "out", overlays=overlays))
    early, middle = frame_at(result.path, 0.2), frame_at(result.path, 0.7)
    magenta = np.array([255, 0, 255])
    assert np.abs(early[270:310, 110:290].mean(axis=(0, 1)) - magenta).max() < 25
    assert np.abs(early[270:310, 410:490].mean(axis=(0, 1)) - magenta).max() > 100
    assert np.abs(middle[270:310, 410:490].mean(axis=(0, 1)) - magenta).max() < 25
    assert np.abs(early[200:240, 320:380].mean() - 60) < 15  # untouched background


def test_title_and_comment_metadata_keep_hostile_text(
    coded_video: CodedVideo, tmp_path: Path
) -> None:
    text = "a:b 'c' %{pts} \\ [x];[y]\nline two 🎬 -y"
    result = export(clip(coded_video, tmp_path, title=text, comment=text + "\x00"))
    args = ["ffprobe", "-v", "error", "-of", "json", "-show_entries", "format_tags"]
    import subprocess

    tags = json.loads(subprocess.run([*args, str(result.path)], capture_output=True,
                                     text=True, check=True).stdout)["format"]["tags"]  # fmt: skip
    assert tags["title"] == text and tags["comment"] == text


def test_size_cap_lands_within_90_to_100_percent(tmp_path: Path) -> None:
    noisy = make_noise_video(tmp_path / "noise.mp4", seconds=6)
    cap = 400_000
    request = ExportRequest(
        source=str(noisy),
        start=0.5,
        end=5.5,
        preset="discord",
        preset_overrides={"max_size": cap},
        destination=FolderTemplate(tmp_path / "out"),
    )
    result = export(request)
    assert 0.90 * cap <= result.size_bytes <= cap
    assert result.size_bytes == result.path.stat().st_size
    assert result.duration == pytest.approx(5.0, abs=1 / 30)
    assert decodes_cleanly(result.path)
    smaller = export(ExportRequest(**{**request.__dict__, "target_size": 250_000}))
    assert 0.90 * 250_000 <= smaller.size_bytes <= 250_000


def test_gif_webp_and_still(coded_video: CodedVideo, tmp_path: Path) -> None:
    gif = export(clip(coded_video, tmp_path, preset="gif", start=2.0, end=4.0))
    info = video_stream(gif.path)
    assert (info["codec_name"], info["width"], info["height"]) == ("gif", 480, 270)
    assert int(info["nb_frames"] or 30) == pytest.approx(30, abs=1)
    assert gif.path.suffix == ".gif" and decodes_cleanly(gif.path)
    webp = export(clip(coded_video, tmp_path, preset="webp", start=2.0, end=3.0))
    head = webp.path.read_bytes()[:64]
    assert head[:4] == b"RIFF" and head[8:12] == b"WEBP" and b"ANIM" in head
    still = export(clip(coded_video, tmp_path, preset="still", start=3.51))
    assert still.path.suffix == ".png"
    assert decode_file(still.path) == [175]
    jpeg = export(clip(coded_video, tmp_path, preset="still", destination=tmp_path / "x.jpg"))
    assert video_stream(jpeg.path)["codec_name"] == "mjpeg"


def test_crop_and_fit_framing(coded_video: CodedVideo, tmp_path: Path) -> None:
    square = export(clip(coded_video, tmp_path, framing=Framing(aspect="1:1"), preset="x"))
    assert (square.width, square.height) == (360, 360)
    fit = export(clip(coded_video, tmp_path, framing=Framing("9:16", "fit"), preset="tiktok"))
    assert (fit.width, fit.height) == (640, 1136)
    picture = frame_at(fit.path, 0.1)
    x, y, w, h = fit_rect(640, 360, 640, 1136)
    assert (x, y, w, h) == (0, 388, 640, 360)
    assert decode_array(picture[y : y + h, x : x + w]) == 175 + 5  # the whole picture, centred
    assert sharpest_edge(picture[y : y + h]) > 150
    assert sharpest_edge(picture[: y - 20]) < 40  # a blurred copy above


def sharpest_edge(region: np.ndarray) -> int:
    return int(np.abs(np.diff(region.astype(int), axis=1)).max())


def test_an_existing_file_is_never_overwritten(coded_video: CodedVideo, tmp_path: Path) -> None:
    target = tmp_path / "clip.mp4"
    target.write_bytes(b"precious")
    (tmp_path / "clip (2).mp4").write_bytes(b"also precious")
    result = export(clip(coded_video, tmp_path, destination=target))
    assert result.path == tmp_path / "clip (3).mp4"
    assert target.read_bytes() == b"precious"
    assert (tmp_path / "clip (2).mp4").read_bytes() == b"also precious"
    again = export(clip(coded_video, tmp_path / "f"))
    twice = export(clip(coded_video, tmp_path / "f"))
    assert again.path.name == "coded 50fps 00-00-03.500.mp4"
    assert twice.path.name == "coded 50fps 00-00-03.500 (2).mp4"
    assert hashlib.sha256(again.path.read_bytes()).digest()


def test_odd_paths_work(tmp_path: Path) -> None:
    odd = tmp_path / "-ünï côdé 🎬 clip.mp4"
    make_coded_video(odd, fps=25, seconds=3, size=(320, 180))
    out = tmp_path / "-out folder ✨"
    result = export(
        ExportRequest(source=str(odd), start=1.0, end=2.0, destination=FolderTemplate(out))
    )
    assert result.path.parent == out
    assert result.path.name == "-ünï côdé 🎬 clip 00-00-01.000.mp4"
    assert decode_file(result.path) == list(range(25, 50))


def test_cancel_leaves_nothing_behind(coded_video: CodedVideo, tmp_path: Path) -> None:
    token = CancelToken()

    def cancel_midway(p: Progress) -> None:
        if (p.fraction or 0) > 0.1:
            token.cancel()

    out = tmp_path / "out"
    with pytest.raises(CancelledError):
        export(clip(coded_video, out, start=0, end=20, preset="original"),
               progress=cancel_midway, cancel=token)  # fmt: skip
    assert files_in(out) == []


def test_killed_ffmpeg_leaves_nothing_behind(coded_video: CodedVideo, tmp_path: Path) -> None:
    killed = threading.Event()

    def kill_ffmpeg(p: Progress) -> None:
        if (p.fraction or 0) > 0.1 and not killed.is_set():
            for pid in _children("ffmpeg"):
                os.kill(pid, 9)
                killed.set()

    out = tmp_path / "out"
    with pytest.raises(ClipError, match="stopped unexpectedly"):
        export(clip(coded_video, out, start=0, end=20, preset="original"), progress=kill_ffmpeg)
    assert killed.is_set() and files_in(out) == []


def _children(name: str) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            comm = stat.read_text().split("(", 1)[1].rsplit(")", 1)[0]
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid() and comm == name:
            found.append(int(stat.parent.name))
    return found


def test_full_disk_is_a_storage_error_with_nothing_left(
    coded_video: CodedVideo, tmp_path: Path
) -> None:
    code = f"""
        from moments.core.errors import StorageError
        from moments.media.export import ExportRequest, FolderTemplate, export
        request = ExportRequest(source={str(coded_video.path)!r}, start=0, end=20,
                                preset="original", destination=FolderTemplate(DISK))
        try:
            export(request)
            print("exported")
        except StorageError as exc:
            print("StorageError:", exc)
        print(sorted(p.name for p in DISK.iterdir()))
    """
    out = run_on_small_disk(tmp_path / "disk", 96, code)
    assert "StorageError: The disk is full" in out
    assert out.strip().endswith("[]")


def test_a_user_file_named_like_a_work_file_survives_an_export(
    coded_video: CodedVideo, tmp_path: Path
) -> None:
    """Only work files this installation recorded are ever swept (issue 12.4): a user's file
    with a work file's name and a dead pid, or another machine's export in a shared folder,
    stays."""
    theirs = tmp_path / ".moments-export-999999999-dead.mp4"
    theirs.write_bytes(b"a finished clip that happens to have this name")
    export(clip(coded_video, tmp_path))
    assert theirs.read_bytes() == b"a finished clip that happens to have this name"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [theirs.name]


def test_unreadable_sources_and_bad_ranges(coded_video: CodedVideo, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00not a video" * 500)
    with pytest.raises(MediaError):
        export(clip(coded_video, tmp_path / "a", source=str(garbage)))
    with pytest.raises(ClipError, match="end after it starts"):
        export(clip(coded_video, tmp_path / "b", start=4, end=4))
    with pytest.raises(ClipError, match="starts at"):
        export(clip(coded_video, tmp_path / "c", start=25, end=30))
    assert files_in(tmp_path / "a") == files_in(tmp_path / "b") == files_in(tmp_path / "c") == []


def test_unwritable_destination_is_a_storage_error(coded_video: CodedVideo, tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError):
        export(clip(coded_video, blocker / "inside"))
