"""The demo interactive story, “The lighthouse”: generated on first use from lavfi sources.

About two and a half minutes of 640x360 H.264 + Opus at 25 fps in one file: nine segments,
three choices (one with a random default, one that switches at once), a scene variant
picked by what you did earlier, two endings, a false ending that goes back, and an option
that appears only once you have finished the story. Every frame carries its number as a
pixel code (``tests/support/framecode.py`` reads it) and a large label; every segment
starts on a keyframe. Cheap sources and x264 ultrafast keep generation to seconds.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from moments.core.cancel import CancelToken
from moments.media.tools import Progress, run_ffmpeg

DEMO_STORY_VERSION = 1
FOLDER = f"story-v{DEMO_STORY_VERSION}"
STORY_NAME = "The lighthouse.story.json"
MEDIA_NAME = "The lighthouse.mp4"
FPS = 25
CODE_BITS = 12


@dataclass(frozen=True)
class Scene:
    id: str
    title: str
    seconds: float
    lavfi: str
    """``{w}``/``{h}``/``{qw}``/``{qh}``/``{fps}`` are filled in; scaled to the frame size."""
    tone: float
    """Hz of the scene's tone: each scene sounds different."""


SCENES: tuple[Scene, ...] = (
    Scene("intro", "A night at sea", 14, "color=c=0x14213d:s={w}x{h}:r={fps}", 196),
    Scene("harbour", "The harbour", 18, "smptehdbars=s={w}x{h}:r={fps}", 220),
    Scene("tavern", "The tavern", 16, "testsrc=s={w}x{h}:r={fps}", 247),
    Scene(
        "stairs", "The lighthouse stairs", 18, "cellauto=s={qw}x{qh}:r={fps}:rule=30:scroll=1", 262
    ),
    Scene(
        "storm_sailor",
        "The storm, with the sailor",
        18,
        "life=s={qw}x{qh}:r={fps}:seed=11:mold=8:life_color=#8fd3ff",
        294,
    ),
    Scene(
        "storm_alone",
        "The storm, alone",
        18,
        "life=s={qw}x{qh}:r={fps}:seed=23:mold=8:life_color=#ff9f6b",
        311,
    ),
    Scene("rescue", "Safe harbour", 18, "rgbtestsrc=s={w}x{h}:r={fps}", 330),
    Scene("keeper", "The last keeper", 18, "testsrc2=s={w}x{h}:r={fps}", 349),
    Scene("dark", "Aground", 10, "color=c=0x050505:s={w}x{h}:r={fps}", 147),
)


def demo_story_path(folder: Path) -> Path:
    return folder / FOLDER / STORY_NAME


def demo_story_is_ready(folder: Path) -> bool:
    story = demo_story_path(folder)
    return story.is_file() and story.with_name(MEDIA_NAME).is_file()


def make_demo_story(
    folder: Path,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancel: CancelToken | None = None,
    scale: float = 1.0,
    size: tuple[int, int] = (640, 360),
) -> Path:
    """Generate the story and its film into ``folder``; return the story file's path.
    ``scale`` shortens every scene (tests). Written in a temp folder and moved into place:
    an interrupted run leaves nothing half made."""
    frames = {s.id: max(3 * FPS, round(s.seconds * scale * FPS)) for s in SCENES}
    target = demo_story_path(folder)
    target.parent.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".story-demo-", dir=target.parent.parent) as tmp:
        work = Path(tmp) / FOLDER
        work.mkdir()
        cards = [_card(work, scene, size) for scene in SCENES]
        total = sum(frames.values()) / FPS
        args = _film_args(work / MEDIA_NAME, cards, frames, size)
        run_ffmpeg(args, duration_s=total, progress=progress, cancel=cancel, what="the demo story")
        for card in cards:
            card.unlink()
        text = json.dumps(story_document(frames), ensure_ascii=False, indent=2)
        (work / STORY_NAME).write_text(text + "\n", encoding="utf-8")
        if target.parent.exists():
            shutil.rmtree(target.parent)
        work.rename(target.parent)
    return target


def story_document(frames: dict[str, int]) -> dict[str, Any]:
    """The story file, with segment times from the scenes' lengths in frames."""
    segments: dict[str, dict[str, Any]] = {}
    at = 0
    for scene in SCENES:
        end = at + frames[scene.id]
        segments[scene.id] = {"title": scene.title, "start": _ms(at), "end": _ms(end)}
        at = end
    seg = segments
    seg["intro"] |= {"chapter": "harbour", "next": "harbour"}
    seg["harbour"] |= {"chapter": "harbour", "choice": "where"}
    seg["tavern"] |= {"chapter": "harbour", "next": "stairs", "set": {"met_sailor": True}}
    seg["stairs"] |= {"chapter": "lighthouse", "choice": "lamp"}
    seg["dark"] |= {"chapter": "lighthouse", "ending": {"title": "Aground", "kind": "go_back"}}
    for variant in ("storm_sailor", "storm_alone"):
        seg[variant] |= {"chapter": "storm", "choice": "ship"}
    finished = {"finished": {"+": [{"var": "finished"}, 1]}}
    seg["rescue"] |= {
        "chapter": "storm",
        "set": finished,
        "ending": {"title": "Safe harbour", "kind": "credits"},
    }
    seg["keeper"] |= {
        "chapter": "storm",
        "set": finished,
        "ending": {"title": "The last keeper", "kind": "credits"},
    }

    def appear(segment: str) -> int:
        length = int(seg[segment]["end"]) - int(seg[segment]["start"])
        return -min(8000, length * 6 // 10)

    return {
        "format": 1,
        "id": "moments-demo-story-lighthouse-v1",
        "title": "The lighthouse",
        "media": MEDIA_NAME,
        "start": "intro",
        "state": {
            "met_sailor": {
                "type": "bool",
                "default": False,
                "description": "Met the old sailor in the tavern.",
            },
            "finished": {
                "type": "int",
                "default": 0,
                "min": 0,
                "max": 99,
                "persistent": True,
                "description": "Endings reached, over every play.",
            },
        },
        "segments": segments,
        "groups": {
            "storm": {
                "title": "The storm",
                "candidates": [
                    {"segment": "storm_sailor", "condition": {"var": "met_sailor"}},
                    {"segment": "storm_alone"},
                ],
            }
        },
        "choices": {
            "where": {
                "prompt": "Where do you go?",
                "appear": appear("harbour"),
                "default": 0,
                "options": [
                    {"label": "Up to the lighthouse", "target": "stairs"},
                    {"label": "Into the tavern", "target": "tavern"},
                    {
                        "label": "Straight to the lamp",
                        "target": "storm",
                        "condition": {">=": [{"var": "finished"}, 1]},
                    },
                ],
            },
            "lamp": {
                "prompt": "The lamp is out. Light it?",
                "appear": appear("stairs"),
                "default": "random",
                "options": [
                    {"label": "Light the lamp", "target": "storm"},
                    {"label": "Wait in the dark", "target": "dark"},
                ],
            },
            "ship": {
                "prompt": "A ship in the storm! Signal it?",
                "appear": appear("storm_sailor"),
                "switch": "immediate",
                "default": 0,
                "options": [
                    {"label": "Signal the ship", "target": "rescue"},
                    {"label": "Stay hidden", "target": "keeper"},
                ],
            },
        },
        "chapters": {
            "harbour": {"title": "The harbour"},
            "lighthouse": {"title": "The lighthouse"},
            "storm": {"title": "The storm"},
        },
    }


def _ms(frame: int) -> int:
    return int(frame * 1000 // FPS)


def _film_args(
    out: Path, cards: list[Path], frames: dict[str, int], size: tuple[int, int]
) -> list[str]:
    w, h = size
    args = ["-y"]
    for scene, card in zip(SCENES, cards, strict=True):
        seconds = frames[scene.id] / FPS
        source = scene.lavfi.format(w=w, h=h, qw=w // 4, qh=h // 4, fps=FPS)
        args += ["-f", "lavfi", "-t", f"{seconds:.3f}", "-i", source]
        args += ["-i", str(card)]
        tone = f"sine=f={scene.tone}:r=48000:d={seconds:.3f}"
        args += ["-f", "lavfi", "-i", tone]
    chains = []
    for n, scene in enumerate(SCENES):
        seconds = frames[scene.id] / FPS
        v, c, a = 3 * n, 3 * n + 1, 3 * n + 2
        chains.append(
            f"[{v}:v]scale={w}:{h}:flags=neighbor,setsar=1,fps={FPS}[b{n}];"
            f"[{c}:v]format=yuva420p,loop=loop=-1:size=1,setpts=N/{FPS}/TB[l{n}];"
            f"[b{n}][l{n}]overlay=0:{int(h * 0.40)}:format=yuv420:shortest=1[v{n}];"
            f"[{a}:a]volume=0.25,"
            f"afade=t=in:d=0.02,afade=t=out:st={seconds - 0.02:.3f}:d=0.02[a{n}]"
        )
    joined = "".join(f"[v{n}][a{n}]" for n in range(len(SCENES)))
    chains.append(f"{joined}concat=n={len(SCENES)}:v=1:a=1[cv][ca]")
    top, bottom = int(h * 0.06), int(h * 0.22)
    code = 3 * len(SCENES)
    chains.append(f"[{code}:v]scale={w}:{bottom - top}:flags=neighbor,format=yuv420p[code]")
    chains.append(f"[cv][code]overlay=0:{top}:format=yuv420,format=yuv420p[out]")
    args += ["-f", "lavfi", "-i", _code_source(sum(frames.values()))]
    starts, at = [], 0
    for scene in SCENES:
        starts.append(f"{at / FPS:.3f}")
        at += frames[scene.id]
    args += ["-filter_complex", ";".join(chains), "-map", "[out]", "-map", "[ca]"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-bf", "0"]
    args += ["-g", str(FPS * 4), "-force_key_frames", ",".join(starts), "-r", str(FPS)]
    # Opus, mono: a tenth of what ffmpeg's AAC encoder costs here, and libVLC plays it.
    args += ["-c:a", "libopus", "-b:a", "64k", "-ac", "1", "-ar", "48000"]
    args += ["-movflags", "+faststart"]
    args += ["-map_metadata", "-1", "-metadata", "title=The lighthouse (Moments demo story)"]
    return [*args, str(out)]


def _code_source(total_frames: int) -> str:
    """A 15x1 grey picture per frame holding the frame number as
    ``tests/support/framecode.py`` reads it — columns 1-12 bits 0-11 (white = 1), column
    13 even parity, the edges grey — scaled up with hard edges over the top of the frame.
    Drawing it this small keeps it nearly free."""
    bits = [f"mod(floor(N/{2**b}),2)" for b in range(CODE_BITS)]
    parity = f"mod({'+'.join(bits)},2)"
    lum = (
        f"if(between(X,1,{CODE_BITS}),255*mod(floor(N/pow(2,X-1)),2),"
        f"if(eq(X,{CODE_BITS + 1}),255*{parity},60))"
    )
    seconds = total_frames / FPS
    return f"color=c=gray:s={CODE_BITS + 3}x1:r={FPS}:d={seconds:.3f},format=gray,geq=lum='{lum}'"


def _card(folder: Path, scene: Scene, size: tuple[int, int]) -> Path:
    """The scene's large label on a translucent band (Pillow's built-in font), overlaid
    across the frame from 40% to 72% of its height."""
    w, h = size
    band_h = int(h * 0.72) - int(h * 0.40)
    image = Image.new("RGBA", (w, band_h), (0, 0, 0, 170))
    draw = ImageDraw.Draw(image)
    number = SCENES.index(scene) + 1
    title_font = ImageFont.load_default(size=max(12, h // 11))
    id_font = ImageFont.load_default(size=max(10, h // 22))
    _centred(draw, w, int(band_h * 0.38), f"{number} · {scene.title}", title_font)
    _centred(draw, w, int(band_h * 0.75), f"segment “{scene.id}”", id_font)
    path = folder / f"card-{scene.id}.png"
    image.save(path)
    return path


def _centred(draw: ImageDraw.ImageDraw, width: int, y: int, text: str, font: Any) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (width - (right - left)) // 2 - left
    draw.text((x, y - (bottom - top) // 2 - top), text, font=font, fill=(255, 255, 255, 255))
