"""Grapheme clusters per UAX #29, checked against every line of Unicode's own
GraphemeBreakTest.txt (17.0.0, tests/conformance/unicode/; provenance in SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from moments.core.presets import grapheme_clusters, grapheme_count
from moments.share.base import count_text
from moments.share.bluesky_text import too_long

TEST_FILE = Path(__file__).parent / "unicode" / "GraphemeBreakTest.txt"

KNOWN_REGEX_GB9C = {
    "÷ 094D ÷ 0915 ÷",
    "÷ 094D × 0308 ÷ 0915 ÷",
    "÷ 0061 × 094D ÷ 0924 ÷",
    "÷ 003F × 094D ÷ 0924 ÷",
}
"""Lines the ``regex`` module gets wrong: a virama (InCB=Linker) that follows no consonant
still joins the next consonant (rule GB9c). Strict: the test fails when ``regex`` fixes them."""


def cases() -> list[tuple[str, list[str]]]:
    found = []
    for raw in TEST_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        clusters = [
            "".join(chr(int(code, 16)) for code in part.replace("×", " ").split())
            for part in line.strip("÷ ").split("÷")
        ]
        found.append((line, clusters))
    return found


CASES = cases()


def test_the_whole_file_is_read() -> None:
    assert TEST_FILE.read_text(encoding="utf-8").startswith("# GraphemeBreakTest-17.0.0.txt")
    assert len(CASES) == 766


def test_every_line_of_grapheme_break_test() -> None:
    wrong = {
        line
        for line, clusters in CASES
        if grapheme_clusters("".join(clusters)) != clusters
        or grapheme_count("".join(clusters)) != len(clusters)
    }
    assert wrong == KNOWN_REGEX_GB9C


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("한국어", 3),  # precomposed Hangul syllables
        ("\u1100\u1161\u11a8", 1),  # conjoining jamo L V T: one syllable
        ("नमस्ते", 3),  # Devanagari: न, म, स्ते (virama joins the conjunct, GB9c)
        ("กำ", 1),  # Thai SARA AM is a SpacingMark
        ("\u0600\u0661", 1),  # a prepended concatenation mark
        ("a\u200d", 1),  # a lone ZWJ extends
        ("👩‍👩‍👧🇫🇷👍🏽", 3),
    ],
)
def test_scripts_the_old_tables_got_wrong(text: str, count: int) -> None:
    assert grapheme_count(text) == count
    assert count_text("bluesky", text).used == count


def test_bluesky_counts_graphemes_not_code_points() -> None:
    assert too_long("\u1100\u1161\u11a8" * 300) is None  # 900 code points, 300 graphemes
    assert too_long("\u1100\u1161\u11a8" * 301) is not None
