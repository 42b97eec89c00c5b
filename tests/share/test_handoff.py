"""Hand-off data for the platforms Moments cannot post to."""

from __future__ import annotations

import urllib.parse

import pytest

from moments.core.presets import PRESET_IDS
from moments.share.handoff import HANDOFF_PLATFORMS, handoff_for


def test_x_gets_an_encoded_intent_with_caption_and_hashtags() -> None:
    handoff = handoff_for("x", "Best scene & more? 100% 🎬", ["Moments", "日本"])
    assert handoff.preset == "x" and handoff.name == "X"
    assert handoff.text == "Best scene & more? 100% 🎬\n\n#Moments #日本"
    base, query = handoff.url.split("?", 1)
    assert base == "https://x.com/intent/post"
    assert " " not in query and "&more" not in query and "#" not in query
    assert urllib.parse.parse_qs(query) == {"text": [handoff.text]}
    assert handoff.count.limit == 280 and not handoff.count.over


@pytest.mark.parametrize("platform", HANDOFF_PLATFORMS)
def test_every_platform_has_a_page_and_a_preset(platform: str) -> None:
    handoff = handoff_for(platform, "Hi", ["a", "b"])
    assert handoff.url.startswith("https://") and handoff.preset in PRESET_IDS
    assert handoff.text.startswith("Hi") and handoff.instructions


def test_threads_keeps_one_hashtag() -> None:
    handoff = handoff_for("threads", "Hi", ["first", "second"])
    assert handoff.text == "Hi\n\n#first"
    assert handoff.url.startswith("https://www.threads.net/intent/post?text=Hi")


def test_unknown_platform() -> None:
    with pytest.raises(KeyError, match="no hand-off"):
        handoff_for("myspace")
