"""Bluesky's own facet detection table (bluesky-social/atproto
``packages/api/tests/rich-text-detection.test.ts``, copied beside this file) run on
``share/bluesky_text.facets``: every link row, every hashtag row, every cashtag row.
Mention rows are left out: Moments makes no mention facets (a handle must be resolved)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from moments.share.bluesky_text import LINK, TAG, facets

TABLE = (Path(__file__).parent / "atproto" / "rich-text-detection.test.ts").read_text("utf-8")
_TOKEN = re.compile(r"\s*(?:(//[^\n]*)|('(?:[^'\\]|\\.)*')|([\[\]{},:])|([A-Za-z_]\w*)|(-?\d+))")


def js_literal(source: str) -> Any:
    """The value of a JavaScript literal made of arrays, objects, strings and numbers."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(source.rstrip()):
        match = _TOKEN.match(source, position)
        assert match, source[position : position + 40]
        position = match.end()
        _comment, string, punct, name, number = match.groups()
        if string is not None:
            tokens.append(("str", string))
        elif punct is not None:
            tokens.append(("p", punct))
        elif name is not None:
            tokens.append(("name", name))
        elif number is not None:
            tokens.append(("num", number))
    value, rest = _parse(tokens)
    assert not rest
    return value


def _unescape(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(
        r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|.)",
        lambda m: (
            {"n": "\n", "t": "\t", "'": "'", "\\": "\\"}.get(m.group(1))
            or chr(int(m.group(1)[1:].strip("{}"), 16))
        ),
        body,
    )


def _parse(tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
    kind, text = tokens[0]
    rest = tokens[1:]
    if kind == "str":
        return _unescape(text), rest
    if kind == "num":
        return int(text), rest
    if text == "[":
        items = []
        while rest[0] != ("p", "]"):
            item, rest = _parse(rest)
            items.append(item)
            if rest[0] == ("p", ","):
                rest = rest[1:]
        return items, rest[1:]
    if text == "{":
        obj = {}
        while rest[0] != ("p", "}"):
            key = rest[0][1]
            value, rest = _parse(rest[2:])
            obj[key] = value
            if rest[0] == ("p", ","):
                rest = rest[1:]
        return obj, rest[1:]
    raise AssertionError(f"unexpected {text}")


def _array_after(marker: str, then: str = "") -> Any:
    """The array literal after ``marker`` (and after ``then``, when given)."""
    source = TABLE
    start = source.index(marker) + len(marker)
    if then:
        start = source.index(then, start) + len(then)
    start = source.index("[", start)
    depth, index = 0, start
    while True:
        char = source[index]
        if char == "'":
            index = source.index("'", index + 1)
            while source[index - 1] == "\\":
                index = source.index("'", index + 1)
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return js_literal(source[start : index + 1])
        index += 1


INPUTS = _array_after("const inputs = ")
OUTPUTS = _array_after("const outputs: string[][][] = ")
TAG_ROWS = _array_after("describe('correctly detects tags inline'", "][] = ")
CASHTAG_ROWS = _array_after("describe('correctly detects cashtags inline'", "][] = ")


def segments(text: str) -> list[list[str]]:
    """The test's ``segmentToOutput``: [text] for plain runs, [text, uri] for links."""
    data, out, at = text.encode(), [], 0
    for facet in facets(text):
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        if start > at:
            out.append([data[at:start].decode()])
        feature = facet["features"][0]
        out.append([data[start:end].decode(), feature.get("uri", "")])
        at = end
    if at < len(data):
        out.append([data[at:].decode()])
    return out


LINK_ROWS = [
    (text, expected)
    for text, expected in zip(INPUTS, OUTPUTS, strict=True)
    if not any(part[-1].startswith("did:") for part in expected if len(part) == 2)
    and "@" not in text
]


def test_the_table_is_read() -> None:
    assert len(INPUTS) == len(OUTPUTS) == 40 and len(LINK_ROWS) == 30
    assert len(TAG_ROWS) == 39 and len(CASHTAG_ROWS) == 18


@pytest.mark.parametrize(("text", "expected"), LINK_ROWS, ids=[t for t, _ in LINK_ROWS])
def test_links_as_bluesky_detects_them(text: str, expected: list[list[str]]) -> None:
    assert segments(text) == expected


@pytest.mark.parametrize(("text", "tags", "indices"), TAG_ROWS, ids=[r[0] for r in TAG_ROWS])
def test_hashtags_as_bluesky_detects_them(
    text: str, tags: list[str], indices: list[dict[str, int]]
) -> None:
    found = [f for f in facets(text) if f["features"][0]["$type"] == TAG]
    found = [f for f in found if not f["features"][0]["tag"].startswith("$")]
    assert [f["features"][0]["tag"] for f in found] == tags
    assert [f["index"] for f in found] == indices


@pytest.mark.parametrize(
    ("text", "tags", "indices"), CASHTAG_ROWS, ids=[r[0] for r in CASHTAG_ROWS]
)
def test_cashtags_as_bluesky_detects_them(
    text: str, tags: list[str], indices: list[dict[str, int]]
) -> None:
    found = [f for f in facets(text) if f["features"][0]["$type"] == TAG]
    found = [f for f in found if f["features"][0]["tag"].startswith("$")]
    assert [f["features"][0]["tag"] for f in found] == tags
    assert [f["index"] for f in found] == indices
    assert all(f["features"][0]["$type"] != LINK for f in found)
