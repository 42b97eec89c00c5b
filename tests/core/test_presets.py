"""Presets and the check of a clip against them: each problem comes with its fix."""

import pytest

from moments.core.presets import (
    MIB,
    PRESET_IDS,
    ClipFacts,
    OutputKind,
    estimate_size,
    get_preset,
    grapheme_clusters,
    grapheme_count,
    normalize_hashtags,
    validate,
)


def facts(**changes: object) -> ClipFacts:
    base: dict[str, object] = {"duration": 10.0, "width": 1280, "height": 720, "fps": 30.0}
    return ClipFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_every_preset_of_the_issue_exists_with_its_limits() -> None:
    assert PRESET_IDS == (
        "original", "x", "instagram-reels", "tiktok", "youtube-shorts", "facebook-reels",
        "threads", "mastodon", "bluesky", "discord", "gif", "webp", "still",
    )  # fmt: skip
    assert get_preset("discord").max_size == 10 * MIB
    assert get_preset("bluesky").caption_unit == "graphemes"
    assert get_preset("gif").kind is OutputKind.GIF
    assert get_preset("gif").long_side == 480 and get_preset("gif").max_fps == 15
    assert get_preset("facebook-reels").max_duration == 90
    assert get_preset("threads").caption_limit == 500


def test_overrides_replace_limits_and_reject_unknown_keys() -> None:
    mastodon = get_preset("mastodon", {"max_size": 40 * MIB, "caption_limit": 5000})
    assert mastodon.max_size == 40 * MIB and mastodon.caption_limit == 5000
    assert get_preset("x", {"max_duration": None}).max_duration is None
    with pytest.raises(ValueError, match="cannot override"):
        get_preset("x", {"video_codec": "vp9"})
    with pytest.raises(KeyError, match="unknown preset"):
        get_preset("myspace")


def test_a_clip_within_limits_has_no_problem() -> None:
    assert validate(get_preset("x"), facts(text="hello #world", hashtags=1)) == []
    assert validate(get_preset("original"), facts(duration=7200)) == []


def test_too_long_offers_a_trim_to_the_limit() -> None:
    (problem,) = validate(get_preset("facebook-reels"), facts(duration=95, width=1080, height=1920))
    assert problem.code == "too-long" and problem.severity == "error"
    assert "1:30" in problem.message and "1:35" in problem.message
    assert problem.fix is not None
    assert (problem.fix.kind, problem.fix.value) == ("trim", 90)


def test_too_short_offers_to_lengthen() -> None:
    (problem,) = validate(get_preset("tiktok"), facts(duration=1.5, width=1080, height=1920))
    assert problem.code == "too-short"
    assert problem.fix is not None and (problem.fix.kind, problem.fix.value) == ("extend", 3)


def test_too_short_with_nothing_more_to_take_offers_no_lengthening() -> None:
    tiktok = get_preset("tiktok")
    (problem,) = validate(tiktok, facts(duration=2.17, width=1080, height=1920, room=2.17))
    assert problem.code == "too-short" and problem.severity == "error" and not problem.fixes
    assert "all there is is 0:02.170" in problem.message
    (roomy,) = validate(tiktok, facts(duration=1.5, width=1080, height=1920, room=3.0))
    assert roomy.fix is not None and roomy.fix.kind == "extend"


def test_a_small_picture_gets_a_heads_up_not_a_block() -> None:
    reels = get_preset("instagram-reels")
    (warning,) = validate(reels, facts(width=270, height=480))  # 640x480 framed 9:16
    assert warning.code == "small-picture" and warning.severity == "warning"
    assert "shows up to 1080x1920; at 270x480 (all the source has)" in warning.message
    assert validate(reels, facts(width=606, height=1080)) == []  # 1080p framed 9:16: fine
    assert validate(reels, facts(width=404, height=720)) == []  # 720p framed 9:16: fine
    (small,) = validate(get_preset("x"), facts(width=640, height=360))
    assert small.code == "small-picture" and "up to 1920x1080" in small.message
    assert validate(get_preset("original"), facts(width=320, height=180)) == []
    assert validate(get_preset("gif"), facts(width=240, height=135)) == []


def test_wrong_aspect_offers_9_16() -> None:
    (problem,) = validate(get_preset("youtube-shorts"), facts())
    assert problem.code == "aspect" and problem.severity == "error"
    assert problem.fix is not None and (problem.fix.kind, problem.fix.value) == ("aspect", "9:16")
    (warning,) = validate(get_preset("instagram-reels"), facts())
    assert warning.severity == "warning" and warning.fix is not None
    assert warning.fix.value == "9:16"
    assert validate(get_preset("instagram-reels"), facts(width=606, height=1080)) == []


def test_out_of_range_aspect_without_preference_picks_the_nearest_allowed() -> None:
    (problem,) = validate(get_preset("bluesky"), facts(width=1280, height=360))
    assert problem.fix is not None and problem.fix.value == "16:9"


def test_size_over_the_cap_offers_compression_resolution_and_trim() -> None:
    discord = get_preset("discord")
    size = estimate_size(discord, 1280, 720, 30, 600)
    (problem,) = validate(discord, facts(duration=600, estimated_size=size))
    assert problem.code == "too-big" and problem.severity == "warning"
    kinds = [fix.kind for fix in problem.fixes]
    assert kinds == ["target-size", "resolution", "trim"]
    assert problem.fixes[0].value == 10 * MIB
    assert 240 <= int(problem.fixes[1].value) < 1280
    assert 0 < float(problem.fixes[2].value) < 600
    small = estimate_size(discord, 1280, 720, 30, 20)
    assert validate(discord, facts(duration=20, estimated_size=small)) == []
    accepted = estimate_size(discord, 1280, 720, 30, 60)
    assert validate(discord, facts(duration=60, estimated_size=accepted, size_accepted=True)) == []


def test_text_length_and_hashtag_count() -> None:
    (problem,) = validate(get_preset("x"), facts(text="a" * 281))
    assert problem.code == "text-too-long"
    assert problem.fix is not None and problem.fix.value == 280
    family = "👨\u200d👩\u200d👧\u200d👦"
    assert validate(get_preset("bluesky"), facts(text=family * 300)) == []
    assert validate(get_preset("bluesky"), facts(text=family * 301))[0].code == "text-too-long"
    (tags,) = validate(get_preset("threads"), facts(text="#a #b", hashtags=2))
    assert tags.code == "too-many-hashtags"
    assert tags.fix is not None and (tags.fix.kind, tags.fix.value) == ("fewer-hashtags", 1)


@pytest.mark.parametrize(
    ("text", "count"),
    [("", 0), ("abc", 3), ("e\u0301", 1), ("🇫🇷🇯🇵", 2), ("👍🏽", 1), ("a\r\nb", 3), ("❤️", 1)],
)
def test_grapheme_count(text: str, count: int) -> None:
    assert grapheme_count(text) == count
    assert len(grapheme_clusters(text)) == count and "".join(grapheme_clusters(text)) == text


def test_grapheme_clusters_keep_sequences_whole() -> None:
    assert grapheme_clusters("a👍🏽🇫🇷e\u0301") == ["a", "👍🏽", "🇫🇷", "e\u0301"]


def test_normalize_hashtags() -> None:
    raw = ["#Good vibes!", "good-vibes", "café", "  ", "#2024", "東京", "#हिन्दी", "a_b", "🎬"]
    assert normalize_hashtags(raw) == ["#Goodvibes", "#café", "#東京", "#हिन्दी", "#a_b"]


def test_estimates_grow_with_size_and_quality() -> None:
    x = get_preset("x")
    assert estimate_size(x, 1280, 720, 30, 10) > estimate_size(x, 640, 360, 30, 10)
    assert estimate_size(get_preset("original"), 1280, 720, 30, 10) > estimate_size(
        x, 1280, 720, 30, 10
    )
