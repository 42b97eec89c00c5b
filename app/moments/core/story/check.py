"""``moments story check``: every problem of a story file, schema and story errors, one
``Problem`` each — never raising for what is wrong with the story itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from moments.core.errors import StoryError
from moments.core.story.explore import explore_problems
from moments.core.story.load import media_file_problems, parse_story, read_document
from moments.core.story.logic import Logic
from moments.core.story.media_facts import MediaFacts, media_problems
from moments.core.story.model import Story
from moments.core.story.problems import Problem, Severity
from moments.core.story.rules import StoryRules
from moments.core.story.structure import structure_problems

FactsReader = Callable[[Story], Mapping[str, MediaFacts]]

_EXPLORE_NEEDS_NONE_OF = frozenset(
    {"DUPLICATE_ID", "UNKNOWN_TARGET", "UNKNOWN_CHOICE", "UNKNOWN_VARIABLE", "BAD_RULE",
     "BAD_VALUE", "UNKNOWN_MEDIA"}
)  # fmt: skip


def check_story(path: Path, media: FactsReader | None = None) -> list[Problem]:
    """Every problem of the story at ``path``. ``media`` reads durations and keyframes
    (``moments.media.story_media.read_media_facts``); without it only missing files are
    found. Raises StoryError only when there is no story file to read."""
    try:
        data = read_document(path)
    except StoryError as exc:
        if not exc.problems:
            raise
        return [parse_problem(line) for line in exc.problems]
    story, problems = parse_story(data, path)
    if story is None:
        return problems
    logic = Logic()
    problems = structure_problems(story, logic)
    if not any(p.code in _EXPLORE_NEEDS_NONE_OF for p in problems):
        problems += explore_problems(story, StoryRules(story, logic))
    if media is None:
        problems += media_file_problems(story)
    else:
        problems += media_problems(story, media(story))
    return list(dict.fromkeys(problems))


def parse_problem(line: str) -> Problem:
    """The inverse of ``str(problem)``."""
    head, _, message = line.partition(": ")
    severity, _, code = head.partition(" ")
    return Problem(Severity(severity), code, message)
