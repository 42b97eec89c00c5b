"""Filmstrip costs, against bare ffmpeg measured in the same run.

20 thumbnails 160 px high of a 20 s moment of a generated 1080p H.264 file:

- ``media.filmstrip.make_filmstrip``, cold (empty cache) and cached, versus the bare command
  one would type for the same frames: ``ffmpeg -ss S -t 20 -i film -vf fps=1,scale=-2:160
  -frames:v 20 out%02d.jpg`` (target: ≤ 1.15× cold);
- the same frames taken one ffmpeg run per thumbnail (``-ss t -frames:v 1``), the way many
  players do it;
- the bare command writing raw RGB, PNG or JPEG to a pipe, or JPEG files: which output is
  cheapest (decoding dominates).

Run: ``python -m bench.filmstrip`` from the repository root.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import median, scratch, table

FFMPEG = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error"]
MOMENTS = (4.0, 11.0, 18.0)
"""Starts of the 20 s moments, in a 40 s film."""
LENGTH, COUNT, HEIGHT = 20.0, 20, 160


def make_film(folder: Path) -> Path:
    film = folder / "film 1080p.mp4"
    cmd = [*FFMPEG, "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=25:d=40"]
    cmd += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:d=40"]
    cmd += ["-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-b:v", "6M"]
    cmd += ["-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-y", str(film)]
    subprocess.run(cmd, check=True)
    return film


def _bare(film: Path, start: float, output: list[str]) -> None:
    step = LENGTH / COUNT
    cmd = [*FFMPEG, "-ss", f"{start}", "-t", f"{LENGTH}", "-i", str(film), "-map", "0:v:0"]
    cmd += ["-vf", f"fps=1/{step},scale=-2:{HEIGHT}", "-frames:v", str(COUNT), *output]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def _per_thumbnail(film: Path, start: float, folder: Path) -> None:
    for i in range(COUNT):
        at = start + i * LENGTH / COUNT
        cmd = [*FFMPEG, "-ss", f"{at}", "-i", str(film), "-map", "0:v:0", "-frames:v", "1"]
        cmd += ["-vf", f"scale=-2:{HEIGHT}", "-y", str(folder / f"one{i:02d}.jpg")]
        subprocess.run(cmd, check=True)


def _timed(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def bench_filmstrip(film: Path, folder: Path) -> None:
    from moments.media.filmstrip import make_filmstrip
    from moments.media.filmstrip_cache import FilmstripCache

    pipe = ["-f", "image2pipe", "pipe:1"]
    fresh = itertools.count()
    jobs: dict[str, Callable[[float], object]] = {
        "bare ffmpeg fps=1,scale → 20 JPEG files": lambda s: _bare(
            film, s, ["-y", str(folder / "bare%02d.jpg")]
        ),
        "make_filmstrip, cold (empty cache)": lambda s: make_filmstrip(
            str(film), s, s + LENGTH, COUNT, height=HEIGHT,
            cache=FilmstripCache(folder / f"cold-{next(fresh)}"),
        ),
        "make_filmstrip, cached": lambda s: make_filmstrip(
            str(film), s, s + LENGTH, COUNT, height=HEIGHT, cache=FilmstripCache(folder / "c")
        ),
        "one ffmpeg run per thumbnail (20 runs)": lambda s: _per_thumbnail(film, s, folder),
        "bare, MJPEG to a pipe (what we run)": lambda s: _bare(
            film, s, ["-c:v", "mjpeg", "-q:v", "4", *pipe]
        ),
        "bare, raw RGB to a pipe": lambda s: _bare(
            film, s, ["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]
        ),
        "bare, PNG to a pipe": lambda s: _bare(film, s, ["-c:v", "png", *pipe]),
    }  # fmt: skip
    for start in MOMENTS:  # fill the cache the "cached" row reads
        make_filmstrip(str(film), start, start + LENGTH, COUNT, height=HEIGHT,
                       cache=FilmstripCache(folder / "c"))  # fmt: skip
    times: dict[str, list[float]] = {label: [] for label in jobs}
    for _ in range(2):
        for start in MOMENTS:
            for label, job in jobs.items():
                times[label].append(_timed(lambda job=job, start=start: job(start)))
    base = median(times[next(iter(jobs))])
    table(
        f"filmstrip: {COUNT} thumbnails {HEIGHT} px high of a 20 s moment of 1080p H.264 "
        f"(median of {len(times[next(iter(jobs))])})",
        ["job", "seconds", "× bare ffmpeg"],
        [(label, median(values), median(values) / base) for label, values in times.items()],
    )


def main() -> None:
    folder = scratch("filmstrip")
    try:
        film = make_film(folder)
        bench_filmstrip(film, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
