"""The built-in demo film: generated on first run from ffmpeg's lavfi sources, reproducibly.

About two minutes of 1280x720 H.264 + AAC: a title card, visually distinct scenes joined by
hard cuts, motion everywhere, a music bed whose loudness rises and falls, spoken dialogue
(flite, when ffmpeg has it) and a matching ``.srt``, so scene snapping and
captions-from-subtitles have real material to act on.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ffmpeg
from PIL import Image, ImageDraw, ImageFont

from moments.core.cancel import CancelToken
from moments.core.timefmt import format_time
from moments.media.tools import Progress, find_tool, run_ffmpeg, run_tool

log = logging.getLogger(__name__)

DEMO_VERSION = 1
DEMO_STEM = f"moments-demo-v{DEMO_VERSION}"
FPS = 25


@dataclass(frozen=True)
class Scene:
    title: str
    seconds: float
    lavfi: str
    """A lavfi source; ``{w}``/``{h}``/``{hw}``/``{hh}``/``{n}`` are filled in."""
    upscale: bool = False
    """Render at half size and scale up with hard edges (cellular automata look better)."""


@dataclass(frozen=True)
class Line:
    start: float
    text: str


SCENES: tuple[Scene, ...] = (
    Scene("Moments", 6, "color=c=0x10151f:s={w}x{h}:r={fps}"),
    Scene("Test card", 16, "testsrc2=s={w}x{h}:r={fps}"),
    Scene("Deep zoom", 18, "mandelbrot=s={hw}x{hh}:r={fps}:maxiter=400:end_pts={n}:end_scale=2e-3"),
    Scene("Life", 16, "life=s={qw}x{qh}:r={fps}:seed=7:mold=10:life_color=#7CFFB2", True),
    Scene("Rule 110", 14, "cellauto=s={hw}x{hh}:r={fps}:rule=110:seed=3:scroll=1", True),
    Scene(
        "Colour field",
        18,
        "nullsrc=s={qw}x{qh}:r={fps},geq=r='128+127*sin(X/13+T*1.3)'"
        ":g='128+127*sin(Y/9-T*0.9)':b='128+127*sin((X+Y)/15+T*0.7)'",
    ),
    Scene("Triangles", 18, "sierpinski=s={w}x{h}:r={fps}:seed=5"),
    Scene("The end", 14, "color=c=0x1b1020:s={w}x{h}:r={fps}"),
)

LINES: tuple[Line, ...] = (
    Line(1.5, "Welcome to Moments."),
    Line(7.0, "This is the test card."),
    Line(12.0, "Press C when you love a scene."),
    Line(24.5, "Look at that fractal go."),
    Line(31.0, "Deeper, and deeper still."),
    Line(41.5, "Life finds a way."),
    Line(49.0, "Every cell has a story."),
    Line(58.5, "Rule one hundred and ten, everyone."),
    Line(73.0, "Colours, everywhere."),
    Line(81.0, "Trim it, caption it, share it."),
    Line(92.0, "Triangles all the way down."),
    Line(108.5, "That is a wrap."),
    Line(113.0, "Now go and share the moment."),
)


def demo_film_path(folder: Path) -> Path:
    return folder / f"{DEMO_STEM}.mp4"


def demo_is_ready(folder: Path) -> bool:
    video = demo_film_path(folder)
    return video.is_file() and video.with_suffix(".srt").is_file()


def make_demo(
    folder: Path,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancel: CancelToken | None = None,
    scale: float = 1.0,
    size: tuple[int, int] = (1280, 720),
) -> Path:
    """Generate the demo film (and its ``.srt``) into ``folder``; return the film's path.

    ``scale`` shortens every scene (tests use a few seconds). Written under temp names and
    renamed at the end: an interrupted run leaves no half film behind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = demo_film_path(folder)
    scenes = [Scene(s.title, round(s.seconds * scale, 2), s.lavfi, s.upscale) for s in SCENES]
    total = sum(s.seconds for s in scenes)
    lines = [Line(round(line.start * scale, 2), line.text) for line in LINES]
    with tempfile.TemporaryDirectory(prefix="moments-demo-") as tmp_name:
        tmp = Path(tmp_name)
        cards = _draw_cards(tmp, scenes, size)
        speech = _speak(tmp, lines, cancel) if _has_flite() else {}
        subtitles = _srt(lines, speech, total)
        args = _film_args(tmp / "film.mp4", scenes, cards, speech, lines, size, total)
        run_ffmpeg(args, duration_s=total, progress=progress, cancel=cancel, what="the demo film")
        part = folder / f".{target.name}.part"
        shutil.move(str(tmp / "film.mp4"), part)
        part.replace(target)
        target.with_suffix(".srt").write_text(subtitles, encoding="utf-8")
    return target


def _film_args(
    out: Path,
    scenes: list[Scene],
    cards: list[Path],
    speech: dict[int, tuple[Path, float]],
    lines: list[Line],
    size: tuple[int, int],
    total: float,
) -> list[str]:
    w, h = size
    parts = []
    for scene, card in zip(scenes, cards, strict=True):
        frames = max(1, int(scene.seconds * FPS))
        source = scene.lavfi.format(
            w=w, h=h, hw=w // 2, hh=h // 2, qw=w // 4, qh=h // 4, fps=FPS, n=frames
        )
        video = ffmpeg.input(source, f="lavfi", t=scene.seconds)
        flags = "neighbor" if scene.upscale else "bicubic"
        video = video.filter("scale", w, h, flags=flags).filter("setsar", 1)
        label = ffmpeg.input(str(card), loop=1, framerate=FPS, t=scene.seconds)
        video = ffmpeg.overlay(video, label, x=0, y=0).filter("format", "yuv420p")
        parts.append(video)
    film = ffmpeg.concat(*parts, v=1, a=0)
    # The music bed: a slow chord whose loudness swells and ebbs every 40 s.
    chord = "+".join(
        f"{amp}*sin(2*PI*{freq}*t)" for amp, freq in ((0.22, 110), (0.16, 164.81), (0.12, 220))
    )
    swell = "sin(PI*t/40)"
    bed_expr = f"({chord})*(0.12+0.88*{swell}*{swell})"
    bed = ffmpeg.input(f"aevalsrc='{bed_expr}|{bed_expr}':s=48000:c=stereo:d={total}", f="lavfi")
    voices = [bed]
    for index, (wav, _) in sorted(speech.items()):
        delay = int(lines[index].start * 1000)
        voices.append(ffmpeg.input(str(wav)).filter("adelay", delays=f"{delay}", all=1))
    if len(voices) > 1:
        audio = ffmpeg.filter(voices, "amix", inputs=len(voices), normalize=0, duration="first")
    else:
        audio = bed
    audio = audio.filter("alimiter", limit=0.9)
    output = ffmpeg.output(
        film,
        audio,
        str(out),
        vcodec="libx264",
        preset="veryfast",
        crf=21,
        g=FPS * 2,
        bf=0,
        pix_fmt="yuv420p",
        acodec="aac",
        audio_bitrate="160k",
        ar=48000,
        t=total,
        movflags="+faststart",
        map_metadata=-1,
        fflags="+bitexact",
        **{"flags:v": "+bitexact", "flags:a": "+bitexact", "metadata": "title=Moments demo film"},
    )
    return list(output.get_args())


def _draw_cards(tmp: Path, scenes: list[Scene], size: tuple[int, int]) -> list[Path]:
    """One transparent overlay per scene: a title card for the first and last, a label else."""
    w, h = size
    cards = []
    for number, scene in enumerate(scenes):
        image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        if number == 0:
            _centered(draw, (w, h), "Moments", h // 6, h // 2 - h // 10)
            _centered(draw, (w, h), "a demo film", h // 18, h // 2 + h // 14)
        elif number == len(scenes) - 1:
            _centered(draw, (w, h), "The end", h // 8, h // 2 - h // 12)
            _centered(draw, (w, h), "Press C to keep a moment", h // 20, h // 2 + h // 14)
        else:
            font = ImageFont.load_default(size=max(10, h // 28))
            text = f"{number} · {scene.title}"
            left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
            pad = h // 60
            x0 = w - (pad * 3 + right - left)  # top right: testsrc2 prints its clock top left
            box = (x0, pad, w - pad, pad * 3 + bottom - top)
            draw.rounded_rectangle(box, radius=pad, fill=(0, 0, 0, 150))
            draw.text((x0 + pad - left, pad * 2 - top), text, font=font, fill=(255, 255, 255, 235))
        path = tmp / f"card{number}.png"
        image.save(path)
        cards.append(path)
    return cards


def _centered(draw: ImageDraw.ImageDraw, size: tuple[int, int], text: str, px: int, y: int) -> None:
    font = ImageFont.load_default(size=px)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (size[0] - (right - left)) // 2 - left
    draw.text((x, y - (bottom - top) // 2 - top), text, font=font, fill=(255, 255, 255, 255))


def _has_flite() -> bool:
    result = run_tool([find_tool("ffmpeg"), "-hide_banner", "-filters"], timeout=15)
    return any(line.split()[1:2] == ["flite"] for line in result.stdout.splitlines())


Spoken = dict[int, tuple[Path, float]]


def _speak(tmp: Path, lines: list[Line], cancel: CancelToken | None) -> Spoken:
    """Each dialogue line spoken by flite into a WAV; returns index → (path, seconds)."""
    spoken: Spoken = {}
    for index, line in enumerate(lines):
        if cancel is not None:
            cancel.raise_if_cancelled()
        wav = tmp / f"line{index}.wav"
        source = f"flite=text={_flite_text(line.text)}:voice=slt"
        args = ["-y", "-f", "lavfi", "-i", source, "-ar", "48000", "-ac", "2", str(wav)]
        try:
            run_ffmpeg(args, what="the demo dialogue", cancel=cancel)
            with contextlib.closing(wave.open(str(wav), "rb")) as handle:
                spoken[index] = (wav, handle.getnframes() / handle.getframerate())
        except Exception as exc:  # noqa: BLE001 - the film is still fine without a voice
            log.warning("demo dialogue line %d not spoken: %s", index, exc)
    return spoken


def _flite_text(text: str) -> str:
    """Our own fixed lines, stripped to what needs no escaping in a filter argument."""
    return "".join(ch for ch in text if ch.isalnum() or ch in " .?!")


def _srt(lines: list[Line], speech: dict[int, tuple[Path, float]], total: float) -> str:
    blocks = []
    for number, line in enumerate(lines):
        spoken = speech.get(number, (None, 1.8 + 0.06 * len(line.text)))[1]
        end = min(total, line.start + max(1.2, spoken + 0.4))
        blocks.append(f"{number + 1}\n{_srt_time(line.start)} --> {_srt_time(end)}\n{line.text}\n")
    return "\n".join(blocks)


def _srt_time(seconds: float) -> str:
    return format_time(seconds, millis=True, hours=True).rjust(12, "0").replace(".", ",")
