"""What ``moments story check`` reports: one ``Problem`` per line, ``error|warning CODE: …``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity} {self.code}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(code: str, message: str) -> Problem:
    return Problem(Severity.ERROR, code, message)


def warning(code: str, message: str) -> Problem:
    return Problem(Severity.WARNING, code, message)


CODES: dict[str, str] = {
    "BAD_JSON": "the file is not valid JSON (or not UTF-8)",
    "TOO_LARGE": "more segments, choices or bytes than Moments plays",
    "FORMAT": "a format version this Moments does not read",
    "SCHEMA": "the document does not match resources/story.schema.json",
    "DUPLICATE_ID": "a group has the id of a segment",
    "UNKNOWN_TARGET": "a start, next, option target or group candidate names nothing",
    "UNKNOWN_CHOICE": "a segment names a choice that does not exist",
    "UNKNOWN_MEDIA": "a segment names no media, or one that is not declared",
    "UNKNOWN_CHAPTER": "a segment names a chapter that does not exist",
    "UNKNOWN_VARIABLE": "a condition or change names a variable that is not declared",
    "BAD_RULE": "a JsonLogic rule that cannot be compiled (unknown operator…)",
    "BAD_VALUE": "a default or a change whose value does not fit the variable",
    "BAD_FOLLOW": "a segment with more than one of next, choice and ending",
    "DEAD_END": "a segment after which nothing can play",
    "UNREACHABLE": "a segment that never plays",
    "SAME_TARGET": "a choice whose options all lead to the same segment",
    "BAD_DEFAULT": "a default option that is not one of the choice's options",
    "DEFAULT_HIDDEN": "a default option that is hidden in some state",
    "LOOP_NO_CHOICE": "segments that follow each other in a circle with no choice in it",
    "BAD_TIMES": "a segment that ends before it starts, or a choice outside its segment",
    "OVERLAP": "two segments that share the same stretch of media",
    "MEDIA_MISSING": "a media file that does not exist or cannot be read",
    "OUTSIDE_MEDIA": "a segment that ends after its media does",
    "NO_KEYFRAME": "a segment start that is not on a keyframe (moments story prepare)",
    "NO_ENDING": "no ending can be reached",
    "UNUSED": "a choice, group, variable, chapter or media that nothing uses",
    "PARTIAL_CHECK": "too many states to try them all; state checks are partial",
}
"""Every code, with what it means (docs/stories.md lists them too)."""
