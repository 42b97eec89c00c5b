"""The editor in the real window, against raw libVLC in the same run.

- press → editor window shown, and press → first preview frame painted (target ≤ 150 ms),
  on a 1080p H.264 film (a keyframe every 2 s);
- baseline: a bare libVLC player rendering into memory, from ``play()`` to its first frame,
  opened at each moment's start (libVLC decodes from the keyframe before it, so the start
  decides most of the time);
- the longest GUI event-loop stall while the editor opens (filmstrip, probe and subtitles run
  in workers).

Needs a display (``make bench`` provides Xvfb).
"""

from __future__ import annotations

import os
import time

from bench.capture_ui import _film, _isolate, _StallProbe
from bench.common import median, scratch, table


def main(presses: int = 5) -> None:
    from PySide6.QtCore import QEventLoop, QSize, QTimer
    from PySide6.QtWidgets import QApplication

    folder = scratch("editor")
    _isolate(folder)
    app = QApplication.instance() or QApplication([])
    from moments.core.paths import AppDirs
    from moments.core.settings import Preferences
    from moments.ui.player.frame_sink import FrameSink
    from moments.ui.player.player import Player, PlayerState, vlc_arguments
    from moments.ui.player.window import MainWindow

    film = _film(folder)

    def wait(condition, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError("timed out")
            loop = QEventLoop()
            QTimer.singleShot(1, loop.quit)
            loop.exec()

    def settle(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def bare_first_frame(start: float) -> float:
        sink = FrameSink(QSize(1280, 720))
        sink.set_display_size((1920, 1080))
        player = Player(vlc_args=vlc_arguments(["--no-spu"]), frame_sink=sink)
        began = time.perf_counter()
        player.open(str(film), start_at=start)
        wait(lambda: sink.frames_shown > 0)
        elapsed = (time.perf_counter() - began) * 1000
        player.release()
        settle(200)
        return elapsed

    prefs = Preferences(pause_on_capture=True, edit_on_capture=True)
    window = MainWindow(AppDirs.from_environment().ensure(), prefs)
    window.resize(960, 640)
    window.show()
    window.open(str(film))
    wait(lambda: window.player.state() == PlayerState.PLAYING)
    settle(11_000)
    shown_ms, frame_ms, stalls, starts = [], [], [], []
    for _ in range(presses):
        probe = _StallProbe()
        probe.start()
        started = time.perf_counter()
        job = window.moments.press()
        assert job is not None
        starts.append(job.moment.start)
        editor = window.moments._pending_editors[id(job)]
        app.processEvents()
        shown_ms.append((time.perf_counter() - started) * 1000 if editor.isVisible() else 1e9)
        wait(lambda editor=editor: editor.preview.frame() is not None)
        frame_ms.append((time.perf_counter() - started) * 1000)
        settle(1500)
        probe.stop()
        stalls.append(probe.longest * 1000)
        wait(lambda job=job: job.stored is not None)
        editor.close()
        settle(300)
        window.player.play()
        settle(3000)
    window.close()
    settle(300)
    # the same starts: decoding from the keyframe before each one is what libVLC must do
    bare_ms = [bare_first_frame(start) for start in starts]
    rows = [
        ["press → editor shown (ms)", median(shown_ms), max(shown_ms), "≤ 150"],
        ["press → first preview frame (ms)", median(frame_ms), max(frame_ms), "≤ 150"],
        ["bare libVLC play → first frame in memory (ms)", median(bare_ms), max(bare_ms), ""],
        ["  ratio preview / bare", median(frame_ms) / median(bare_ms), "", ""],
        ["longest GUI stall while opening (ms)", median(stalls), max(stalls), "≤ 50"],
    ]
    table("Capture → editor (median, worst)", ["", "median", "worst", "target"], rows)


if __name__ == "__main__":
    os.environ.setdefault("MOMENTS_VLC_ARGS", "--aout=adummy")
    main()
