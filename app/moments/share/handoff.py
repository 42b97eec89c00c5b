"""Platforms Moments cannot post to: what the share panel hands over instead.

For each, the preset to export with, the page to open (X and Threads: a compose intent with
the text filled in) and the text to copy. The UI copies the text, reveals the file and
opens the page; this module only returns data.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from moments.core.presets import get_preset, normalize_hashtags
from moments.share.base import TextCount, compose_text, count_text


@dataclass(frozen=True)
class Handoff:
    platform: str
    name: str
    preset: str
    """Export with this preset id first."""
    url: str
    """Open this page in the browser."""
    text: str
    """Copy this to the clipboard (caption and hashtags)."""
    instructions: str
    """One sentence for the panel."""
    count: TextCount
    """``text`` counted as the platform does, with its limit."""

    @property
    def site(self) -> str:
        """The service's address as people type it ("x.com", "tiktok.com")."""
        host = urllib.parse.urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")


@dataclass(frozen=True)
class _Platform:
    name: str
    preset: str
    upload_url: str
    intent: str | None = None
    """A compose page taking ``?text=``."""


PLATFORMS: dict[str, _Platform] = {
    "x": _Platform("X", "x", "https://x.com/compose/post", "https://x.com/intent/post"),
    "instagram": _Platform("Instagram", "instagram-reels", "https://www.instagram.com/"),
    "facebook": _Platform("Facebook", "facebook-reels", "https://www.facebook.com/reels/create"),
    "threads": _Platform(
        "Threads", "threads", "https://www.threads.net/", "https://www.threads.net/intent/post"
    ),
    "tiktok": _Platform("TikTok", "tiktok", "https://www.tiktok.com/tiktokstudio/upload"),
    "youtube": _Platform("YouTube Shorts", "youtube-shorts", "https://www.youtube.com/upload"),
}
HANDOFF_PLATFORMS = tuple(PLATFORMS)


def handoff_for(
    platform: str, text: str = "", hashtags: tuple[str, ...] | list[str] = ()
) -> Handoff:
    """What to do to post on ``platform`` (one of ``HANDOFF_PLATFORMS``). Hashtags beyond the
    platform's maximum are left out (Threads: one)."""
    try:
        spec = PLATFORMS[platform]
    except KeyError:
        raise KeyError(f"no hand-off for {platform!r} (use {', '.join(PLATFORMS)})") from None
    preset = get_preset(spec.preset)
    tags = normalize_hashtags(hashtags)
    if preset.max_hashtags is not None:
        tags = tags[: preset.max_hashtags]
    full = compose_text(text, tags)
    url = spec.upload_url
    if spec.intent is not None:
        url = (
            f"{spec.intent}?{urllib.parse.urlencode({'text': full}, quote_via=urllib.parse.quote)}"
        )
    if spec.intent is not None:
        steps = (
            f"{spec.name} opens with the text filled in: attach the exported video "
            "(its folder is open) and post."
        )
    else:
        steps = (
            f"The text is copied: on {spec.name}, start a new post, choose the exported "
            "video (its folder is open) and paste the text."
        )
    return Handoff(platform, spec.name, spec.preset, url, full, steps, count_text(platform, full))
