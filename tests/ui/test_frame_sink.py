"""libVLC rendering into memory for the editor preview: every frame arrives, in order, at
the picture's display shape, and the interpolated playhead matches the frame delivered."""

from __future__ import annotations

import itertools
from statistics import median

from PySide6.QtCore import QSize
from pytestqt.qtbot import QtBot

from moments.ui.player.frame_sink import FrameSink, fitted_size
from moments.ui.player.player import Player, PlayerState, vlc_arguments
from tests.support.framecode import CodedVideo, decode_pixels


def frame_code(image) -> int | None:
    if image is None:
        return None

    def sample(fx: float, fy: float) -> int:
        return image.pixelColor(int(fx * image.width()), int(fy * image.height())).lightness()

    return decode_pixels(sample)


def test_fitted_size_keeps_the_shape_and_never_scales_up() -> None:
    assert fitted_size(1920, 1080, QSize(960, 540)) == (960, 540)
    assert fitted_size(640, 360, QSize(960, 540)) == (640, 360)
    assert fitted_size(1080, 1920, QSize(1280, 720)) == (404, 720)


def test_frames_arrive_in_order_with_the_playhead(qtbot: QtBot, coded_video: CodedVideo) -> None:
    sink = FrameSink(QSize(960, 540))
    sink.set_display_size(coded_video.size)
    player = Player(vlc_args=vlc_arguments(), frame_sink=sink)
    seen: list[tuple[int | None, float]] = []

    def on_frame() -> None:
        image = sink.image()
        assert image is not None
        seen.append((frame_code(image), player.playhead()))

    sink.frame_ready.connect(on_frame)
    try:
        player.open(str(coded_video.path))
        qtbot.waitUntil(lambda: len(seen) >= 120, timeout=10_000)
        assert player.state() == PlayerState.PLAYING
    finally:
        player.release()
    assert sink.size() == coded_video.size
    codes = [code for code, _ in seen]
    assert None not in codes
    steps = [b - a for a, b in itertools.pairwise(codes)]
    assert all(step >= 0 for step in steps), "frames out of order"
    assert sum(1 for step in steps if step == 1) >= 0.9 * len(steps), "frames skipped"
    errors = [abs(code / coded_video.fps - at) * 1000 for code, at in seen[20:]]
    assert median(errors) < 20


def test_paused_seek_delivers_the_frame(qtbot: QtBot, coded_video: CodedVideo) -> None:
    sink = FrameSink(QSize(640, 360))
    sink.set_display_size(coded_video.size)
    player = Player(vlc_args=vlc_arguments(), frame_sink=sink)
    try:
        player.open(str(coded_video.path))
        qtbot.waitUntil(lambda: player.state() == PlayerState.PLAYING, timeout=10_000)
        player.pause()
        qtbot.waitUntil(lambda: player.state() == PlayerState.PAUSED, timeout=5000)
        qtbot.waitUntil(lambda: not player.is_settling(), timeout=5000)
        player.seek(7.31)
        want = coded_video.frame_at(7.31)
        qtbot.waitUntil(lambda: frame_code(sink.image()) == want, timeout=5000)
    finally:
        player.release()
