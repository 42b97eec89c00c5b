"""Story errors that depend on state, found by trying every state a viewer can reach.

A breadth-first walk over (segment, state) pairs from the start: every visible option,
every group resolved, endings followed by a replay that keeps the persistent variables.
Going back keeps persistent values too, so each persistent combination found is also
tried at every choice met (a slight over-approximation: it may try a combination no
single viewer's path has). Past ``MAX_CONFIGS`` pairs the walk stops and says so.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from moments.core.errors import StoryError
from moments.core.story.graph import reachable_segments
from moments.core.story.model import Rule, Segment, Story, Value
from moments.core.story.problems import Problem, error, warning
from moments.core.story.rules import StoryRules
from moments.core.story.state import State, defaults, persistent_part

MAX_CONFIGS = 20_000

StateKey = tuple[Value, ...]


@dataclass
class _ChoiceStats:
    met: int = 0
    one_target: int = 0
    one_outcome: int = 0
    targets: set[str] = field(default_factory=set)


@dataclass
class Exploration:
    reached: set[str] = field(default_factory=set)
    complete: bool = True
    configs: int = 0
    problems: dict[str, Problem] = field(default_factory=dict)
    """By place, so each defect is reported once (with the first state that shows it)."""
    choices: dict[str, _ChoiceStats] = field(default_factory=dict)
    hidden_defaults: dict[str, State] = field(default_factory=dict)


class _Memo:
    """``StoryRules`` answers remembered per state: a story has few distinct states, each
    met at many segments. States are interned (one dict per distinct state), so the caches
    are keyed by identity and never rebuild a key."""

    def __init__(self, rules: StoryRules, names: list[str]) -> None:
        self.rules, self.names = rules, names
        self.states: dict[StateKey, State] = {}
        self._holds: dict[tuple[int, int], bool] = {}
        self._apply: dict[tuple[int, int], State] = {}
        self._resolve: dict[tuple[str, int], Segment] = {}
        self._same: dict[int, tuple[object, int]] = {}
        self._content: dict[str, int] = {}

    def same(self, value: object) -> int:
        """One number per distinct content: equal rules or changes written at many places
        share their cached answers."""
        known = self._same.get(id(value))
        if known is None or known[0] is not value:
            text = json.dumps(value, sort_keys=True)
            known = self._same[id(value)] = (
                value,
                self._content.setdefault(text, len(self._content)),
            )
        return known[1]

    def key(self, state: State) -> StateKey:
        return tuple(state[n] for n in self.names)

    def intern(self, state: State) -> State:
        return self.states.setdefault(self.key(state), state)

    def holds(self, rule: Rule, state: State, where: str) -> bool:
        key = (self.same(rule), id(state))
        found = self._holds.get(key)
        if found is None:
            found = self._holds[key] = self.rules.holds(rule, state, where)
        return found

    def apply(self, state: State, changes: Mapping[str, Any], where: str) -> State:
        if not changes:
            return state
        key = (self.same(changes), id(state))
        found = self._apply.get(key)
        if found is None:
            found = self._apply[key] = self.intern(self.rules.apply(state, changes, where))
        return found

    def resolve(self, target: str, state: State) -> Segment:
        key = (target, id(state))
        found = self._resolve.get(key)
        if found is None:
            found = self._resolve[key] = self.rules.resolve(target, state)
        return found


class _Walker:
    def __init__(self, story: Story, rules: StoryRules) -> None:
        self.story = story
        self.names = list(story.variables)
        self.rules = _Memo(rules, self.names)
        self.persistent = [n for n in self.names if story.variables[n].persistent]
        self.result = Exploration()
        self.seen: set[tuple[str, int]] = set()
        self.queue: deque[tuple[Segment, State]] = deque()
        self.choice_configs: dict[tuple[str, StateKey], State] = {}
        """Choice segments met, by their non-persistent state (persistent ones vary)."""
        self.persistent_parts: dict[StateKey, State] = {}

    def run(self) -> Exploration:
        self.replay(defaults(self.story))
        while self.queue and self.result.complete:
            segment, state = self.queue.popleft()
            self.result.reached.add(segment.id)
            self.note_persistent(state)
            if segment.ending is not None:
                self.replay(state)
            elif segment.choice is not None and segment.choice in self.story.choices:
                self.note_choice(segment, state)
                self.visit_choice(segment, state)
            elif segment.next is not None:
                self.go(segment.next, state, f"segment “{segment.id}”")
        self.result.configs = len(self.seen)
        return self.result

    def replay(self, state: State) -> None:
        fresh = {**defaults(self.story), **persistent_part(self.story, state)}
        self.go(self.story.start, self.rules.intern(fresh), "the start")

    def go(self, target: str, state: State, where: str) -> None:
        try:
            segment = self.rules.resolve(target, state)
            entered = self.rules.apply(state, segment.changes, f"segment “{segment.id}”")
        except StoryError as exc:
            self.report(f"go:{where}:{target}", _as_problem(exc, state, self.names))
            return
        self.push(segment, entered)

    def push(self, segment: Segment, state: State) -> None:
        """``state`` must be interned."""
        config = (segment.id, id(state))
        if len(self.seen) >= MAX_CONFIGS:
            self.result.complete = False
        elif config not in self.seen:
            self.seen.add(config)
            self.queue.append((segment, state))

    def visit_choice(self, segment: Segment, state: State) -> None:
        choice = self.story.choices[segment.choice or ""]
        where = f"choice “{choice.id}”"
        outcomes: list[tuple[Segment, State]] = []
        try:
            visible = [
                (i, o)
                for i, o in enumerate(choice.options)
                if self.rules.holds(o.condition, state, where)
            ]
            for _, option in visible:
                after = self.rules.apply(state, option.changes, f"option “{option.label}”")
                outcomes.append((self.rules.resolve(option.target, after), after))
        except StoryError as exc:
            self.report(f"choice:{choice.id}", _as_problem(exc, state, self.names))
            return
        if not visible:
            message = f"in segment “{segment.id}”, no option of {where} is shown when " + _show(
                state, self.names
            )
            self.report(f"choice:{choice.id}", error("DEAD_END", message))
            return
        fixed = choice.default
        if fixed is not None and fixed < len(choice.options) and fixed not in dict(visible):
            self.result.hidden_defaults.setdefault(choice.id, state)
        stats = self.result.choices.setdefault(choice.id, _ChoiceStats())
        stats.met += 1
        targets = {s.id for s, _ in outcomes}
        stats.targets |= targets
        if len(visible) >= 2 and len(targets) == 1:
            stats.one_target += 1
            if len({id(after) for _, after in outcomes}) == 1:
                stats.one_outcome += 1
        for target, after in outcomes:
            self.go(target.id, after, where)

    def note_persistent(self, state: State) -> None:
        """A persistent combination not seen before: every choice met may be gone back to
        with it."""
        if not self.persistent:
            return
        part = {n: state[n] for n in self.persistent}
        key = tuple(part.values())
        if key in self.persistent_parts:
            return
        self.persistent_parts[key] = part
        for (segment_id, _), earlier in list(self.choice_configs.items()):
            if not self.result.complete:
                return
            self.push(self.story.segments[segment_id], self.rules.intern({**earlier, **part}))

    def note_choice(self, segment: Segment, state: State) -> None:
        """A choice met with new non-persistent state: it may be gone back to with every
        persistent combination found so far."""
        if not self.persistent:
            return
        key = (segment.id, tuple(state[n] for n in self.names if n not in self.persistent))
        if key in self.choice_configs:
            return
        self.choice_configs[key] = state
        for part in list(self.persistent_parts.values()):
            if not self.result.complete:
                return
            self.push(segment, self.rules.intern({**state, **part}))

    def report(self, place: str, problem: Problem) -> None:
        self.result.problems.setdefault(place, problem)


def explore(story: Story, rules: StoryRules | None = None) -> Exploration:
    """Try every reachable state; ``story`` must have no broken references."""
    return _Walker(story, rules or StoryRules(story)).run()


def explore_problems(story: Story, rules: StoryRules | None = None) -> list[Problem]:
    result = explore(story, rules)
    return list(_problems(story, result))


def _problems(story: Story, result: Exploration) -> Iterator[Problem]:
    yield from result.problems.values()
    for cid, stats in result.choices.items():
        if stats.met and stats.one_target == stats.met:
            target = ", ".join(f"“{t}”" for t in sorted(stats.targets))
            if stats.one_outcome == stats.met:
                yield error(
                    "SAME_TARGET",
                    f"choice “{cid}”: every option leads to {target} with the same state — "
                    "choosing changes nothing",
                )
            else:
                yield warning(
                    "SAME_TARGET",
                    f"choice “{cid}”: every option leads to {target}; only the state differs",
                )
    names = list(story.variables)
    for cid, state in result.hidden_defaults.items():
        default = story.choices[cid].default
        yield warning(
            "DEFAULT_HIDDEN",
            f"choice “{cid}”: the default, option {default}, is hidden when "
            f"{_show(state, names)}; the timer then takes the first option shown",
        )
    if not result.complete:
        yield warning(
            "PARTIAL_CHECK",
            f"more than {MAX_CONFIGS:,} segment-and-state combinations; the checks that "
            "depend on state tried only those (give int variables a min and max)",
        )
        return
    structural = reachable_segments(story)
    for sid in story.segments:
        if sid in structural and sid not in result.reached:
            yield error("UNREACHABLE", f"segment “{sid}” never plays: the conditions that "
                        "lead to it never hold")  # fmt: skip
    if story.endings() and not any(story.segments[s].ending for s in result.reached):
        yield error("NO_ENDING", "no ending can be reached from the start")


def _as_problem(exc: StoryError, state: State, names: list[str]) -> Problem:
    message = str(exc).removeprefix("The story stops: ").removeprefix("The story cannot go on: ")
    code = "DEAD_END" if "fits this state" in message else "BAD_VALUE"
    return error(code, f"{message.rstrip('.')} (when {_show(state, names)})")


def _show(state: State, names: list[str]) -> str:
    shown = ", ".join(f"{n}={_value(state[n])}" for n in names[:8])
    more = f" and {len(names) - 8} more" if len(names) > 8 else ""
    return (shown + more) or "the story has no state"


def _value(value: Value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
