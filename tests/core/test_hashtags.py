"""Hashtag suggestions from file names and titles."""

import pytest

from moments.core.hashtags import suggest_hashtags, title_words


@pytest.mark.parametrize(
    ("title", "tags"),
    [
        ("The.Grand.Budapest.Hotel.2014.1080p.BluRay.x264.mkv",
         ["#GrandBudapestHotel", "#Grand", "#Budapest", "#Hotel"]),
        ("His Girl Friday", ["#HisGirlFriday", "#Girl", "#Friday"]),
        ("Breaking.Bad.S02E03.720p.WEB-DL.mkv", ["#BreakingBad", "#Breaking", "#Bad"]),
        ("2001.A.Space.Odyssey.1968.mkv", ["#2001ASpaceOdyssey", "#Space", "#Odyssey"]),
        ("[YTS] Amélie (2001) [1080p].mp4", ["#Amélie"]),
        ("The Lord of the Rings - The Fellowship of the Ring (2001)",
         ["#LordOfTheRings", "#Lord", "#Rings", "#Fellowship", "#Ring"]),
        ("Лёгкое дыхание.mp4", ["#ЛёгкоеДыхание", "#Лёгкое", "#Дыхание"]),
        ("東京物語.mkv", ["#東京物語"]),
        ("counter.mp4 at 0:05", ["#Counter"]),
        ("VID_20240501_123456.mp4", []),
        ("film.mkv at 1:23", []),
        ("index.m3u8", []),
        ("1917", []),
        ("", []),
    ],
)  # fmt: skip
def test_suggestions(title: str, tags: list[str]) -> None:
    assert suggest_hashtags(title) == tags


def test_limit_and_title_words() -> None:
    assert suggest_hashtags("Alpha Bravo Charlie Delta Echo", limit=2) == [
        "#AlphaBravoCharlieDeltaEcho",
        "#Alpha",
    ]
    assert title_words("Some.Show.S01E02.Name.mkv") == ["Some", "Show"]
    assert title_words("1917.2019.mkv") == ["1917"]  # a leading year is the title
    long = "A Very Long Title With Many Many Words In It"
    assert not suggest_hashtags(long)[0].startswith("#VeryLongTitle")  # too long to read
