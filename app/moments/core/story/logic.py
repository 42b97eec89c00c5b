"""Conditions and computed values in JsonLogic (https://jsonlogic.com), evaluated by
datalogic-py (a maintained Rust engine; see docs/architecture.md for why this one).

Rules are compiled once per story and evaluated against the state as a flat object:
``{"var": "courage"}`` reads the variable ``courage``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import datalogic_py

from moments.core.story.model import Rule, Value

_ENGINE = datalogic_py.Engine()


class LogicError(ValueError):
    """A rule that cannot be compiled or evaluated; ``str()`` says why."""


def truthy(value: Any) -> bool:
    """JsonLogic's truth: false, null, 0, "" and [] are false; everything else is true."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str | list):
        return len(value) > 0
    return True


class Logic:
    """The compiled rules of one story, keyed by their JSON text."""

    def __init__(self) -> None:
        self._rules: dict[str, datalogic_py.Rule] = {}
        self._by_object: dict[int, tuple[Rule, datalogic_py.Rule]] = {}
        """The story's own rule objects → compiled, without serialising them each time."""

    def compile(self, rule: Rule) -> datalogic_py.Rule:
        known = self._by_object.get(id(rule))
        if known is not None and known[0] is rule:
            return known[1]
        compiled = self._compile(rule)
        self._by_object[id(rule)] = (rule, compiled)
        return compiled

    def _compile(self, rule: Rule) -> datalogic_py.Rule:
        key = json.dumps(rule, sort_keys=True, separators=(",", ":"))
        compiled = self._rules.get(key)
        if compiled is None:
            problems = [d for d in _ENGINE.check(key) if d["severity"] == "error"]
            if problems:
                raise LogicError(problems[0]["message"])
            try:
                compiled = _ENGINE.compile(key)
            except datalogic_py.DataLogicError as exc:
                raise LogicError(str(exc)) from exc
            self._rules[key] = compiled
        return compiled

    def holds(self, rule: Rule, state: Mapping[str, Value]) -> bool:
        if rule is True or rule is False:
            return rule
        return truthy(self.value(rule, state))

    def value(self, rule: Rule, state: Mapping[str, Value]) -> Any:
        try:
            return self.compile(rule).evaluate(dict(state))
        except datalogic_py.DataLogicError as exc:
            raise LogicError(str(exc)) from exc

    def reads(self, rule: Rule) -> set[str] | None:
        """The variables ``rule`` reads (first path part); None when it computes the names."""
        if isinstance(rule, bool):
            return set()
        facts = self.compile(rule).facts()
        if facts["computed_reads"] or not facts["reads_complete"]:
            return None
        return {str(path[0]) for path in facts["reads"] if path}
