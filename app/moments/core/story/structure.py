"""Story errors that need no state and no media: references, rules, values, times within a
segment, what follows each segment, loops with no choice, reachability, unused parts.

``BLOCKING`` are the codes that stop a story from playing at all (``load_story``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from moments.core.story.graph import choice_free_loops, reachable_segments
from moments.core.story.logic import Logic, LogicError
from moments.core.story.model import DEFAULT_APPEAR_MS, Rule, Segment, Story
from moments.core.story.problems import Problem, error, warning
from moments.core.story.state import StateError, coerce

BLOCKING = frozenset(
    {
        "BAD_JSON",
        "TOO_LARGE",
        "FORMAT",
        "SCHEMA",
        "DUPLICATE_ID",
        "UNKNOWN_TARGET",
        "UNKNOWN_CHOICE",
        "UNKNOWN_MEDIA",
        "UNKNOWN_CHAPTER",
        "UNKNOWN_VARIABLE",
        "BAD_RULE",
        "BAD_VALUE",
        "BAD_FOLLOW",
        "DEAD_END",
        "BAD_DEFAULT",
        "BAD_TIMES",
        "LOOP_NO_CHOICE",
        "NO_ENDING",
        "MEDIA_MISSING",
    }
)


def structure_problems(story: Story, logic: Logic | None = None) -> list[Problem]:
    logic = logic or Logic()
    problems: list[Problem] = []
    problems += _variable_problems(story)
    problems += _reference_problems(story)
    problems += _rule_problems(story, logic)
    problems += _time_problems(story)
    broken = any(p.code in ("UNKNOWN_TARGET", "DUPLICATE_ID", "UNKNOWN_CHOICE") for p in problems)
    if not broken:
        problems += _flow_problems(story)
    problems += _unused_problems(story, logic, reachability=not broken)
    return problems


def _variable_problems(story: Story) -> Iterator[Problem]:
    for var in story.variables.values():
        if var.minimum is not None and var.maximum is not None and var.minimum > var.maximum:
            yield error(
                "BAD_VALUE", f"variable “{var.name}”: min {var.minimum} is above max {var.maximum}"
            )
        try:
            value = coerce(var, var.default)
        except StateError as exc:
            yield error("BAD_VALUE", f"the default of {exc}")
            continue
        if value != var.default:
            yield error(
                "BAD_VALUE",
                f"the default of “{var.name}”, {var.default}, is outside "
                f"{var.minimum}…{var.maximum}",
            )


def _reference_problems(story: Story) -> Iterator[Problem]:
    for gid in story.groups:
        if gid in story.segments:
            yield error("DUPLICATE_ID", f"“{gid}” is both a segment and a group")
    yield from _target("the start", story.start, story)
    for segment in story.segments.values():
        where = f"segment “{segment.id}”"
        if segment.media not in story.media:
            yield error(
                "UNKNOWN_MEDIA",
                f"{where} does not say which media it is in"
                if not segment.media
                else f"{where}: no media “{segment.media}”",
            )
        if segment.next is not None:
            yield from _target(f"{where} (next)", segment.next, story)
        if segment.choice is not None and segment.choice not in story.choices:
            yield error("UNKNOWN_CHOICE", f"{where}: there is no choice “{segment.choice}”")
        if segment.chapter is not None and segment.chapter not in story.chapters:
            yield error("UNKNOWN_CHAPTER", f"{where}: there is no chapter “{segment.chapter}”")
    for group in story.groups.values():
        for candidate in group.candidates:
            if candidate.segment not in story.segments:
                kind = (
                    "a group; candidates are segments"
                    if candidate.segment in story.groups
                    else "nothing"
                )
                yield error(
                    "UNKNOWN_TARGET",
                    f"group “{group.id}”: candidate “{candidate.segment}” is {kind}",
                )
    for choice in story.choices.values():
        for number, option in enumerate(choice.options):
            yield from _target(
                f"choice “{choice.id}” option {number} (“{option.label}”)", option.target, story
            )
        if choice.default is not None and choice.default >= len(choice.options):
            yield error(
                "BAD_DEFAULT",
                f"choice “{choice.id}”: default {choice.default} is not "
                f"one of its options 0–{len(choice.options) - 1}",
            )


def _target(where: str, target: str, story: Story) -> Iterator[Problem]:
    if target not in story.segments and target not in story.groups:
        yield error("UNKNOWN_TARGET", f"{where}: there is no segment or group “{target}”")


def rules_of(story: Story) -> Iterator[tuple[str, Rule, bool]]:
    """Every (where, rule, is_condition) of the story: conditions and computed changes."""
    for segment in story.segments.values():
        yield from _change_rules(f"segment “{segment.id}”", segment.changes)
    for group in story.groups.values():
        for candidate in group.candidates:
            yield f"group “{group.id}” candidate “{candidate.segment}”", candidate.condition, True
    for choice in story.choices.values():
        for number, option in enumerate(choice.options):
            where = f"choice “{choice.id}” option {number}"
            yield where, option.condition, True
            yield from _change_rules(where, option.changes)


def _change_rules(where: str, changes: Mapping[str, Any]) -> Iterator[tuple[str, Rule, bool]]:
    for name, value in changes.items():
        if isinstance(value, dict):
            yield f"{where}, the change of “{name}”", value, False


def _rule_problems(story: Story, logic: Logic) -> Iterator[Problem]:
    for where, rule, _ in rules_of(story):
        try:
            names = logic.reads(rule)
        except LogicError as exc:
            yield error("BAD_RULE", f"{where}: {exc}")
            continue
        for name in sorted(names or ()):
            if name not in story.variables:
                yield error(
                    "UNKNOWN_VARIABLE", f"{where} reads “{name}”, which is not a declared variable"
                )
    for where, changes in _all_changes(story):
        for name, value in changes.items():
            var = story.variables.get(name)
            if var is None:
                yield error(
                    "UNKNOWN_VARIABLE", f"{where} sets “{name}”, which is not a declared variable"
                )
            elif not isinstance(value, dict):
                try:
                    coerce(var, value)
                except StateError as exc:
                    yield error("BAD_VALUE", f"{where}: {exc}")


def _all_changes(story: Story) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for segment in story.segments.values():
        yield f"segment “{segment.id}”", segment.changes
    for choice in story.choices.values():
        for number, option in enumerate(choice.options):
            yield f"choice “{choice.id}” option {number}", option.changes


def _time_problems(story: Story) -> Iterator[Problem]:
    by_media: dict[str, list[Segment]] = {}
    for segment in story.segments.values():
        by_media.setdefault(segment.media, []).append(segment)
    for segments in by_media.values():
        segments.sort(key=lambda s: (s.start_ms, s.end_ms))
        latest = None
        for segment in segments:
            if latest is not None and segment.start_ms < latest.end_ms:
                yield error(
                    "OVERLAP",
                    f"segments “{latest.id}” ({latest.start_ms}–{latest.end_ms} ms) and "
                    f"“{segment.id}” ({segment.start_ms}–{segment.end_ms} ms) share media",
                )
            if latest is None or segment.end_ms > latest.end_ms:
                latest = segment
    for segment in story.segments.values():
        if segment.end_ms <= segment.start_ms:
            yield error(
                "BAD_TIMES",
                f"segment “{segment.id}” ends ({segment.end_ms} ms) before "
                f"it starts ({segment.start_ms} ms)",
            )
            continue
        choice = story.choices.get(segment.choice or "")
        if choice is not None:
            yield from _window_problems(segment, choice.id, choice.appear_ms, choice.disappear_ms)


def _window_problems(
    segment: Segment, choice: str, appear: int | None, disappear: int | None
) -> Iterator[Problem]:
    length = segment.duration_ms
    where = f"choice “{choice}” in segment “{segment.id}”"
    for name, offset in (("appears", appear), ("disappears", disappear)):
        if offset is not None and abs(offset) > length:
            yield error(
                "BAD_TIMES",
                f"{where} {name} at {offset} ms, outside the segment ({length} ms long)",
            )
            return
    if appear is None:
        appear = -min(-DEFAULT_APPEAR_MS, length)
    start = appear if appear >= 0 else length + appear
    end = length if disappear is None else (disappear if disappear >= 0 else length + disappear)
    if end <= start:
        yield error(
            "BAD_TIMES",
            f"{where} disappears ({end} ms into it) before it appears ({start} ms into it)",
        )


def _flow_problems(story: Story) -> Iterator[Problem]:
    for segment in story.segments.values():
        follows = [
            k
            for k, v in (
                ("next", segment.next),
                ("choice", segment.choice),
                ("ending", segment.ending),
            )
            if v is not None
        ]
        if len(follows) > 1:
            yield error(
                "BAD_FOLLOW",
                f"segment “{segment.id}” has {' and '.join(follows)}; give it only one",
            )
        elif not follows:
            yield error(
                "DEAD_END",
                f"segment “{segment.id}” has no next, choice or ending: the story stops there",
            )
    for loop in choice_free_loops(story):
        names = " → ".join(f"“{s}”" for s in [*loop, loop[0]])
        yield error("LOOP_NO_CHOICE", f"{names} play in a circle with no choice to leave it")
    if not any(s.ending for s in story.segments.values()):
        yield error("NO_ENDING", "no segment is an ending")


def _unused_problems(story: Story, logic: Logic, *, reachability: bool) -> Iterator[Problem]:
    """Unreachable segments (unless references are broken: fix those first) and parts that
    nothing uses."""
    if reachability:
        reached = reachable_segments(story)
        for sid in story.segments:
            if sid not in reached:
                yield error("UNREACHABLE", f"segment “{sid}” can never play: nothing leads to it")
    used_choices = {s.choice for s in story.segments.values()}
    targets = {story.start, *(s.next for s in story.segments.values())}
    targets |= {o.target for c in story.choices.values() for o in c.options}
    chapters = {s.chapter for s in story.segments.values()}
    media = {s.media for s in story.segments.values()}
    read: set[str] = set()
    for _, rule, _ in rules_of(story):
        try:
            read |= logic.reads(rule) or set(story.variables)
        except LogicError:
            continue
    for kind, names, used in (
        ("choice", story.choices, used_choices),
        ("group", story.groups, targets),
        ("chapter", story.chapters, chapters),
        ("media", story.media, media),
    ):
        for name in names:
            if name not in used:
                yield warning("UNUSED", f"{kind} “{name}” is never used")
    for name in story.variables:
        if name not in read:
            yield warning("UNUSED", f"variable “{name}” is never read by a condition")
