"""What the interpreter tells its driver (the player, ``walk``): plain frozen values, media
times in milliseconds of the media file (not of the story)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moments.core.story.model import EndingKind, Story, SwitchMode, Value
from moments.core.story.state import restore


@dataclass(frozen=True)
class Clip:
    """What plays: ``media`` from ``start_ms`` to ``end_ms`` (the segment's end)."""

    segment: str
    media: Path
    start_ms: int
    end_ms: int
    title: str = ""
    segment_start_ms: int = 0
    """The segment's own start (``start_ms`` is later after going back or resuming)."""
    is_ending: bool = False


@dataclass(frozen=True)
class OptionView:
    index: int
    """The option's index in the story file: what ``choose()`` takes."""
    label: str
    leads_to: Clip
    """What plays if it is chosen: pre-roll it for a seamless switch."""


@dataclass(frozen=True)
class ChoiceView:
    id: str
    prompt: str
    options: tuple[OptionView, ...]
    """The visible options, in the file's order (hidden ones are left out)."""
    appear_ms: int
    disappear_ms: int
    """Media times; with a timer, the default is taken at ``disappear_ms``."""
    timer: bool
    default: int
    """The option index the timer takes; always one of ``options``."""
    switch: SwitchMode

    def option(self, index: int) -> OptionView:
        for option in self.options:
            if option.index == index:
                return option
        raise ValueError(f"option {index} of choice “{self.id}” is not shown now")


@dataclass(frozen=True)
class Decision:
    choice: str
    option: int
    label: str
    timed_out: bool
    at_ms: int
    """The media time the choice was made (the timer's end when it ran out)."""
    switch_at_ms: int
    """The media time to cut to ``next``: ``at_ms`` for an immediate switch, else the
    segment's end."""
    next: Clip


@dataclass(frozen=True)
class EndingView:
    id: str
    title: str
    kind: EndingKind
    segment: str


@dataclass(frozen=True)
class PlayedSpan:
    """A stretch of media the viewer saw, in order: Moments and the recap join these."""

    segment: str
    media: Path
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class ChoiceMade:
    choice: str
    prompt: str
    option: int
    label: str
    timed_out: bool
    appear_ms: int
    at_ms: int

    def to_json(self) -> dict[str, Any]:
        return {
            "choice": self.choice,
            "prompt": self.prompt,
            "option": self.option,
            "label": self.label,
            "timed_out": self.timed_out,
            "appear_ms": self.appear_ms,
            "at_ms": self.at_ms,
        }


@dataclass(frozen=True)
class PathStep:
    """One segment of the current run: the state once it started, and the choice made in it."""

    segment: str
    state: dict[str, Value]
    choice: ChoiceMade | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"segment": self.segment, "state": dict(self.state)}
        if self.choice is not None:
            data["choice"] = self.choice.to_json()
        return data

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], story: Story, base: Mapping[str, Value]
    ) -> PathStep:
        """Raises KeyError/TypeError/ValueError when ``data`` does not fit ``story``."""
        segment = story.segments[data["segment"]].id
        made = data.get("choice")
        choice = None
        if made is not None:
            choice = ChoiceMade(
                str(made["choice"]),
                str(made["prompt"]),
                int(made["option"]),
                str(made["label"]),
                bool(made["timed_out"]),
                int(made["appear_ms"]),
                int(made["at_ms"]),
            )
        return cls(segment, restore(story, data["state"], base), choice)
