"""Story errors that need the media: missing files, segments past the end, segment starts
off a keyframe. The facts come from ``moments.media.story_media`` (ffprobe); this module
only judges them, so it stays pure."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from moments.core.story.model import Story
from moments.core.story.problems import Problem, error, warning


@dataclass(frozen=True)
class MediaFacts:
    duration_ms: int | None
    frame_ms: float = 40.0
    keyframes_ms: tuple[int, ...] | None = None
    """Sorted times of the video's keyframes from the file's first frame; None: not read."""
    unreadable: str = ""
    """Why the file cannot be used (missing, not media…); empty when it can."""


def media_problems(story: Story, facts: Mapping[str, MediaFacts]) -> list[Problem]:
    return list(_media_problems(story, facts))


def _media_problems(story: Story, facts: Mapping[str, MediaFacts]) -> Iterator[Problem]:
    for unusable in facts.values():
        if unusable.unreadable:
            yield error("MEDIA_MISSING", unusable.unreadable)
    for segment in story.segments.values():
        fact = facts.get(segment.media)
        if fact is None or fact.unreadable:
            continue
        name = story.media[segment.media].name
        if fact.duration_ms is not None and segment.end_ms > fact.duration_ms + fact.frame_ms:
            yield error(
                "OUTSIDE_MEDIA",
                f"segment “{segment.id}” ends at {_ms(segment.end_ms)}, after “{name}” does "
                f"({_ms(fact.duration_ms)})",
            )
        if fact.keyframes_ms is not None and not _on_keyframe(
            segment.start_ms, fact.keyframes_ms, fact.frame_ms
        ):
            yield warning(
                "NO_KEYFRAME",
                f"segment “{segment.id}” starts at {_ms(segment.start_ms)} in “{name}”, "
                "not on a keyframe: the switch to it may stutter (moments story prepare)",
            )


def _on_keyframe(start_ms: int, keyframes: tuple[int, ...], frame_ms: float) -> bool:
    """A keyframe within half a frame of ``start_ms``."""
    at = bisect_left(keyframes, start_ms - frame_ms / 2)
    return at < len(keyframes) and keyframes[at] <= start_ms + frame_ms / 2


def _ms(value: int) -> str:
    minutes, ms = divmod(value, 60_000)
    return f"{minutes}:{ms / 1000:06.3f}"
