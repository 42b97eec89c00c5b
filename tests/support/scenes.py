"""A synthetic film with exact shot-change ground truth, made with ffmpeg at test time.

Shots come from lavfi sources (moving patterns, grain, the game of life, a scrolling
automaton, a fast pan over a wide picture); they are joined by hard cuts, a cut between two
near-identical framings of the same shot, dissolves (``xfade=fade``), fades through black
(``xfade=fadeblack``, and a fade out, black hold, fade in) — and, inside shots, a 2-frame
white flash and a fast pan that are *not* shot changes. ``bench/scenes.py`` makes the same
film at 1080p.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

FPS = 25


@dataclass(frozen=True)
class Truth:
    """One expected shot change: ``frame`` is the first frame of the new shot (of the span,
    for gradual ones); ``last`` the first frame after the span (== frame for a cut)."""

    kind: str
    frame: int
    last: int
    label: str = ""


@dataclass(frozen=True)
class Decoy:
    """Frames ``first``…``last`` (inclusive) must not give a shot change: a flash, a pan."""

    kind: str
    first: int
    last: int


@dataclass
class SceneFilm:
    path: Path
    fps: int
    frames: int
    truths: list[Truth] = field(default_factory=list)
    decoys: list[Decoy] = field(default_factory=list)


def _sources(width: int, height: int) -> dict[str, str]:
    size = f"s={width}x{height}:r={FPS}"
    wide = f"s={width * 3}x{height}:r={FPS}"
    speed = width * 2 // 25 * FPS  # 8 % of the width a frame: a whip pan
    return {
        "pattern": f"testsrc2={size}",
        "pattern-closer": f"testsrc2={size},crop=iw*0.8:ih*0.8:iw*0.1:ih*0.05,"
        f"scale={width}:{height}",
        "pattern-warm": f"testsrc2={size},hue=h=35:s=1.3",
        "grain": f"smptehdbars={size},noise=alls=25:allf=t+u",
        "life": f"life={size}:mold=10:ratio=0.2:life_color=#f0d070:death_color=#203050",
        "gradients": f"gradients={size}:speed=0.03:seed=7",
        "automaton": f"cellauto={size}:rule=30:scroll=1,hue=h=200:s=2",
        "pan": f"testsrc={wide},crop={width}:{height}:x='min(t*{speed},{width * 2})':y=0",
        "bars": f"rgbtestsrc={size},noise=alls=10:allf=t",
    }


SCRIPT: list[tuple[str, int, str, int]] = [
    # (source, frames, transition into the next shot, its frames)
    ("pattern", 50, "cut", 0),
    ("grain", 50, "cut", 0),
    ("life", 50, "cut", 0),
    ("pattern", 50, "cut", 0),
    ("pattern-closer", 50, "dissolve", 25),
    ("gradients", 75, "fadeblack", 30),
    ("automaton", 62, "cut", 0),
    ("pan", 50, "cut", 0),
    ("bars", 60, "dissolve", 20),
    ("pattern-warm", 62, "hold", 16),
    ("life", 62, "cut", 0),
    ("grain", 38, "end", 0),
]
FLASH_IN_SHOT = 8
"""The flash: 2 white frames one second into this shot (``bars``)."""
PAN_SHOT = 7


def make_scene_film(path: Path, width: int = 320, height: int = 180, *,
                    crf: int = 23, preset: str = "veryfast") -> SceneFilm:  # fmt: skip
    """Write the film to ``path`` (H.264, 25 fps) and return it with its ground truth."""
    sources = _sources(width, height)
    inputs: list[str] = []
    graph: list[str] = []
    for i, (name, count, kind, fade) in enumerate(SCRIPT):
        inputs += ["-f", "lavfi", "-i", f"{sources[name]}"]
        chain = f"[{i}:v]trim=end_frame={count},setpts=PTS-STARTPTS,format=yuv420p"
        if kind == "hold":  # fade out over a third, black a third, fade in a third
            chain += f",fade=t=out:s={count - fade // 3}:n={fade // 3}"
        if i > 0 and SCRIPT[i - 1][2] == "hold":
            chain += f",fade=t=in:s=0:n={SCRIPT[i - 1][3] // 3}"
        graph.append(f"{chain},settb=1/{FPS},setsar=1[s{i}]")
    film = SceneFilm(path, FPS, 0)
    current = "s0"
    length = SCRIPT[0][1]
    for i in range(1, len(SCRIPT)):
        kind, fade = SCRIPT[i - 1][2], SCRIPT[i - 1][3]
        shot = SCRIPT[i][1]
        out = f"j{i}"
        if kind in ("cut", "hold"):
            if kind == "hold":  # black between the fade-out and the fade-in
                hold_black = fade - 2 * (fade // 3)
                graph.append(f"color=black:s={width}x{height}:r={FPS},trim=end_frame={hold_black},"
                             f"format=yuv420p,settb=1/{FPS},setsar=1[b{i}]")  # fmt: skip
                graph.append(f"[{current}][b{i}][s{i}]concat=n=3:v=1:a=0,settb=1/{FPS}[{out}]")
                fade_frames = fade // 3
                first, last = length - fade_frames, length + hold_black + fade_frames
                film.truths.append(Truth("fade", first, last, "fade out, black, fade in"))
                length += hold_black + shot
            else:
                graph.append(f"[{current}][s{i}]concat=n=2:v=1:a=0,settb=1/{FPS}[{out}]")
                label = "near-identical" if SCRIPT[i][0] == "pattern-closer" else ""
                film.truths.append(Truth("cut", length, length, label))
                length += shot
        else:
            frames = fade
            offset = length - frames
            transition = "fade" if kind == "dissolve" else "fadeblack"
            graph.append(f"[{current}][s{i}]xfade=transition={transition}:duration={fade / FPS}"
                         f":offset={offset / FPS}[{out}]")  # fmt: skip
            film.truths.append(Truth("dissolve" if kind == "dissolve" else "fade", offset,
                                     offset + frames))  # fmt: skip
            length = offset + shot
        current = out
    film.frames = length
    flash = _shot_start(film, FLASH_IN_SHOT) + FPS
    graph.append(f"[{current}]drawbox=c=white:t=fill:enable='between(n,{flash},{flash + 1})',"
                 "format=yuv420p[v]")  # fmt: skip
    film.decoys.append(Decoy("flash", flash, flash + 2))
    pan = _shot_start(film, PAN_SHOT)
    film.decoys.append(Decoy("pan", pan + 1, pan + SCRIPT[PAN_SHOT][1] - 1))
    cmd = ["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", ";".join(graph)]
    cmd += ["-map", "[v]", "-c:v", "libx264", "-preset", preset, "-crf", str(crf)]
    cmd += ["-g", str(FPS * 4), "-pix_fmt", "yuv420p", "-r", str(FPS), str(path)]
    subprocess.run(cmd, check=True)
    return film


def _shot_start(film: SceneFilm, shot: int) -> int:
    """The first clean frame of shot number ``shot`` (counted in SCRIPT)."""
    return film.truths[shot - 1].last


CORPUS_TRUTH: dict[str, list[tuple[str, int, int]]] = {
    # PySceneDetect's testvideo.mp4, read frame by frame (luma and contrast of every frame,
    # then the frames around each change by eye): black title, a hard cut to the first shot,
    # a cut to black that fades in to the second shot, a fade out through black into the
    # third, a dissolve into the fourth, and a fade out to black at the end. Its goldens
    # list cuts only: ContentDetector [30, 180, 394], AdaptiveDetector [30, 180, 394, 691].
    "scenes/testvideo.mp4": [
        ("cut", 30, 30),
        ("fade", 180, 240),
        ("fade", 331, 424),
        ("dissolve", 529, 559),
        ("fade", 663, 694),
    ],
    # 30 frames numbered on screen: grey, then red from frame 10, green from frame 20 (the
    # goldens: AdaptiveDetector [20], ContentDetector none).
    "scenes/counter.mp4": [("cut", 10, 10), ("cut", 20, 20)],
    # A flat field fading between black and white: no shot changes (every golden but the
    # histogram and threshold detectors agree).
    "scenes/fades.mp4": [],
}
GOLDEN_CUTS: dict[str, dict[str, list[int]]] = {
    "scenes/testvideo.mp4": {
        "AdaptiveDetector": [30, 180, 394, 691],
        "ContentDetector": [30, 180, 394],
    },
    "scenes/counter.mp4": {"AdaptiveDetector": [20], "ContentDetector": []},
    "scenes/fades.mp4": {"AdaptiveDetector": [], "ContentDetector": []},
}
"""PySceneDetect's own goldens (``scenes/goldens/*.default.json``), for comparison."""
