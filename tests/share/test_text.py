"""Post text: hashtags composed in, counted the way each service counts, found as Bluesky
finds them."""

from __future__ import annotations

import pytest

from moments.share.base import compose_text, count_text, hashtag_spans, new_idempotency_key


def test_hashtags_are_added_once_on_their_own_line() -> None:
    assert compose_text("What a scene!", ["Moments", "#cinéma", "moments"]) == (
        "What a scene!\n\n#Moments #cinéma"
    )
    assert compose_text("Loved #Moments here", ["moments", "films"]) == (
        "Loved #Moments here\n\n#films"
    )
    assert compose_text("  ", ["a b"]) == "#ab"
    assert compose_text("Just text ", []) == "Just text"


def test_hashtag_spans_follow_bluesky_rules() -> None:
    text = "#start mid#no (#yes) #123 #日本映画! #हिन्दी\n#x️"
    found = [(text[a:b], tag) for a, b, tag in hashtag_spans(text)]
    assert found == [
        ("#start", "start"),
        ("#日本映画", "日本映画"),
        ("#हिन्दी", "हिन्दी"),
        ("#x️", "x"),
    ]


@pytest.mark.parametrize(
    ("platform", "text", "used", "limit"),
    [
        ("bluesky", "👨‍👩‍👧‍👦" * 3 + "é", 4, 300),
        ("discord", "👍🏽", 2, 2000),  # characters: code points
        ("x", "hello", 5, 280),
        ("x", "日本", 4, 280),
        ("x", "👨‍👩‍👧‍👦 https://example.com/a/b/c/d/e/f", 2 + 1 + 23, 280),
        ("threads", "abc", 3, 500),
        ("facebook", "abc", 3, None),
    ],
)
def test_count_text_per_platform(platform: str, text: str, used: int, limit: int | None) -> None:
    count = count_text(platform, text)
    assert (count.used, count.limit) == (used, limit)
    assert count.remaining == (None if limit is None else limit - used)
    assert not count.over


def test_over_the_limit() -> None:
    count = count_text("bluesky", "a" * 301)
    assert count.over and count.remaining == -1 and count.unit == "graphemes"


def test_idempotency_keys_are_tids() -> None:
    keys = {new_idempotency_key() for _ in range(200)}
    assert len(keys) == 200
    assert all(len(k) == 13 and k[0] in "234567abcdefghij" for k in keys)
