"""A story's rules applied to a state: conditions, changes, and which segment a target
plays (a group's first candidate whose condition holds). Story defects met while playing
become ``StoryError``s the viewer reads."""

from __future__ import annotations

from collections.abc import Mapping

from moments.core.errors import StoryError
from moments.core.story.logic import Logic, LogicError
from moments.core.story.model import Rule, Segment, Story
from moments.core.story.state import State, StateError, apply_changes
from moments.core.story.views import Clip


class StoryRules:
    def __init__(self, story: Story, logic: Logic | None = None) -> None:
        self.story = story
        self.logic = logic or Logic()

    def holds(self, rule: Rule, state: Mapping[str, object], where: str) -> bool:
        try:
            return self.logic.holds(rule, state)  # type: ignore[arg-type]
        except LogicError as exc:
            raise StoryError(f"A condition of {where} cannot be worked out: {exc}.") from exc

    def apply(self, state: State, changes: Mapping[str, object], where: str) -> State:
        try:
            return apply_changes(self.story, self.logic, state, changes)
        except StateError as exc:
            raise StoryError(f"The story cannot go on: {where} sets {exc}.") from exc

    def resolve(self, target: str, state: State) -> Segment:
        """The segment ``target`` plays in ``state``."""
        group = self.story.groups.get(target)
        if group is None:
            return self.story.segments[target]
        for candidate in group.candidates:
            if self.holds(candidate.condition, state, f"group “{group.id}”"):
                return self.story.segments[candidate.segment]
        raise StoryError(f"The story stops: no segment of the group “{group.id}” fits this state.")

    def clip(self, segment: Segment) -> Clip:
        return Clip(
            segment.id,
            self.story.media_path(segment),
            segment.start_ms,
            segment.end_ms,
            segment.title,
            segment.start_ms,
            segment.ending is not None,
        )
