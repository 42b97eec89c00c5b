"""Typed story state: defaults, checked values, and applying a segment's or option's changes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from moments.core.story.logic import Logic, LogicError
from moments.core.story.model import Story, Value, Variable, VarType

State = dict[str, Value]


class StateError(ValueError):
    """A value that does not fit its variable; ``str()`` says which and why."""


def defaults(story: Story) -> State:
    return {name: var.default for name, var in story.variables.items()}


def persistent_part(story: Story, state: Mapping[str, Value]) -> State:
    return {
        n: v for n, v in state.items() if n in story.variables and story.variables[n].persistent
    }


def coerce(var: Variable, value: Any) -> Value:
    """``value`` as ``var``'s type: ints clamped to min/max, floats with no fraction taken as
    ints (JsonLogic arithmetic gives floats); raises StateError otherwise."""
    if var.type is VarType.BOOL:
        if isinstance(value, bool):
            return value
        raise StateError(f"“{var.name}” is a bool; {_show(value)} is not true or false")
    if var.type is VarType.INT:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise StateError(f"“{var.name}” is an int; {_show(value)} is not a whole number")
        number: int = value
        if var.minimum is not None:
            number = max(var.minimum, number)
        if var.maximum is not None:
            number = min(var.maximum, number)
        return number
    if isinstance(value, str) and value in var.values:
        return value
    allowed = ", ".join(var.values)
    raise StateError(f"“{var.name}” is one of {allowed}; {_show(value)} is not")


def apply_changes(
    story: Story, logic: Logic, state: Mapping[str, Value], changes: Mapping[str, Any]
) -> State:
    """A new state with ``changes`` applied; every computed value sees the state before them."""
    if not changes:
        return dict(state)
    new = dict(state)
    for name, expression in changes.items():
        var = story.variables.get(name)
        if var is None:
            raise StateError(f"there is no variable “{name}”")
        if isinstance(expression, dict):
            try:
                value = logic.value(expression, state)
            except LogicError as exc:
                raise StateError(f"the new value of “{name}” cannot be computed: {exc}") from exc
        else:
            value = expression
        new[name] = coerce(var, value)
    return new


def restore(story: Story, saved: Mapping[str, Any], base: Mapping[str, Value]) -> State:
    """``base`` updated with the values of ``saved`` that still fit the story's variables."""
    state = dict(base)
    for name, value in saved.items():
        var = story.variables.get(name)
        if var is None:
            continue
        try:
            state[name] = coerce(var, value)
        except StateError:
            continue
    return state


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"
