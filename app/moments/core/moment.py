"""A Moment: the stretch of a source the viewer kept, and where its raw clip is stored.

Times are seconds in the source's own timeline: the time libVLC and ``ffmpeg -ss`` use for
that source (its first packet is 0). For a live source recorded by ``media/ring.py`` the
timeline is the ring's (see there).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from moments.core.source import display_name, is_url
from moments.core.timefmt import format_time


@dataclass(frozen=True)
class SourceRange:
    """``[start, end)`` of ``source``, in seconds of the source's own timeline."""

    source: str
    start: float
    end: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.start) and math.isfinite(self.end)):
            raise ValueError(f"range times must be finite: {self.start!r}, {self.end!r}")
        if self.start < 0:
            raise ValueError(f"range start is negative: {self.start!r}")
        if not self.start < self.end:
            raise ValueError(f"range must end after it starts: {self.start!r} >= {self.end!r}")

    @property
    def duration(self) -> float:
        return self.end - self.start

    def contains(self, t: float) -> bool:
        return self.start <= t < self.end

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "start": self.start, "end": self.end}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceRange:
        return cls(str(data["source"]), float(data["start"]), float(data["end"]))


@dataclass(frozen=True)
class Moment:
    """What the Moments button kept. ``id`` is None until the library stores it.

    ``raw_offset`` maps the raw clip to the source: ``source_time = clip_time + raw_offset``,
    clip time measured from the clip's start as ffmpeg does (``media/capture.py``).
    ``edits`` is JSON-able; treat it as read-only and use ``with_edits`` to change it.
    """

    id: int | None
    title: str
    source: str
    ranges: tuple[SourceRange, ...]
    press_time: float
    created_at: float
    raw_clip: str | None = None
    raw_offset: float = 0.0
    thumbnail: str | None = None
    edits: dict[str, Any] = field(default_factory=dict)
    is_live: bool = False
    start_why: str = ""
    """Why the start is where it is: ``cut``, ``sentence``, ``pause`` or ``clock``
    (``core/scene/snapping``); empty for moments kept before Moments said."""
    end_why: str = ""
    story: dict[str, Any] = field(default_factory=dict)
    """For a moment kept in an interactive story, where the story was (JSON): the story file,
    its identity and title, the segment, the state and the run to resume it
    (``StoryEngine.snapshot``); empty otherwise."""

    def __post_init__(self) -> None:
        if not self.ranges:
            raise ValueError("a moment needs at least one range")

    @classmethod
    def new(
        cls,
        source: str,
        ranges: tuple[SourceRange, ...] | list[SourceRange],
        press_time: float,
        *,
        is_live: bool = False,
        title: str | None = None,
        start_why: str = "clock",
        end_why: str = "clock",
    ) -> Moment:
        """A fresh, unsaved Moment titled ``"film.mkv at 1:23"`` unless ``title`` is given;
        its ends are the clock's unless snapping says otherwise."""
        default = f"{display_name(source)} at {format_time(press_time)}"
        return cls(
            id=None,
            title=title if title is not None else default,
            source=source,
            ranges=tuple(ranges),
            press_time=press_time,
            created_at=time.time(),
            is_live=is_live,
            start_why=start_why,
            end_why=end_why,
        )

    @property
    def duration(self) -> float:
        """Seconds of media kept, over all ranges."""
        return sum(r.duration for r in self.ranges)

    @property
    def start(self) -> float:
        return self.ranges[0].start

    @property
    def end(self) -> float:
        return self.ranges[-1].end

    def with_id(self, moment_id: int) -> Moment:
        return replace(self, id=moment_id)

    def with_title(self, title: str) -> Moment:
        return replace(self, title=title)

    def with_ranges(self, ranges: tuple[SourceRange, ...] | list[SourceRange]) -> Moment:
        return replace(self, ranges=tuple(ranges))

    def with_capture(
        self, raw_clip: str | None, raw_offset: float, thumbnail: str | None
    ) -> Moment:
        return replace(self, raw_clip=raw_clip, raw_offset=raw_offset, thumbnail=thumbnail)

    def with_why(self, start_why: str, end_why: str) -> Moment:
        return replace(self, start_why=start_why, end_why=end_why)

    def with_story(self, story: dict[str, Any]) -> Moment:
        return replace(self, story=dict(story))

    def with_edits(self, edits: dict[str, Any]) -> Moment:
        return replace(self, edits=dict(edits))

    def pictures(self) -> tuple[str, float]:
        """Where to read the moment's pictures and sound: the source while it is there (a
        file that still exists, or a URL that is not live), else the raw clip. Returns the
        location and the offset to add to its times to get source times."""
        if not self.is_live and (is_url(self.source) or Path(self.source).is_file()):
            return self.source, 0.0
        if self.raw_clip and Path(self.raw_clip).is_file():
            return self.raw_clip, self.raw_offset
        return self.source, 0.0

    def pictures_for_player(self) -> tuple[str, float]:
        """``pictures()`` as libVLC counts time: it shows a Matroska raw clip with the clip's
        own timestamps, which are source (or ring) times, so the offset there is 0. ffmpeg
        counts ``-ss`` from the clip's start and needs ``pictures()``'s offset."""
        location, offset = self.pictures()
        if location == self.raw_clip and location.lower().endswith(".mkv"):
            return location, 0.0
        return location, offset


def ranges_to_json(ranges: tuple[SourceRange, ...]) -> list[dict[str, Any]]:
    return [r.to_json() for r in ranges]


def ranges_from_json(data: list[dict[str, Any]]) -> tuple[SourceRange, ...]:
    return tuple(SourceRange.from_json(item) for item in data)
