"""The built-in demo film: generated on first run from ffmpeg's lavfi sources, reproducibly.

About two minutes of 960x540 H.264 + mono AAC: a title card, visually distinct scenes joined by
hard cuts, motion everywhere, a music bed whose loudness rises and falls, spoken dialogue
(flite, when ffmpeg has it) and a matching ``.srt``, so scene snapping and
captions-from-subtitles have real material to act on.

Made for a first run on a small machine (26 s of ffmpeg CPU, 83 s before): each text card is
one still held by overlay, the music bed is computed by numpy, the audio is mono, costly
sources are drawn small and scaled up, x264 runs ``ultrafast`` and all the dialogue is
spoken by one ffmpeg process — the measured reasons are in docs/architecture.md.
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
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError
from moments.core.timefmt import format_time
from moments.media.tools import Progress, find_tool, run_ffmpeg, run_tool

log = logging.getLogger(__name__)

DEMO_VERSION = 2
DEMO_STEM = f"moments-demo-v{DEMO_VERSION}"
FPS = 25
SIZE = (960, 540)
BED_RATE = 48000


@dataclass(frozen=True)
class Scene:
    title: str
    seconds: float
    lavfi: str
    """A lavfi source; ``{w}``/``{h}`` (and half ``{hw}``, quarter ``{qw}``, eighth ``{ew}``…),
    ``{fps}`` and ``{n}`` (frames) are filled in."""
    upscale: bool = False
    """Render at half size and scale up with hard edges (cellular automata look better)."""


@dataclass(frozen=True)
class Line:
    start: float
    text: str


SCENES: tuple[Scene, ...] = (
    Scene("Moments", 6, "color=c=0x10151f:s={w}x{h}:r={fps}"),
    Scene("Test card", 16, "testsrc2=s={w}x{h}:r={fps}"),
    Scene("Deep zoom", 18, "mandelbrot=s={hw}x{hh}:r={fps}:maxiter=200:end_pts={n}:end_scale=2e-3"),
    Scene("Life", 16, "life=s={qw}x{qh}:r={fps}:seed=7:mold=10:life_color=#7CFFB2", True),
    Scene("Rule 110", 14, "cellauto=s={hw}x{hh}:r={fps}:rule=110:seed=3:scroll=1", True),
    # A plasma drawn at an eighth of the size: geq is costly per pixel, and smooth colour
    # scales up well (ffmpeg 5.1's ``gradients`` is not reproducible from its seed).
    Scene(
        "Colour field",
        18,
        "nullsrc=s={ew}x{eh}:r={fps},geq=r='128+127*sin(X*8/W+T*1.3)'"
        ":g='128+127*sin(Y*6/H-T*0.9)':b='128+127*sin((X/W+Y/H)*5+T*0.7)'",
    ),
    Scene("Triangles", 18, "sierpinski=s={hw}x{hh}:r={fps}:seed=5", True),
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
    size: tuple[int, int] = SIZE,
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
    if progress is not None:
        progress(Progress(0.0, 0.0, None, None))  # started: the voices come first
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
    _remove_older_versions(folder)
    return target


def _remove_older_versions(folder: Path) -> None:
    """A new version replaces the films earlier versions of Moments made."""
    for old in folder.glob("moments-demo-v*.*"):
        if not old.name.startswith(f"{DEMO_STEM}."):
            old.unlink(missing_ok=True)


def _film_args(
    out: Path,
    scenes: list[Scene],
    cards: list[Card],
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
            w=w,
            h=h,
            hw=w // 2,
            hh=h // 2,
            qw=w // 4,
            qh=h // 4,
            ew=w // 8,
            eh=h // 8,
            fps=FPS,
            n=frames,
        )
        video = ffmpeg.input(source, f="lavfi", t=scene.seconds)
        flags = "neighbor" if scene.upscale else "bicubic"
        video = video.filter("scale", w, h, flags=flags).filter("setsar", 1)
        # One still frame, held by overlay's eof_action=repeat: a looped image input would
        # decode and convert the PNG again for every frame (40 s of CPU for the film).
        label = ffmpeg.input(str(card.path))
        video = ffmpeg.overlay(video, label, x=card.x, y=card.y).filter("format", "yuv420p")
        parts.append(video)
    film = ffmpeg.concat(*parts, v=1, a=0)
    bed = ffmpeg.input(str(_music_bed(out.parent, total)))
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
        preset="ultrafast",
        crf=20,
        g=FPS * 2,
        bf=0,
        pix_fmt="yuv420p",
        acodec="aac",
        audio_bitrate="96k",
        ar=48000,
        ac=1,  # bed and voice are mono: half the AAC work (on ffmpeg 5.1's main thread)
        t=total,
        movflags="+faststart",
        map_metadata=-1,
        fflags="+bitexact",
        **{"flags:v": "+bitexact", "flags:a": "+bitexact", "metadata": "title=Moments demo film"},
    )
    return list(output.get_args())


def _music_bed(tmp: Path, total: float) -> Path:
    """A slow chord whose loudness swells and ebbs every 40 s, as 16-bit mono WAV.

    Computed with numpy: ffmpeg's ``aevalsrc`` evaluates the expression per sample, 10 s of
    CPU for two minutes.
    """
    t = np.arange(round(total * BED_RATE)) / BED_RATE
    chord = sum(
        amp * np.sin(2 * np.pi * freq * t)
        for amp, freq in ((0.22, 110), (0.16, 164.81), (0.12, 220))
    )
    swell = np.sin(np.pi * t / 40) ** 2
    samples = np.round(chord * (0.12 + 0.88 * swell) * 32767).astype("<i2")
    path = tmp / "bed.wav"
    with contextlib.closing(wave.open(str(path), "wb")) as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(BED_RATE)
        handle.writeframes(samples.tobytes())
    return path


@dataclass(frozen=True)
class Card:
    """A scene's text, cropped to what it covers (overlay blends only that), and where it goes."""

    path: Path
    x: int
    y: int


def _draw_cards(tmp: Path, scenes: list[Scene], size: tuple[int, int]) -> list[Card]:
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
        left, top, right, bottom = image.getbbox() or (0, 0, 2, 2)
        left, top = left - left % 2, top - top % 2  # even: chroma planes line up in yuv420p
        path = tmp / f"card{number}.png"
        image.crop((left, top, right + right % 2, bottom + bottom % 2)).save(path)
        cards.append(Card(path, left, top))
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
    """Each dialogue line spoken by flite into a WAV, all by one ffmpeg process (a process
    start costs more than a line); returns index → (path, seconds)."""
    wavs = [tmp / f"line{index}.wav" for index in range(len(lines))]
    args = ["-y"]
    for line in lines:
        args += ["-f", "lavfi", "-i", f"flite=text={_flite_text(line.text)}:voice=slt"]
    for index, wav in enumerate(wavs):
        args += ["-map", f"{index}:a", "-ar", "48000", "-ac", "1", str(wav)]
    try:
        run_ffmpeg(args, what="the demo dialogue", cancel=cancel)
    except CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - the film is still fine without a voice
        log.warning("demo dialogue not spoken: %s", exc)
        return {}
    spoken: Spoken = {}
    for index, wav in enumerate(wavs):
        with contextlib.closing(wave.open(str(wav), "rb")) as handle:
            spoken[index] = (wav, handle.getnframes() / handle.getframerate())
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
