"""Export presets: what each platform accepts, and the check of a clip against it.

Figures, their sources and the date they were checked are in ``docs/presets.md``. Every limit
can be overridden (settings ``preset_overrides``), because platforms change them and Mastodon
instances differ. ``validate`` is pure: it turns clip facts into problems, each with the fixes
the UI can apply in one click.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

import regex

from moments.core.framing import ASPECTS
from moments.core.timefmt import format_time

MB = 1000 * 1000
MIB = 1024 * 1024


class OutputKind(StrEnum):
    VIDEO = "video"
    GIF = "gif"
    WEBP = "webp"
    STILL = "still"


@dataclass(frozen=True)
class ExportPreset:
    """One target. Sizes in bytes, durations in seconds, aspect ratios as width / height;
    None means no known limit."""

    id: str
    name: str
    kind: OutputKind = OutputKind.VIDEO
    max_duration: float | None = None
    min_duration: float | None = None
    max_size: int | None = None
    long_side: int = 1920
    """The output's longer side is at most this many pixels."""
    short_side: int = 1080
    aspect_min: float | None = None
    aspect_max: float | None = None
    preferred_aspect: str | None = None
    """The framing the platform shows full-screen (a warning, not an error, when not used)."""
    max_fps: float = 60.0
    video_codec: str = "h264"
    audio_codec: str | None = "aac"
    crf: int = 23
    caption_limit: int | None = None
    caption_unit: Literal["characters", "graphemes"] = "characters"
    max_hashtags: int | None = None
    extension: str = "mp4"


_VIDEO_OVERRIDES = frozenset(
    {"max_duration", "min_duration", "max_size", "long_side", "short_side", "aspect_min"}
    | {"aspect_max", "max_fps", "crf", "caption_limit", "max_hashtags", "preferred_aspect"}
)

PRESETS: tuple[ExportPreset, ...] = (
    ExportPreset("original", "Original quality", long_side=4096, short_side=4096, max_fps=120,
                 crf=18),
    ExportPreset("x", "X", max_duration=140, min_duration=0.5, max_size=512 * MB,
                 aspect_min=1 / 2.39, aspect_max=2.39, caption_limit=280),
    ExportPreset("instagram-reels", "Instagram Reels", max_duration=15 * 60, min_duration=3,
                 max_size=300 * MB, aspect_min=0.01, aspect_max=10.0, preferred_aspect="9:16",
                 caption_limit=2200, max_hashtags=30),
    ExportPreset("tiktok", "TikTok", max_duration=10 * 60, min_duration=3, max_size=4000 * MB,
                 preferred_aspect="9:16", caption_limit=2200),
    ExportPreset("youtube-shorts", "YouTube Shorts", max_duration=3 * 60, aspect_max=1.0,
                 preferred_aspect="9:16", caption_limit=5000, max_hashtags=60),
    ExportPreset("facebook-reels", "Facebook Reels", max_duration=90, min_duration=3,
                 aspect_min=9 / 16, aspect_max=9 / 16, preferred_aspect="9:16"),
    ExportPreset("threads", "Threads", max_duration=5 * 60, max_size=1000 * MB, aspect_max=10.0,
                 caption_limit=500, max_hashtags=1),
    ExportPreset("mastodon", "Mastodon", max_size=99 * MIB, max_fps=60, caption_limit=500),
    ExportPreset("bluesky", "Bluesky", max_duration=3 * 60, min_duration=1, max_size=100 * MB,
                 aspect_min=1 / 3, aspect_max=3.0, caption_limit=300, caption_unit="graphemes"),
    ExportPreset("discord", "Discord (10 MiB)", max_size=10 * MIB, long_side=1280,
                 short_side=720, caption_limit=2000),
    ExportPreset("gif", "GIF", kind=OutputKind.GIF, long_side=480, short_side=480, max_fps=15,
                 video_codec="gif", audio_codec=None, extension="gif"),
    ExportPreset("webp", "Animated WebP", kind=OutputKind.WEBP, long_side=480, short_side=480,
                 max_fps=15, video_codec="webp", audio_codec=None, crf=75, extension="webp"),
    ExportPreset("still", "Still image (PNG/JPEG)", kind=OutputKind.STILL, long_side=4096,
                 short_side=4096, video_codec="png", audio_codec=None, extension="png"),
)  # fmt: skip
PRESET_IDS = tuple(p.id for p in PRESETS)
_BY_ID = {p.id: p for p in PRESETS}


def get_preset(preset_id: str, overrides: Mapping[str, Any] | None = None) -> ExportPreset:
    """The preset called ``preset_id`` with ``overrides`` applied. Raises KeyError/ValueError."""
    try:
        preset = _BY_ID[preset_id]
    except KeyError:
        raise KeyError(f"unknown preset {preset_id!r} (use {', '.join(PRESET_IDS)})") from None
    return with_overrides(preset, overrides or {})


def with_overrides(preset: ExportPreset, overrides: Mapping[str, Any]) -> ExportPreset:
    """Replace limits (settings ``preset_overrides[preset.id]``); unknown keys raise ValueError."""
    unknown = set(overrides) - _VIDEO_OVERRIDES
    if unknown:
        raise ValueError(f"cannot override {', '.join(sorted(unknown))} of a preset")
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if value is None or key == "preferred_aspect":
            changes[key] = value
        elif key in ("max_size", "long_side", "short_side", "crf", "caption_limit", "max_hashtags"):
            changes[key] = int(value)
        else:
            changes[key] = float(value)
    return dataclasses.replace(preset, **changes)


def estimate_video_kbps(width: int, height: int, fps: float, crf: int) -> float:
    """A rough bitrate of an x264 CRF encode of ordinary footage (about 0.1 bit per pixel per
    frame at CRF 23, doubling every 6 CRF steps down)."""
    bits_per_pixel = 0.1 * 2 ** ((23 - crf) / 6)
    return width * height * max(1.0, fps) * bits_per_pixel / 1000


def audio_kbps_for(total_kbps: float | None) -> int:
    """AAC bitrate: 128 kb/s, less when the size cap leaves little room."""
    if total_kbps is None or total_kbps >= 1000:
        return 128
    return 96 if total_kbps >= 400 else 64


def estimate_size(
    preset: ExportPreset, width: int, height: int, fps: float, duration: float
) -> int:
    """Bytes of an export at the preset's quality, before any size cap."""
    if preset.kind is OutputKind.STILL:
        return width * height
    kbps = estimate_video_kbps(width, height, min(fps, preset.max_fps), preset.crf)
    if preset.kind is not OutputKind.VIDEO:
        kbps *= 4  # palette and WebP frames compress far worse than H.264
    elif preset.audio_codec:
        kbps += audio_kbps_for(None)
    return int(kbps * 1000 / 8 * max(0.0, duration))


# --- validation --------------------------------------------------------------------------

FixKind = Literal["trim", "extend", "aspect", "resolution", "target-size", "shorten-text"]
Severity = Literal["error", "warning"]
MIN_BITS_PER_PIXEL = 0.03
"""Below this an H.264 picture turns visibly blocky."""


@dataclass(frozen=True)
class Fix:
    """One click: ``trim``/``extend`` to ``value`` seconds, ``aspect`` to a framing aspect,
    ``resolution`` to a long side in pixels, ``target-size`` in bytes, ``shorten-text`` to a
    length, or ``fewer-hashtags``."""

    kind: FixKind | Literal["fewer-hashtags"]
    value: float | int | str
    label: str


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    severity: Severity = "error"
    fixes: tuple[Fix, ...] = ()

    @property
    def fix(self) -> Fix | None:
        return self.fixes[0] if self.fixes else None


@dataclass(frozen=True)
class ClipFacts:
    """What is about to be exported: the output picture and the text to post with it."""

    duration: float
    width: int
    height: int
    fps: float = 30.0
    framing_aspect: str = "source"
    text: str = ""
    hashtags: int = 0
    estimated_size: int | None = None
    """Bytes at the preset's quality (``estimate_size``); None skips the size check."""
    size_accepted: bool = False
    """The user accepted compressing to the size cap (the ``target-size`` fix)."""
    room: float | None = None
    """The longest the clip can become (the moment it is cut from); None: not known."""


def validate(preset: ExportPreset, facts: ClipFacts) -> list[Problem]:
    """Everything about ``facts`` that ``preset``'s platform would refuse (errors) or show
    badly (warnings), each with its one-click fixes."""
    problems = _duration_problems(preset, facts)
    problems += _aspect_problems(preset, facts)
    problems += _size_problems(preset, facts)
    problems += _small_picture_problems(preset, facts)
    problems += _text_problems(preset, facts)
    return problems


def _duration_problems(preset: ExportPreset, facts: ClipFacts) -> list[Problem]:
    if preset.kind is OutputKind.STILL:
        return []
    length = format_time(facts.duration, millis=facts.duration < 10)
    if preset.max_duration is not None and facts.duration > preset.max_duration + 1e-3:
        limit = format_time(preset.max_duration)
        return [
            Problem(
                "too-long",
                f"{preset.name} takes videos up to {limit}; this clip is {length}.",
                fixes=(Fix("trim", preset.max_duration, f"Trim to {limit}"),),
            )
        ]
    if preset.min_duration is not None and facts.duration < preset.min_duration - 1e-3:
        limit = format_time(preset.min_duration, millis=preset.min_duration < 10)
        room = facts.room
        if room is not None and room < preset.min_duration - 1e-3:  # no lengthening helps
            whole = format_time(room, millis=room < 10)
            message = f"{preset.name} needs at least {limit} of video; all there is is {whole}."
            return [Problem("too-short", message)]
        return [
            Problem(
                "too-short",
                f"{preset.name} needs at least {limit} of video; this clip is {length}.",
                fixes=(Fix("extend", preset.min_duration, f"Lengthen to {limit}"),),
            )
        ]
    return []


def _aspect_problems(preset: ExportPreset, facts: ClipFacts) -> list[Problem]:
    ratio = facts.width / max(1, facts.height)
    preferred = preset.preferred_aspect
    low, high = preset.aspect_min, preset.aspect_max
    if (low is not None and ratio < low * 0.98) or (high is not None and ratio > high * 1.02):
        target = preferred or _nearest_aspect(ratio, low, high)
        return [
            Problem(
                "aspect",
                f"{preset.name} does not take a {_describe(ratio)} picture.",
                fixes=(Fix("aspect", target, f"Switch to {target}"),),
            )
        ]
    off = preferred is not None and abs(ratio / float(ASPECTS[preferred]) - 1) > 0.02
    if preferred and facts.framing_aspect != preferred and off:
        return [
            Problem(
                "aspect-preferred",
                f"{preset.name} shows {preferred} full-screen; this picture will have bars.",
                severity="warning",
                fixes=(Fix("aspect", preferred, f"Switch to {preferred}"),),
            )
        ]
    return []


def _nearest_aspect(ratio: float, low: float | None, high: float | None) -> str:
    allowed = [
        name
        for name, value in ASPECTS.items()
        if (low is None or value >= low * 0.98) and (high is None or value <= high * 1.02)
    ]
    return min(allowed or ["1:1"], key=lambda name: abs(math.log(float(ASPECTS[name]) / ratio)))


def _describe(ratio: float) -> str:
    fraction = Fraction(ratio).limit_denominator(20)
    return f"{fraction.numerator}:{fraction.denominator}"


def _size_problems(preset: ExportPreset, facts: ClipFacts) -> list[Problem]:
    cap, estimate = preset.max_size, facts.estimated_size
    if cap is None or estimate is None or estimate <= cap or preset.kind is not OutputKind.VIDEO:
        return []
    pixels_per_s = facts.width * facts.height * min(facts.fps, preset.max_fps)
    bpp = cap * 8 * 0.95 / max(facts.duration, 0.1) / max(1.0, pixels_per_s)
    long_side = max(facts.width, facts.height)
    fixes = [Fix("target-size", cap, f"Compress to {_size_text(cap)}")]
    if bpp < MIN_BITS_PER_PIXEL * 2:
        smaller = int(long_side * math.sqrt(bpp / (MIN_BITS_PER_PIXEL * 2))) // 2 * 2
        if smaller >= 240:
            fixes.append(Fix("resolution", smaller, f"Lower the resolution to {smaller} px"))
        fits = facts.duration * bpp / (MIN_BITS_PER_PIXEL * 2)
        fixes.append(Fix("trim", round(fits, 1), f"Trim to {format_time(fits)}"))
    if facts.size_accepted and bpp >= MIN_BITS_PER_PIXEL:
        return []
    quality = " and will look blocky" if bpp < MIN_BITS_PER_PIXEL else ""
    return [
        Problem(
            "too-big",
            f"{preset.name} takes files up to {_size_text(cap)}; at full quality this clip "
            f"would be about {_size_text(estimate)}. It will be compressed to fit{quality}.",
            severity="warning",
            fixes=tuple(fixes),
        )
    ]


def _small_picture_problems(preset: ExportPreset, facts: ClipFacts) -> list[Problem]:
    """A heads-up when the platform will scale the picture up a lot to show it (exports
    never scale up: a small source gives a small file)."""
    long_side = max(facts.width, facts.height)
    if preset.kind is not OutputKind.VIDEO or preset.id == "original":
        return []
    if long_side * 8 >= preset.long_side * 3:  # 720 px and up for a 1920 box: fine
        return []
    portrait = facts.height > facts.width
    box = (
        (preset.short_side, preset.long_side) if portrait else (preset.long_side, preset.short_side)
    )
    return [
        Problem(
            "small-picture",
            f"{preset.name} shows up to {box[0]}x{box[1]}; at {facts.width}x{facts.height} "
            "(all the source has) this clip is scaled up and looks soft.",
            severity="warning",
        )
    ]


def _size_text(size: int) -> str:
    if size % MIB == 0 and size < 1000 * MIB:
        return f"{size // MIB} MiB"
    return f"{size / MB:.0f} MB" if size < 10_000 * MB else f"{size / (1000 * MB):.0f} GB"


def _text_problems(preset: ExportPreset, facts: ClipFacts) -> list[Problem]:
    problems: list[Problem] = []
    limit = preset.caption_limit
    if limit is not None:
        graphemes = preset.caption_unit == "graphemes"
        count = grapheme_count(facts.text) if graphemes else len(facts.text)
        if count > limit:
            problems.append(
                Problem(
                    "text-too-long",
                    f"{preset.name} posts hold {limit} characters; this text has {count}.",
                    fixes=(Fix("shorten-text", limit, f"Shorten to {limit} characters"),),
                )
            )
    if preset.max_hashtags is not None and facts.hashtags > preset.max_hashtags:
        keep = preset.max_hashtags
        problems.append(
            Problem(
                "too-many-hashtags",
                f"{preset.name} takes up to {keep} hashtag{'s' * (keep != 1)}; "
                f"this post has {facts.hashtags}.",
                fixes=(Fix("fewer-hashtags", keep, f"Keep the first {keep}"),),
            )
        )
    return problems


# --- post text ---------------------------------------------------------------------------

_GRAPHEME = regex.compile(r"\X")


def grapheme_count(text: str) -> int:
    """User-perceived characters: Unicode extended grapheme clusters (UAX #29), as Bluesky
    and Mastodon count them."""
    return len(_GRAPHEME.findall(text))


def grapheme_clusters(text: str) -> list[str]:
    """``text`` cut into extended grapheme clusters (UAX #29, the ``regex`` module's ``\\X``;
    ``tests/conformance/test_graphemes.py`` runs Unicode's GraphemeBreakTest.txt on it)."""
    return list(_GRAPHEME.findall(text))


def normalize_hashtags(tags: Iterable[str]) -> list[str]:
    """``["#Hello world", "café!", "hello"]`` → ``["#Helloworld", "#café"]``: letters and
    digits of any script kept, spaces and punctuation dropped, duplicates (ignoring case) and
    digit-only tags removed, ``#`` added."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in tags:
        kept = "".join(c for c in raw if c == "_" or unicodedata.category(c)[0] in "LNM")
        key = kept.casefold()
        if not kept or kept.isdigit() or key in seen:
            continue
        seen.add(key)
        result.append(f"#{kept}")
    return result
