"""How far the reported time is from the frame on screen: raw libVLC ``get_time()`` (the
baseline) versus ``Player.playhead()``, sampled together during playback of a 50 fps
frame-coded video. Needs a display (``make bench`` provides Xvfb)."""

from __future__ import annotations

import os
import time

from bench.common import median, percentile, scratch, table


def measure(seconds: float = 12.0) -> dict[str, list[float]]:
    os.environ.setdefault("MOMENTS_VLC_ARGS", "--aout=adummy")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from moments.ui.player.player import Player, PlayerState
    from moments.ui.player.video_view import VideoView
    from tests.support.framecode import decode_pixels, make_coded_video

    app = QApplication.instance() or QApplication([])
    video = make_coded_video(scratch("playhead") / "coded.mp4", fps=50, seconds=seconds + 4)
    view = VideoView()
    view.resize(640, 360)
    view.show()
    player = Player()
    player.attach_window(int(view.winId()))
    player.open(str(video.path))
    screen = app.primaryScreen()
    errors: dict[str, list[float]] = {"get_time": [], "playhead": []}

    def sample() -> None:
        if player.state() != PlayerState.PLAYING or player.playhead() < 1.0:
            return
        before = time.monotonic()
        raw = player._mp.get_time() / 1000.0  # the baseline: what libVLC itself reports
        ours_before = player.playhead()
        image = screen.grabWindow(int(view.winId())).toImage()
        ours_after = player.playhead()
        code = decode_pixels(
            lambda fx, fy: image.pixelColor(
                int(fx * image.width()), int(fy * image.height())
            ).lightness()
        )
        if code is None or time.monotonic() - before > 0.02:
            return
        shown = (code + 0.5) / video.fps
        errors["get_time"].append(abs(raw - shown))
        errors["playhead"].append(abs((ours_before + ours_after) / 2 - shown))

    timer = QTimer()
    timer.timeout.connect(sample)
    timer.start(23)
    loop = QEventLoop()
    QTimer.singleShot(int((seconds + 1) * 1000), loop.quit)
    loop.exec()
    timer.stop()
    player.release()
    view.close()
    return errors


def main() -> None:
    errors = measure()
    raw, ours = errors["get_time"], errors["playhead"]
    rows = [
        ["libVLC get_time() (baseline)", median(raw) * 1000, percentile(raw, 0.9) * 1000, len(raw)],
        ["Player.playhead()", median(ours) * 1000, percentile(ours, 0.9) * 1000, len(ours)],
    ]
    table("Playhead vs frame on screen (ms)", ["clock", "median", "p90", "samples"], rows)
    print(
        f"  ratio median error playhead/get_time: {median(ours) / median(raw):.3f}"
        f"  (target: playhead median <= 20 ms)"
    )


if __name__ == "__main__":
    main()
