"""Cold start: process start to the first frame on screen, for ``moments FILE`` versus a
minimal raw python-vlc + Qt player (the baseline), measured the same way: a watcher grabs
the screen every few ms and looks for the video's solid colour."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from bench.common import REPO, median, scratch, table

RAW_PLAYER = textwrap.dedent(
    """
    import sys, vlc
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWidget
    app = QApplication(sys.argv)
    w = QWidget(); w.setAttribute(Qt.WidgetAttribute.WA_NativeWindow); w.resize(960, 540); w.show()
    inst = vlc.Instance(["--no-xlib", "--quiet", "--aout=adummy"])
    mp = inst.media_player_new(); mp.set_xwindow(int(w.winId()))
    mp.set_media(inst.media_new_path(sys.argv[1])); mp.play()
    app.exec()
    """
)


def _magenta_video(folder: Path) -> Path:
    path = folder / "magenta.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=0xff00ff:s=640x360:d=8",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        check=True,
    )
    return path


def _time_to_first_frame(cmd: list[str], env: dict[str, str], timeout: float = 30.0) -> float:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    screen = app.primaryScreen()
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - start < timeout:
            image = screen.grabWindow(0).toImage().scaled(128, 80)
            hits = 0
            for y in range(0, 80, 4):
                for x in range(0, 128, 4):
                    c = image.pixelColor(x, y)
                    if c.red() > 200 and c.blue() > 200 and c.green() < 60:
                        hits += 1
            if hits >= 20:
                return time.monotonic() - start
            time.sleep(0.005)
        raise RuntimeError(f"no frame within {timeout} s: {cmd}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        time.sleep(0.5)


def main(repeats: int = 3) -> None:
    folder = scratch("startup")
    video = _magenta_video(folder)
    raw_script = folder / "raw_player.py"
    raw_script.write_text(RAW_PLAYER)
    ours, raw = [], []
    for _ in range(repeats):
        home = Path(tempfile.mkdtemp(dir=folder))
        env = {**os.environ, "MOMENTS_VLC_ARGS": "--aout=adummy"}
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[name] = str(home / name.lower())
        env["PYTHONPATH"] = str(REPO / "app")
        ours.append(_time_to_first_frame([sys.executable, "-m", "moments", str(video)], env))
        raw.append(_time_to_first_frame([sys.executable, str(raw_script), str(video)], env))
    rows = [
        ["raw python-vlc + Qt (baseline)", median(raw), min(raw), max(raw)],
        ["moments FILE", median(ours), min(ours), max(ours)],
    ]
    table(
        "Cold start: process start to first frame on screen (s)",
        ["program", "median", "min", "max"],
        rows,
    )
    print(f"  ratio moments/raw: {median(ours) / median(raw):.2f}")


if __name__ == "__main__":
    main()
