"""Bluesky post text: rich-text facets (hashtags and links) with UTF-8 byte offsets, and the
post's limits (300 graphemes, 3000 bytes)."""

from __future__ import annotations

from typing import Any

from moments.core.presets import grapheme_count
from moments.share.base import URL_PATTERN, hashtag_spans

MAX_GRAPHEMES = 300
MAX_BYTES = 3000
MAX_TAG_GRAPHEMES = 64
TAG = "app.bsky.richtext.facet#tag"
LINK = "app.bsky.richtext.facet#link"


def facets(text: str) -> list[dict[str, Any]]:
    """``app.bsky.richtext.facet`` records for the hashtags and links in ``text``.

    ``byteStart``/``byteEnd`` count UTF-8 bytes from the start of the text (end exclusive),
    as the lexicon requires: an emoji before a tag moves it by 4 bytes, not 1 or 2.
    """
    found: list[tuple[int, int, dict[str, str]]] = []
    links = [(m.start(), m.end()) for m in URL_PATTERN.finditer(text)]
    for start, end in links:
        found.append((start, end, {"$type": LINK, "uri": text[start:end]}))
    for start, end, tag in hashtag_spans(text):
        inside_link = any(a <= start < b for a, b in links)
        if not inside_link and grapheme_count(tag) <= MAX_TAG_GRAPHEMES:
            found.append((start, end, {"$type": TAG, "tag": tag}))
    found.sort(key=lambda item: item[0])
    return [
        {
            "index": {"byteStart": byte_offset(text, start), "byteEnd": byte_offset(text, end)},
            "features": [feature],
        }
        for start, end, feature in found
    ]


def byte_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of character ``index`` of ``text``."""
    return len(text[:index].encode("utf-8"))


def too_long(text: str) -> str | None:
    """Why ``text`` is too long for one Bluesky post, or None."""
    graphemes = grapheme_count(text)
    if graphemes > MAX_GRAPHEMES:
        return (
            f"The text is {graphemes} characters long; Bluesky posts hold {MAX_GRAPHEMES}. "
            "Shorten it and post again."
        )
    if len(text.encode("utf-8")) > MAX_BYTES:
        return "The text is too long for one Bluesky post. Shorten it and post again."
    return None
