"""The live ring recorder against real local streams (UDP and HLS) sent by ffmpeg in real time.

The source is a frame-coded 25 fps file with a keyframe every second, sent with ``-re``: the
frame on the wire at monotonic time ``w`` is ``sender.time_on_wire(w) * 25`` (from the
sender's own progress, so a loaded machine that starts it late does not move the truth), and
what a cut holds can be checked against the wall-clock window asked for.
"""

import itertools
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from moments.core.errors import MediaError
from moments.media.capture import save_thumbnail
from moments.media.ring import RingCut, RingRecorder
from tests.support.framecode import decode_array, decode_file, make_coded_video
from tests.support.live import HlsSource, UdpSender

FPS = GOP = 25


@pytest.fixture(scope="module")
def live_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("live")
    return make_coded_video(folder / "live.mp4", fps=FPS, seconds=80, size=(320, 180), gop=GOP).path


def frame_in_clip(cut: RingCut, ring_time: float, folder: Path) -> int | None:
    """The frame code the clip shows at ``ring_time``."""
    picture = save_thumbnail(str(cut.raw_clip), ring_time - cut.raw_offset, folder / "f.jpg")
    return decode_array(np.asarray(Image.open(picture).convert("RGB")))


def wait_until(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_records_a_bounded_ring_and_cuts_what_was_seen(live_file: Path, tmp_path: Path) -> None:
    window, segment = 4.0, 1.0
    with UdpSender(live_file) as sender:
        ring = RingRecorder(sender.url, window=window, segment=segment, read_timeout=3)
        ring.start()
        folder = ring.folder
        assert folder is not None and folder.is_dir()
        most_files = most_bytes = 0
        ends = time.monotonic() + 13  # three times the window and more
        while time.monotonic() < ends:
            files = list(folder.glob("seg*.ts"))
            most_files = max(most_files, len(files))
            most_bytes = max(most_bytes, ring.disk_usage())
            time.sleep(0.2)
        assert ring.state == "recording" and ring.runs == 1
        biggest = max(p.stat().st_size for p in folder.glob("seg*.ts"))
        assert most_files <= window / segment + 3
        assert most_bytes <= (window / segment + 3) * biggest
        oldest, newest = ring.available() or (0.0, 0.0)
        assert time.monotonic() - window - 2 * segment <= oldest < newest

        press = time.monotonic()
        cut = ring.cut(press - 3.0, press, tmp_path / "live moment")
        late = ring.cut(press - 2.0, press, tmp_path / "with latency", latency=1.0)
    assert cut.raw_clip == tmp_path / "live moment.mkv" and cut.raw_clip.is_file()
    codes = decode_file(cut.raw_clip)
    assert None not in codes
    assert codes == list(range(codes[0], codes[0] + len(codes))), "frames missing or repeated"
    assert codes[0] % GOP == 0, "the clip starts on a keyframe"
    # The asked window maps to the frames that were on the wire then, within a GOP.
    assert cut.covered.start <= cut.range.start < cut.range.end <= cut.covered.end
    assert cut.range.end - cut.range.start == pytest.approx(3.0, abs=0.05)
    for ring_time, wall in ((cut.range.start, press - 3.0), (cut.range.end - 0.02, press)):
        expected = sender.time_on_wire(wall) * FPS
        got = frame_in_clip(cut, ring_time, tmp_path)
        assert got is not None and expected - GOP <= got <= expected + 2, (got, expected)
    assert cut.wall == pytest.approx((press - 3.0, press), abs=0.05)
    assert ring.ring_time(press) == pytest.approx(cut.range.end, abs=0.01)
    # The player shows what arrived ``latency`` seconds before: the window moves back as much.
    assert late.range.start == pytest.approx(cut.range.start, abs=0.01)
    assert late.range.end == pytest.approx(cut.range.end - 1.0, abs=0.01)
    ring.close()
    assert not folder.exists()


def test_a_dropped_stream_keeps_the_ring_and_reconnects(live_file: Path, tmp_path: Path) -> None:
    sender = UdpSender(live_file)
    sender.start()
    ring = RingRecorder(sender.url, window=30, segment=1, read_timeout=1.0, backoff=(0.2, 0.5))
    ring.start()
    try:
        wait_until(lambda: len(ring.segments()) >= 3, 15)
        before = ring.segments()
        dropped_at = time.monotonic()
        sender.stop()
        wait_until(lambda: ring.state == "reconnecting", 10)
        runs = ring.runs
        wait_until(lambda: ring.runs >= runs + 2, 10)  # two more tries while the stream is gone
        assert [s.index for s in ring.segments()[: len(before)]] == [s.index for s in before]
        assert all(s.path.is_file() for s in before), "the ring keeps what it has"
        sender.start(at=time.monotonic() - sender.started_at)  # the stream comes back
        wait_until(lambda: ring.segments()[-1].run >= 1 and len(ring.segments()) >= 7, 20)
        assert ring.state == "recording" and ring.runs >= 2
        after = [s for s in ring.segments() if s.run >= 1]
        assert after[0].start > before[-1].end, "ring time keeps going forward"
        assert after[0].wall_start > dropped_at

        cut = ring.cut(before[-1].wall_start, after[1].wall_end, tmp_path / "across", wait=False)
    finally:
        sender.stop()
        ring.close()
    codes = decode_file(cut.raw_clip)
    assert None not in codes
    jumps = [(a, b) for a, b in itertools.pairwise(codes) if b != a + 1]
    assert len(jumps) == 1, "one gap: the time the stream was away"
    ((last_before, first_after),) = jumps
    assert first_after - last_before > 2 * FPS
    assert not ring.folder or not ring.folder.exists()


def test_hls_stream_over_http(live_file: Path, tmp_path: Path) -> None:
    with HlsSource(live_file, tmp_path / "hls") as source:
        with RingRecorder(source.url, window=10, segment=1, read_timeout=3) as ring:
            wait_until(lambda: len(ring.segments()) >= 4, 20)
            press = time.monotonic()
            cut = ring.cut(press - 2.0, press, tmp_path / "hls moment")
            folder = ring.folder
        assert folder is not None and not folder.exists()
    codes = decode_file(cut.raw_clip)
    assert None not in codes and codes == list(range(codes[0], codes[0] + len(codes)))
    # HLS publishes a segment once it is complete: what arrives at w was sent up to ~2 s before.
    expected = (press - source.started_at) * FPS
    got = frame_in_clip(cut, cut.range.end - 0.02, tmp_path)
    assert got is not None and expected - 3 * FPS <= got <= expected + 2, (got, expected)


def test_a_window_the_ring_does_not_hold(live_file: Path, tmp_path: Path) -> None:
    with UdpSender(live_file) as sender, RingRecorder(sender.url, window=5, segment=1) as ring:
        with pytest.raises(MediaError, match="not in the live recording"):
            ring.cut(time.monotonic() - 100, time.monotonic() - 90, tmp_path / "x", wait=False)
        wait_until(lambda: len(ring.segments()) >= 2, 15)
        ring.stop()  # stopped: the segments stay until close, and can still be cut
        newest = ring.segments()[-1]
        cut = ring.cut(newest.wall_start, newest.wall_end, tmp_path / "after stop")
        assert cut.raw_clip.is_file()
        with pytest.raises(MediaError, match="not in the live recording"):
            ring.cut(time.monotonic() - 100, time.monotonic() - 90, tmp_path / "x", wait=False)
    assert list(tmp_path.glob("*.part")) == [] and not (tmp_path / "x.mkv").exists()


def test_unused_recorder_closes_quietly() -> None:
    ring = RingRecorder("udp://127.0.0.1:9")
    ring.close()
    assert ring.available() is None and ring.ring_time(time.monotonic()) is None
