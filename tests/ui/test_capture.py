"""The Moments button on the real player: what is kept is what was seen, exactly."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from moments.core.edits import kept_range
from moments.core.library import Library
from moments.core.moment import Moment
from moments.media.probe import probe
from moments.ui.moments.capture import Capture
from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.disk import mounted_tmpfs
from tests.support.framecode import CodedVideo, decode_array, decode_file, make_coded_video
from tests.support.media import make_audio_only
from tests.ui.conftest import WindowFactory, screen_code, wait_code, wait_state

BEFORE, AFTER = 3.0, 2.0


def quick(window: MainWindow) -> MainWindow:
    """Shorter moments keep the tests quick; the logic is the same."""
    window.prefs.moment_before_s, window.prefs.moment_after_s = BEFORE, AFTER
    window.prefs.snap_moments = False  # the clock's window; snapping: test_scene_snapping.py
    return window


def watch(qtbot: QtBot, window: MainWindow, video: CodedVideo, *, start: float, until: float):
    window.open(str(video.path), start_at=start)
    wait_state(qtbot, window, PlayerState.PLAYING)
    wait_code(qtbot, window, lambda c: c >= video.frame_at(until), timeout=int(until * 1000) + 8000)


def press_and_wait(qtbot: QtBot, window: MainWindow, press, *, thumbnail=True) -> Capture:
    """Press, wait for the moment to be stored (and by default for its thumbnail)."""
    controller = window.moments.controller
    signal = controller.thumbnail_ready if thumbnail else controller.saved
    with qtbot.waitSignal(signal, timeout=30_000) as done:
        press()
    job = done.args[0]
    assert isinstance(job, Capture) and job.stored is not None
    return job


def seen_two_seconds(qtbot: QtBot, window: MainWindow, video: CodedVideo) -> None:
    """Wait until two seconds more of the stream have been on screen."""
    first = wait_code(qtbot, window, lambda code: code >= 0, timeout=10_000)
    wait_code(qtbot, window, lambda code: code >= first + 2 * video.fps, timeout=10_000)


def library(window: MainWindow) -> Library:
    assert window.moments.library is not None
    return window.moments.library


def check_clip(moment: Moment, video: CodedVideo) -> None:
    """The raw clip holds the range's first and last frames, padded by at most one GOP."""
    assert moment.raw_clip and Path(moment.raw_clip).is_file()
    codes = [c for c in decode_file(Path(moment.raw_clip)) if c is not None]
    first, last = video.frame_at(moment.start), video.frame_at(moment.end - 1e-6)
    assert codes[0] <= first, (codes[0], first)
    assert first - codes[0] <= video.fps, "padded by more than one GOP"
    assert codes[-1] >= last
    assert codes == sorted(codes)


def test_key_and_button_keep_what_was_seen(qtbot: QtBot, window: MainWindow, coded_video):
    quick(window)
    watch(qtbot, window, coded_video, start=5.0, until=9.0)
    shown = screen_code(window)
    job = press_and_wait(qtbot, window, lambda: qtbot.keyClick(window, Qt.Key.Key_C))
    moment = job.stored
    assert moment is not None
    assert window.player.state() == PlayerState.PAUSED  # pause-on-capture, on by default
    assert shown is not None and abs(moment.press_time * coded_video.fps - shown) <= 6
    start, end = kept_range(moment)  # the raw range is wider: room to move the ends
    assert end - start == pytest.approx(BEFORE + AFTER, abs=0.05)
    assert moment.start <= start and moment.end >= end
    check_clip(moment, coded_video)
    assert moment.thumbnail
    from PySide6.QtGui import QImage

    from tests.ui.test_overlay_render import as_array

    thumb_code = decode_array(as_array(QImage(moment.thumbnail))[..., :3])
    assert thumb_code is not None and abs(thumb_code - coded_video.frame_at(moment.press_time)) <= 1
    assert window.toast.isVisible() and window.toast.text.text().startswith("Kept")

    window.player.play()
    wait_code(qtbot, window, lambda c: c > shown + 40)
    button = window.moments.buttons[0]
    assert button.isVisible() and button.text() == "Moment"
    second = press_and_wait(qtbot, window, button.click).stored
    assert second is not None and second.press_time > moment.press_time
    check_clip(second, coded_video)
    assert len(library(window).list_moments()) == 2


def test_two_quick_presses_make_two_correct_moments(qtbot: QtBot, window, coded_video):
    quick(window).prefs.pause_on_capture = False
    watch(qtbot, window, coded_video, start=2.0, until=6.0)
    saved: list[Capture] = []
    window.moments.controller.saved.connect(saved.append)
    window.moments.press()
    pressed_at = window.player.playhead()
    qtbot.waitUntil(lambda: window.player.playhead() >= pressed_at + 0.3)
    window.moments.press()
    qtbot.waitUntil(lambda: len(saved) == 2, timeout=30_000)
    first, second = sorted((job.stored for job in saved), key=lambda m: m.press_time)
    assert 0.2 <= second.press_time - first.press_time <= 0.6
    for moment in (first, second):
        check_clip(moment, coded_video)
    assert first.raw_clip != second.raw_clip


def test_undo_forgets_the_moment_and_its_files(qtbot: QtBot, window, coded_video):
    quick(window)
    watch(qtbot, window, coded_video, start=1.0, until=4.5)
    job = press_and_wait(qtbot, window, window.moments.press)
    files = [Path(job.stored.raw_clip), Path(job.stored.thumbnail)]
    assert all(f.exists() for f in files)
    with qtbot.waitSignal(window.moments.controller.removed, timeout=10_000):
        window.toast.button.click()  # "Undo"
    assert library(window).list_moments() == []
    assert not any(f.exists() for f in files)


def test_library_survives_a_restart_and_my_moments_actions(
    qtbot: QtBot, make_window: WindowFactory, coded_video: CodedVideo, tmp_path: Path
):
    source = tmp_path / "film to move.mp4"
    shutil.copy(coded_video.path, source)
    video = CodedVideo(source, coded_video.fps, coded_video.seconds, coded_video.size)
    first = quick(make_window())
    watch(qtbot, first, video, start=6.0, until=9.5)
    kept = press_and_wait(qtbot, first, first.moments.press).stored
    first.close()

    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    panel = window.moments.panel
    assert panel is not None and window.moments.dock.isVisible()
    qtbot.waitUntil(lambda: panel.list.count() == 1)
    item = panel.list.item(0)
    assert item.text() == kept.title and not item.icon().isNull()

    item.setText("Best bit")  # what editing the item in place does
    qtbot.waitUntil(lambda: library(window).get(kept.id).title == "Best bit")

    panel.play_button.click()  # plays from the moment's start, from the source
    wait_state(qtbot, window, PlayerState.PLAYING)
    assert window.player.location() == str(source)
    kept_start = kept_range(kept)[0]
    wait_code(qtbot, window, lambda c: abs(c - video.frame_at(kept_start)) <= 25)

    source.rename(tmp_path / "moved away.mp4")  # the source is gone: the kept clip plays
    panel.play_button.click()
    wait_state(qtbot, window, PlayerState.PLAYING)
    assert window.player.location() == kept.raw_clip
    # libVLC shows the clip with its own timestamps (source times): it starts at the moment's
    # first frame, not at the keyframe before it that the clip begins with.
    first = wait_code(qtbot, window, lambda c: c > 0)  # 0: the black before the first frame
    assert video.frame_at(kept_start) - 1 <= first <= video.frame_at(kept_start) + 12

    files = [Path(kept.raw_clip), Path(kept.thumbnail)]
    window.open(str(coded_video.path))  # the clip is not in use while it is deleted
    panel.delete_after_ms = 100  # Undo is offered for a while, then it is deleted for good
    panel.delete_button.click()
    qtbot.waitUntil(lambda: library(window).list_moments() == [])
    # The worker deletes the files just after the library row.
    qtbot.waitUntil(lambda: not any(f.exists() for f in files))
    qtbot.waitUntil(lambda: panel.list.count() == 0)
    assert panel.empty.isVisible()


@pytest.mark.parametrize(
    ("start", "expected"), [(0.3, (0.0, 2.3)), (19.3, (16.3, 20.0))], ids=["first", "last"]
)
def test_press_in_the_first_and_last_second(qtbot, window, coded_video, start, expected):
    quick(window)
    window.open(str(coded_video.path), start_at=start)
    wait_state(qtbot, window, PlayerState.PLAYING)
    window.player.pause()
    wait_state(qtbot, window, PlayerState.PAUSED)
    moment = press_and_wait(qtbot, window, window.moments.press).stored
    start, end = kept_range(moment)
    assert start == pytest.approx(expected[0], abs=0.1)
    assert end == pytest.approx(expected[1], abs=0.1)
    check_clip(moment, coded_video)


def test_audio_only_file_gives_an_audio_moment_with_a_still(qtbot, window, tmp_path):
    audio = make_audio_only(tmp_path / "song.m4a", seconds=8)
    quick(window)
    window.open(str(audio), start_at=3.0)
    wait_state(qtbot, window, PlayerState.PLAYING)
    qtbot.waitUntil(lambda: window.player.playhead() >= 4.2)
    moment = press_and_wait(qtbot, window, window.moments.press).stored
    assert moment.raw_clip and Path(moment.raw_clip).stat().st_size > 1000
    assert moment.thumbnail and Path(moment.thumbnail).is_file()


def test_a_vanished_source_is_reported_and_keeps_the_library_unchanged(
    qtbot, window, coded_video, tmp_path
):
    source = tmp_path / "on a usb stick.mp4"
    shutil.copy(coded_video.path, source)
    quick(window)
    window.open(str(source))
    wait_state(qtbot, window, PlayerState.PLAYING)
    qtbot.waitUntil(lambda: window.player.playhead() >= 0.5)
    source.unlink()
    with qtbot.waitSignal(window.moments.controller.failed, timeout=20_000) as failed:
        window.moments.press()
    assert "does not exist" in str(failed.args[1])
    qtbot.waitUntil(window.toast.isVisible)
    assert "could not be kept" in window.toast.text.text()
    assert library(window).list_moments() == []


def test_full_disk_leaves_no_partial_file_and_the_library_unchanged(
    qtbot, make_window: WindowFactory, coded_video, isolated_dirs: Path
):
    with mounted_tmpfs(isolated_dirs / "data" / "moments", size_kb=200) as disk:
        window = quick(make_window())
        window.prefs.moment_before_s = 8.0
        watch(qtbot, window, coded_video, start=1.0, until=9.5)
        with qtbot.waitSignal(window.moments.controller.failed, timeout=30_000) as failed:
            window.moments.press()
        assert "full" in str(failed.args[1]).lower()
        leftovers = [p.name for p in (disk / "moments").iterdir()]
        assert leftovers == [], leftovers
        assert library(window).list_moments() == []
        window.close()


@pytest.mark.corpus
def test_press_on_a_file_that_starts_on_a_delta_frame_keeps_what_decodes(
    qtbot, window, corpus: Path
):
    """A TS whose first 2.1 s of video cannot be decoded (no keyframe before 114.85 s): the
    moment is kept, with the whole sound and the 0.4 s of pictures from the keyframe on."""
    window.open(str(corpus / "broken" / "no-initial-keyframe.ts"))
    wait_state(qtbot, window, PlayerState.PLAYING)
    qtbot.waitUntil(lambda: window.player.playhead() >= 1.0, timeout=10_000)
    outcome: list[object] = []
    window.moments.controller.saved.connect(outcome.append)
    window.moments.controller.failed.connect(lambda _job, error: outcome.append(error))
    window.moments.press()
    qtbot.waitUntil(lambda: bool(outcome), timeout=30_000)
    job = outcome[0]
    assert isinstance(job, Capture) and job.stored is not None, f"not kept: {job}"
    moment = job.stored
    clip = probe(moment.raw_clip)
    assert clip.video and clip.audio
    assert clip.duration is not None and clip.duration > 2.5
    assert decoded_frames(Path(moment.raw_clip)) >= 10


def decoded_frames(path: Path) -> int:
    """How many video frames ffmpeg decodes from ``path``."""
    done = subprocess.run(
        ["ffmpeg", "-v", "quiet", "-i", str(path), "-map", "0:v:0", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return sum(1 for line in done.stdout.splitlines() if line and not line.startswith("#"))


def test_live_stream_moment_is_cut_from_the_ring(qtbot: QtBot, window: MainWindow, tmp_path):
    """A live HLS stream served on 127.0.0.1: the moment holds the frame seen at the press
    and the seconds around it, cut from the ring recorded while it played."""
    from tests.support.framecode import make_coded_video
    from tests.support.live import HlsSource

    video = make_coded_video(tmp_path / "live.mp4", fps=25, seconds=60, size=(320, 180), gop=25)
    quick(window)
    with HlsSource(video.path, tmp_path / "hls") as source:
        window.open(source.url)
        wait_state(qtbot, window, PlayerState.PLAYING, timeout=20_000)
        recorder = window.moments.controller.recorder
        assert recorder is not None
        qtbot.waitUntil(lambda: len(recorder.segments()) >= 3, timeout=20_000)
        seen_two_seconds(qtbot, window, video)
        shown = screen_code(window)
        job = press_and_wait(qtbot, window, window.moments.press)
    moment = job.stored
    assert moment.is_live and moment.source == source.url
    codes = [c for c in decode_file(Path(moment.raw_clip)) if c is not None]
    assert shown is not None and codes[0] <= shown <= codes[-1], (codes[0], shown, codes[-1])
    assert codes[-1] - codes[0] >= (BEFORE + AFTER - 1) * video.fps
    assert shown - codes[0] >= (BEFORE - 1.5) * video.fps  # what was seen before the press
    window.open(str(tmp_path / "live.mp4"))  # leaving the stream removes the ring
    folder = recorder.folder
    qtbot.waitUntil(lambda: folder is not None and not folder.exists(), timeout=10_000)


def test_unicast_udp_plays_through_the_ring_and_keeps_moments(
    qtbot: QtBot, window: MainWindow, tmp_path
):
    """``udp://@:PORT`` (VLC's "listen"): a unicast stream reaches one socket only, so the
    ring receives it and relays it to the player; what is on screen is what is kept."""
    from tests.support.framecode import make_coded_video
    from tests.support.live import UdpSender

    video = make_coded_video(tmp_path / "sent.mp4", fps=25, seconds=60, size=(320, 180), gop=25)
    quick(window)
    sender = UdpSender(video.path)
    url = f"udp://@:{sender.port}"
    window.open(url)
    recorder = window.moments.controller.recorder
    assert recorder is not None and recorder.relay_url is not None
    with sender:
        wait_state(qtbot, window, PlayerState.PLAYING, timeout=20_000)
        qtbot.waitUntil(lambda: len(recorder.segments()) >= 3, timeout=20_000)
        seen_two_seconds(qtbot, window, video)
        shown = screen_code(window)
        job = press_and_wait(qtbot, window, window.moments.press)
    assert window.player.location() == url and window.windowTitle().startswith("@:")
    moment = job.stored
    assert moment.is_live and moment.source == url
    codes = [c for c in decode_file(Path(moment.raw_clip)) if c is not None]
    assert shown is not None and codes[0] <= shown <= codes[-1], (codes[0], shown, codes[-1])


def test_a_kept_clip_plays_from_the_moments_first_frame_when_the_source_is_gone(
    qtbot: QtBot, window: MainWindow, tmp_path
):
    """A keyframe every 10 s: the raw clip starts up to 10 s before the moment, and libVLC
    counts the clip's own timestamps (source times), so playing it must not start there."""
    from tests.support.kept import moment_with_source_gone

    video, moment = moment_with_source_gone(tmp_path)
    window.play_moment(moment)
    wait_state(qtbot, window, PlayerState.PLAYING)
    first = wait_code(qtbot, window, lambda c: c > 0)  # 0: the black before the first frame
    assert video.frame_at(16.0) - 1 <= first <= video.frame_at(16.0) + 12, first


def test_an_hevc_transport_stream_moment_gets_the_frame_seen_not_grey(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """HEVC in MPEG-TS with one keyframe: ffmpeg's seek in the source lands between keyframes
    and the decoder draws grey; the thumbnail comes out right from the kept clip."""
    if (
        "libx265"
        not in subprocess.run(
            ["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True, check=True
        ).stdout
    ):
        pytest.skip("this ffmpeg has no libx265 encoder")
    hevc = make_coded_video(
        tmp_path / "broadcast.ts", fps=25, seconds=8, size=(320, 180), gop=250,
        extra_args=["-c:v", "libx265", "-x265-params", "log-level=error:scenecut=0:bframes=0"],
    )  # fmt: skip
    quick(window).prefs.moment_before_s = 10.0  # the clip is cut from 0
    watch(qtbot, window, hevc, start=0.0, until=2.5)
    job = press_and_wait(qtbot, window, window.moments.press)
    moment = job.stored
    assert moment is not None and moment.thumbnail
    code = decode_array(np.asarray(Image.open(moment.thumbnail).convert("RGB")))
    assert code is not None and abs(code - hevc.frame_at(moment.press_time)) <= 1, code
