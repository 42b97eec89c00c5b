"""Capture costs, against bare ffmpeg measured in the same run.

1. "Press → moment saved": ``media.capture.capture`` of a 15 s window (10 s before the press,
   5 s after) from a generated 2-minute 1080p H.264 + AAC file, with its thumbnail and the
   probe that verifies the clip, versus a bare ``ffmpeg -ss … -i … -t 15 -c copy`` of the
   same window. Target: ≤ 1.3×.
2. The live ring recorder's CPU over ~20 s of a local UDP stream of the same file (ffmpeg
   child from ``/proc/<pid>/stat`` plus this process's own threads), versus a bare
   ``ffmpeg -i udp://… -c copy`` recording the same stream (the sender tees it to both).

Run: ``python -m bench.capture`` from the repository root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from functools import partial
from pathlib import Path

from bench.common import median, scratch, table

FFMPEG = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error"]
PRESSES = (20.0, 33.0, 47.0, 61.0, 74.0, 88.0, 101.0)


def make_film(folder: Path) -> Path:
    film = folder / "film 1080p.mp4"
    cmd = [*FFMPEG, "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=25:d=120"]
    cmd += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:d=120"]
    cmd += ["-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-b:v", "6M"]
    cmd += ["-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-y", str(film)]
    subprocess.run(cmd, check=True)
    return film


def bench_capture(film: Path, folder: Path) -> None:
    from moments.core.moment import SourceRange
    from moments.media.capture import capture, save_thumbnail
    from moments.media.probe import probe

    info = probe(str(film))
    labels = ("bare ffmpeg -ss -i -t 15 -c copy", "capture + thumbnail + verifying probe",
              "  same, source already probed", "  capture without thumbnail",
              "  thumbnail alone (frame at the press)")  # fmt: skip
    times: dict[str, list[float]] = {label: [] for label in labels}
    for press in PRESSES:
        start = press - 10.0
        rng = SourceRange(str(film), start, press + 5.0)
        bare = [*FFMPEG, "-ss", f"{start}", "-i", str(film), "-t", "15", "-map", "0", "-c", "copy"]
        jobs = [
            partial(subprocess.run, [*bare, "-y", str(folder / "bare.mkv")], check=True),
            partial(
                capture, rng, folder / "a", thumbnail_path=folder / "a.jpg", thumbnail_at=press
            ),
            partial(
                capture, rng, folder / "b", info=info, thumbnail_path=folder / "b.jpg",
                thumbnail_at=press,
            ),
            partial(capture, rng, folder / "c"),
            partial(save_thumbnail, str(film), press, folder / "d.jpg"),
        ]  # fmt: skip
        for label, job in zip(labels, jobs, strict=True):
            began = time.perf_counter()
            job()
            times[label].append(time.perf_counter() - began)
        for leftover in folder.glob("[a-d].*"):
            leftover.unlink()
    base = median(times[labels[0]])
    table(
        f"press → moment saved: 15 s of 1080p H.264 (median of {len(PRESSES)})",
        ["job", "seconds", "× bare ffmpeg"],
        [(label, median(values), median(values) / base) for label, values in times.items()],
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_ring(film: Path, folder: Path, seconds: float = 20.0) -> None:
    from moments.media.ring import RingRecorder
    from tests.support.live import free_port

    ports = (free_port(), free_port())
    opts = "?fifo_size=1000000&overrun_nonfatal=1"
    tee = "|".join(f"[f=mpegts]udp://127.0.0.1:{p}?pkt_size=1316" for p in ports)
    send = [*FFMPEG, "-re", "-i", str(film), "-map", "0", "-c", "copy", "-f", "tee", tee]
    record = [*FFMPEG, "-i", f"udp://127.0.0.1:{ports[1]}{opts}", "-map", "0", "-c", "copy"]
    quiet = {"stderr": subprocess.DEVNULL}  # joining mid-GOP, probing logs decode errors
    sender = subprocess.Popen(send, **quiet)
    bare = subprocess.Popen([*record, "-f", "mpegts", "-y", str(folder / "bare.ts")], **quiet)
    ring = RingRecorder(f"udp://127.0.0.1:{ports[0]}{opts}", parent=folder)
    ring.start()
    try:
        deadline = time.monotonic() + 20
        while (not ring.segments() or ring.pid is None) and time.monotonic() < deadline:
            time.sleep(0.1)
        pid = ring.pid
        assert pid is not None, f"the ring did not start: {ring.last_error}"
        ring_before, bare_before = cpu_seconds(pid), cpu_seconds(bare.pid)
        own_before, began = time.process_time(), time.monotonic()
        time.sleep(seconds)
        elapsed = time.monotonic() - began
        ring_cpu = cpu_seconds(pid) - ring_before
        own_cpu = time.process_time() - own_before
        bare_cpu = cpu_seconds(bare.pid) - bare_before
        usage = ring.disk_usage()
        assert ring.runs == 1, f"the ring reconnected: {ring.last_error}"
    finally:
        ring.close()
        for proc in (bare, sender):
            proc.kill()
            proc.wait()
    share = 100 * (ring_cpu + own_cpu) / elapsed
    base = 100 * bare_cpu / elapsed
    table(
        f"live ring recorder, {elapsed:.0f} s of a 6 Mb/s 1080p UDP stream",
        ["recorder", "% of one core", "× bare ffmpeg"],
        [
            ("bare ffmpeg -c copy to one file", base, 1.0),
            ("RingRecorder (ffmpeg + Python)", share, share / base if base else float("nan")),
            ("  of which Python threads", 100 * own_cpu / elapsed, ""),
        ],
    )
    print(f"  ring folder held {usage / 1e6:.1f} MB (window 60 s)")


def main() -> None:
    folder = scratch("capture")
    try:
        film = make_film(folder)
        bench_capture(film, folder)
        bench_ring(film, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
