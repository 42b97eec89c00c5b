"""What every posting target offers: its limits, and ``post()`` of one video with its text.

A target is built from a signed-in account (``share/targets.py``). Every method may do
network I/O and blocks: call it from a worker (``ui/tasks``), never on the GUI thread.
Errors are ``ShareError`` (``kind`` says whether a retry can work) or ``CancelledError``.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from moments.core.cancel import CancelToken
from moments.core.errors import ShareError
from moments.core.presets import (
    MB,
    MIB,
    ExportPreset,
    get_preset,
    grapheme_clusters,
    grapheme_count,
    normalize_hashtags,
)
from moments.share.http import ProgressCallback

Note = Callable[[str, str], None]
"""``note(name, value)``: a target keeps what a retry needs (the outbox stores it with the
post and gives it back as ``PostRequest.resume``), as soon as it is known."""
TextUnit = Literal["characters", "graphemes", "weighted"]
"""``weighted``: X's count, where most non-Latin characters and emoji count twice."""
URL_PATTERN = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)
_MENTION_DOMAIN = re.compile(r"(?<![\w@])(@\w+)@[\w.-]+\w", re.UNICODE)
_HASHTAG = re.compile(r"(?<!\S)[#＃]([^\s#＃]+)")
_INVISIBLE = frozenset("\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2\ufe0f")


@dataclass(frozen=True)
class Limits:
    """What a target accepts. None means no known limit."""

    text: int | None
    unit: TextUnit
    max_video_size: int | None
    """Bytes."""
    max_video_duration: float | None
    """Seconds."""
    preset: str
    """The export preset that makes a file this target takes."""
    url_length: int | None = None
    """Every link counts as this many characters (Mastodon, X: 23)."""
    mention_domains_count: bool = True
    """False on Mastodon: ``@name@server`` counts as ``@name``."""
    from_service: bool = False
    """True when the service itself published these numbers, False for the preset's."""

    @classmethod
    def of_preset(cls, preset: ExportPreset | str) -> Limits:
        preset = get_preset(preset) if isinstance(preset, str) else preset
        return cls(
            preset.caption_limit,
            preset.caption_unit,
            preset.max_size,
            preset.max_duration,
            preset.id,
        )


@dataclass(frozen=True)
class PostRequest:
    """One video to post. ``hashtags`` are added to ``text`` (``compose_text``) by the
    target; ``idempotency_key`` stays the same across retries, so a retry never posts twice
    (the outbox keeps it)."""

    file: Path
    text: str = ""
    alt_text: str = ""
    hashtags: tuple[str, ...] = ()
    visibility: Literal["public", "unlisted", "private", "direct"] = "public"
    """Mastodon only."""
    language: str | None = None
    """ISO 639-1 code of the text, when known."""
    size: tuple[int, int] | None = None
    """Width and height of the video as shown; probed when None (Bluesky needs it)."""
    idempotency_key: str = field(default_factory=lambda: new_idempotency_key())
    title: str = ""
    """Discord: the thread title, needed when the webhook posts to a forum or media channel."""
    retry: bool = False
    """An earlier try of this post may have reached the service (the outbox sets it)."""
    resume: Mapping[str, str] = field(default_factory=dict, compare=False)
    """What earlier tries learned (``Note``): an uploaded media id, a blob, a status id."""

    @property
    def full_text(self) -> str:
        return compose_text(self.text, self.hashtags)


@dataclass(frozen=True)
class PostResult:
    url: str
    """Where the post can be seen."""
    remote_id: str
    """The service's id of the post (Mastodon status id, Bluesky at:// URI, Discord message)."""


class PostTarget(ABC):
    """A signed-in account that can take a post."""

    platform: str
    """``mastodon``, ``bluesky`` or ``discord``."""

    def __init__(self, id: str, name: str, account: str) -> None:
        self.id = id
        """The account key (``Account.key``)."""
        self.name = name
        """The service as the user knows it: "Mastodon"."""
        self.account = account
        """Who posts: "@alice@mastodon.social"."""

    @abstractmethod
    def limits(self, *, cancel: CancelToken | None = None) -> Limits:
        """The service's limits (asked once, then remembered), else the preset's."""

    @abstractmethod
    def post(
        self,
        request: PostRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        note: Note | None = None,
    ) -> PostResult:
        """Upload ``request.file``, wait for the service to process it, then publish the post.
        ``progress`` gets the fraction done (0.0 to 1.0); ``note`` keeps what a retry needs.
        A retry (``request.retry``) first looks for the post an earlier try may have made."""


@dataclass(frozen=True)
class TextCount:
    """What the share panel's counter shows."""

    used: int
    limit: int | None
    unit: TextUnit

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else self.limit - self.used

    @property
    def over(self) -> bool:
        return self.limit is not None and self.used > self.limit


def count_text(target: PostTarget | Limits | str, text: str) -> TextCount:
    """Count ``text`` (hashtags already composed in: ``compose_text``) the way the target's
    service does. ``target`` is a target, its limits, or a preset id ("x", "threads").
    For a target this may ask the service once (``limits()``): call it from a worker, or
    pass the ``Limits`` fetched there."""
    if isinstance(target, PostTarget):
        limits = target.limits()
    elif isinstance(target, str):
        limits = _preset_limits(target)
    else:
        limits = target
    counted = text
    if not limits.mention_domains_count:
        counted = _MENTION_DOMAIN.sub(r"\1", counted)
    links = 0
    if limits.url_length is not None:
        counted, links = URL_PATTERN.subn("", counted)
    if limits.unit == "graphemes":
        used = grapheme_count(counted)
    elif limits.unit == "weighted":
        used = sum(_x_weight(cluster) for cluster in grapheme_clusters(counted))
    else:
        used = len(counted)
    return TextCount(used + links * (limits.url_length or 0), limits.text, limits.unit)


def compose_text(text: str, hashtags: tuple[str, ...] | list[str]) -> str:
    """``text`` followed by the hashtags it does not already contain, on a line of their own."""
    present = {tag.casefold() for _, _, tag in hashtag_spans(text)}
    tags = [tag for tag in normalize_hashtags(hashtags) if tag[1:].casefold() not in present]
    if not tags:
        return text.strip()
    return f"{text.strip()}\n\n{' '.join(tags)}" if text.strip() else " ".join(tags)


def hashtag_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, tag)`` of each ``#tag`` in ``text``: character offsets with the ``#``
    in the span, the tag without it. As Bluesky finds them: after a space or at the start,
    trailing punctuation left out, digits alone are no tag."""
    spans = []
    for match in _HASHTAG.finditer(text):
        raw = match.group(1)
        while raw and unicodedata.category(raw[-1]).startswith("P"):
            raw = raw[:-1]
        tag = "".join(c for c in raw if c not in _INVISIBLE)
        if not tag or all(c.isdigit() or unicodedata.category(c)[0] == "P" for c in tag):
            continue
        spans.append((match.start(), match.start(1) + len(raw), tag))
    return spans


def format_size(size: int) -> str:
    """``40 MB`` the way services write their limits: Mastodon and Discord mean MiB, Bluesky
    and the presets' decimal figures mean MB."""
    if size % MIB == 0:
        return f"{size // MIB} MB"
    if size % MB == 0:
        return f"{size // MB} MB"
    value = size / MIB
    return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB"


def file_size(path: Path) -> int:
    """Bytes of the file to post; ShareError when it is gone."""
    try:
        return path.stat().st_size
    except OSError as exc:
        raise ShareError(f"The file to post, {path.name}, cannot be read: {exc.strerror}.") from exc


def new_idempotency_key() -> str:
    """A fresh key: an AT Protocol TID (13 characters, time-ordered), also used by Bluesky as
    the record key of the post, and sent to Mastodon as ``Idempotency-Key``."""
    micros = time.time_ns() // 1000
    value = (micros << 10) | secrets.randbelow(1024)
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(13)))


_PRESET_FOR_PLATFORM = {
    "instagram": "instagram-reels",
    "facebook": "facebook-reels",
    "youtube": "youtube-shorts",
}


def _preset_limits(platform: str) -> Limits:
    limits = Limits.of_preset(_PRESET_FOR_PLATFORM.get(platform, platform))
    if limits.preset == "x":
        return Limits(
            280, "weighted", limits.max_video_size, limits.max_video_duration, "x", url_length=23
        )
    if limits.preset == "mastodon":
        return Limits(
            limits.text,
            "graphemes",
            limits.max_video_size,
            None,
            "mastodon",
            url_length=23,
            mention_domains_count=False,
        )
    return limits


def _x_weight(cluster: str) -> int:
    """twitter-text v3: an emoji sequence weighs 2; otherwise each code point in Latin,
    general punctuation and a few other ranges weighs 1, and any other 2."""
    light = (0, 4351), (8192, 8205), (8208, 8223), (8242, 8247)
    weights = [1 if any(lo <= ord(c) <= hi for lo, hi in light) else 2 for c in cluster]
    if len(cluster) > 1 and ord(cluster[0]) >= 0x2000 and weights[0] == 2:
        return 2
    return weights[0] if unicodedata.combining(cluster[-1]) else sum(weights)
