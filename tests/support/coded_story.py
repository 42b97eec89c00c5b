"""Stories over frame-coded film (``framecode.py``): the film, story documents over it, and
which segment the screen showed, read from the codes (``screen_strip.py`` runs)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from tests.support.framecode import make_coded_video
from tests.support.screen_strip import Run

FPS = 25
SIZE = (640, 360)

SEGMENTS = {
    "intro": (0, 3000),
    "left": (4000, 6000),
    "right": (7000, 9000),
    "home": (10000, 12000),
    "lost": (13000, 14200),
}
"""A choice in ``intro``: left → home (the end), right → lost (a false ending that goes back
to the choice). Media times in ms, whole frames at 25 fps."""


def make_film(folder: Path, segments: dict[str, tuple[int, int]] = SEGMENTS) -> Path:
    """A frame-coded film with a keyframe at every segment start, a second past the last."""
    starts = ",".join(f"{start / 1000:.3f}" for start, _ in segments.values())
    seconds = max(end for _, end in segments.values()) / 1000 + 1
    path = folder / "coded story.mp4"
    make_coded_video(
        path, fps=FPS, seconds=seconds, size=SIZE, gop=250, extra_args=["-force_key_frames", starts]
    )
    return path


def cut_segment_files(film: Path, segments: dict[str, tuple[int, int]]) -> dict[str, Path]:
    """One file per segment, cut from ``film`` (its frames keep their codes)."""
    files = {}
    for name, (start, end) in segments.items():
        out = film.with_name(f"{name}.mp4")
        cmd = ["ffmpeg", "-v", "error", "-y", "-ss", f"{start / 1000:.3f}", "-i", str(film)]
        cmd += ["-t", f"{(end - start) / 1000:.3f}", "-c:v", "libx264", "-preset", "veryfast"]
        cmd += ["-bf", "0", "-c:a", "aac", str(out)]
        subprocess.run(cmd, check=True)
        files[name] = out
    return files


def ways_doc(**choice: Any) -> dict[str, Any]:
    """The story over ``SEGMENTS``; ``choice`` overrides the choice's keys."""
    segments: dict[str, dict[str, Any]] = {
        name: {"start": start, "end": end, "title": name.title()}
        for name, (start, end) in SEGMENTS.items()
    }
    segments["intro"]["choice"] = "way"
    segments["left"]["next"] = "home"
    segments["right"]["next"] = "lost"
    segments["home"]["ending"] = {"title": "Home", "kind": "credits"}
    segments["lost"]["ending"] = {"title": "Lost", "kind": "go_back"}
    way = {
        "prompt": "Which way?",
        "appear": -2000,
        "default": 0,
        "options": [{"label": "Left", "target": "left"}, {"label": "Right", "target": "right"}],
    }
    way.update(choice)
    return {
        "format": 1,
        "title": "Ways",
        "id": "tests-ways",
        "media": "coded story.mp4",
        "start": "intro",
        "segments": segments,
        "choices": {"way": way},
    }


def write_story(folder: Path, doc: dict[str, Any], name: str = "ways.story.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def segment_of(code: int, segments: dict[str, tuple[int, int]] = SEGMENTS) -> str:
    ms = code * 1000 / FPS
    return next((n for n, (a, b) in segments.items() if a <= ms < b), "elsewhere")


def segments_seen(
    runs: list[Run], segments: dict[str, tuple[int, int]] = SEGMENTS, *, fps: int = FPS
) -> list[str]:
    """The segments the screen showed, in order (a frame or less of anything between two
    segments, as a switch within the target may show, is not counted)."""
    seen: list[str] = []
    for run in runs:
        if run.code is None or (run.code == 0 and not seen):
            continue
        name = segment_of(run.code, segments)
        if name == "elsewhere" and run.last - run.first < 0.5 / fps:
            continue
        if not seen or seen[-1] != name:
            seen.append(name)
    return seen


def picture_rect(widget: QWidget, aspect: float = SIZE[0] / SIZE[1]) -> tuple[int, int, int, int]:
    """Where libVLC puts a picture of ``aspect`` in ``widget`` (letterboxed), on the screen."""
    w, h = widget.width(), widget.height()
    if w / h > aspect:
        pw = round(h * aspect)
        rect = QRect((w - pw) // 2, 0, pw, h)
    else:
        ph = round(w / aspect)
        rect = QRect(0, (h - ph) // 2, w, ph)
    top_left = widget.mapToGlobal(rect.topLeft())
    return top_left.x(), top_left.y(), rect.width(), rect.height()
