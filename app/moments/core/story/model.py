"""The story model: what a ``*.story.json`` says, as frozen dataclasses (times in ms).

Built by ``load.build_story`` from a schema-valid document. References (targets, choices,
chapters, variables) are kept as the ids the file names; ``check`` reports those that
name nothing, and ``load_story`` refuses such a story before anything plays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

FORMAT = 1
"""The format version this Moments reads and writes."""

Value = bool | int | str
"""A state variable's value."""

Rule = Any
"""A JsonLogic rule as parsed from JSON (a bool or a one-key object)."""


class VarType(StrEnum):
    BOOL = "bool"
    INT = "int"
    ENUM = "enum"


class SwitchMode(StrEnum):
    IMMEDIATE = "immediate"
    """Cut to the chosen branch the moment the viewer chooses."""
    SEGMENT_END = "segment_end"
    """Play the segment to its end, then continue with the chosen branch."""


class EndingKind(StrEnum):
    CREDITS = "credits"
    """A real ending: the story is over (the viewer may go back or play again)."""
    GO_BACK = "go_back"
    """A false ending: after it plays, the story returns to the last choice."""
    PLAY_AGAIN = "play_again"
    """After it plays, the story starts again from the beginning (persistent state kept)."""


@dataclass(frozen=True)
class Variable:
    name: str
    type: VarType
    default: Value
    values: tuple[str, ...] = ()
    """The allowed values of an enum."""
    minimum: int | None = None
    maximum: int | None = None
    persistent: bool = False
    """Kept across replays of the story (and when going back); else reset at each play."""
    description: str = ""


@dataclass(frozen=True)
class Ending:
    id: str
    title: str
    kind: EndingKind = EndingKind.CREDITS


@dataclass(frozen=True)
class Segment:
    id: str
    media: str
    """A key of ``Story.media``."""
    start_ms: int
    end_ms: int
    title: str = ""
    next: str | None = None
    """A segment or group id."""
    choice: str | None = None
    ending: Ending | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)
    """State changes applied when the segment starts playing."""
    chapter: str | None = None

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class Candidate:
    segment: str
    condition: Rule = True


@dataclass(frozen=True)
class Group:
    """Ordered candidates: the first whose condition holds plays."""

    id: str
    candidates: tuple[Candidate, ...]
    title: str = ""


@dataclass(frozen=True)
class Option:
    label: str
    target: str
    """A segment or group id."""
    changes: Mapping[str, Any] = field(default_factory=dict)
    condition: Rule = True
    """Hidden while this does not hold."""


DEFAULT_APPEAR_MS = -10_000


@dataclass(frozen=True)
class Choice:
    id: str
    prompt: str
    options: tuple[Option, ...]
    appear_ms: int | None = None
    """When the choice shows: ms after the segment starts, or before it ends when negative;
    None: ``DEFAULT_APPEAR_MS`` (10 s before the end, or the segment's start if shorter)."""
    disappear_ms: int | None = None
    """When it goes (the timer's end): same convention; None is the segment's end."""
    timer: bool = True
    """When the choice goes, its default is taken; without a timer the player waits."""
    default: int | None = 0
    """The option index (file order) taken when the timer runs out; None: random, drawn
    once per viewer (seeded) the first time the choice shows, then kept."""
    switch: SwitchMode = SwitchMode.SEGMENT_END

    def window(self, segment: Segment) -> tuple[int, int]:
        """(appear, disappear) as media times, clamped to the segment."""
        offset = DEFAULT_APPEAR_MS if self.appear_ms is None else self.appear_ms
        appear = _segment_time(segment, offset)
        disappear = (
            segment.end_ms
            if self.disappear_ms is None
            else (_segment_time(segment, self.disappear_ms))
        )
        return appear, max(appear, disappear)


def _segment_time(segment: Segment, offset: int) -> int:
    base = segment.start_ms if offset >= 0 else segment.end_ms
    return min(segment.end_ms, max(segment.start_ms, base + offset))


@dataclass(frozen=True)
class Chapter:
    id: str
    title: str


@dataclass(frozen=True)
class Story:
    path: Path
    """The story file; media paths are relative to its folder."""
    start: str
    media: Mapping[str, Path]
    variables: Mapping[str, Variable]
    segments: Mapping[str, Segment]
    groups: Mapping[str, Group]
    choices: Mapping[str, Choice]
    chapters: Mapping[str, Chapter]
    title: str = ""
    id: str = ""

    @property
    def identity(self) -> str:
        """What progress is kept under: the author's ``id``, else the file's full path."""
        return self.id or str(self.path.resolve())

    @property
    def display_title(self) -> str:
        name = self.path.name
        return self.title or (name[: -len(".story.json")] if name.endswith(".story.json") else name)

    def media_path(self, segment: Segment) -> Path:
        return self.media[segment.media]

    def endings(self) -> dict[str, Ending]:
        """Every ending, by id, in file order."""
        return {s.ending.id: s.ending for s in self.segments.values() if s.ending is not None}

    def targets(self, target: str) -> tuple[str, ...]:
        """The segments a target may play: itself, or each candidate of its group."""
        group = self.groups.get(target)
        if group is not None:
            return tuple(c.segment for c in group.candidates)
        return (target,) if target in self.segments else ()
