"""``moments story walk``: the interpreter driven by a list of answers instead of a viewer.

Answers, one per choice met (or ending reached): a number is the position among the
options *shown* (0 = the first), ``default`` lets the timer run out, ``back`` goes back to
the last choice, ``again`` plays the story again. The walk stops at the first choice or
ending with no answer left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from moments.core.story.engine import StoryEngine
from moments.core.story.model import EndingKind, Story, Value
from moments.core.story.progress import StoryProgress
from moments.core.story.views import ChoiceMade, Clip, EndingView

MAX_STEPS = 10_000
ANSWERS = ("default", "back", "again")


class WalkError(ValueError):
    """An answer that does not fit where the walk is; ``str()`` says why."""


@dataclass
class WalkStep:
    clip: Clip
    state: dict[str, Value]
    how: str = "next"
    """What started it: ``start``, ``next``, ``choice``, ``back``, ``again``."""
    choice: ChoiceMade | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.clip.segment,
            "media": str(self.clip.media),
            "start_ms": self.clip.start_ms,
            "end_ms": self.clip.end_ms,
            "how": self.how,
            "state": dict(self.state),
            "choice": None if self.choice is None else self.choice.to_json(),
        }


@dataclass
class WalkResult:
    steps: list[WalkStep] = field(default_factory=list)
    ending: EndingView | None = None
    waiting: dict[str, Any] | None = None
    """The choice the walk stopped at (id, prompt, options shown), when answers ran out."""
    endings_found: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    """Answers left when the story ended."""

    def to_json(self) -> dict[str, Any]:
        ending = self.ending
        return {
            "steps": [step.to_json() for step in self.steps],
            "ending": None
            if ending is None
            else {"id": ending.id, "title": ending.title, "kind": str(ending.kind)},
            "waiting": self.waiting,
            "endings_found": list(self.endings_found),
            "unused_answers": list(self.unused),
        }


def parse_answers(text: str) -> list[str]:
    """``"0,1,default,back"`` → answers; raises WalkError on anything else."""
    answers = [part.strip().lower() for part in text.split(",") if part.strip()]
    for answer in answers:
        if not answer.isdigit() and answer not in ANSWERS:
            raise WalkError(f"“{answer}” is not an answer: use option numbers from 0, default, "
                            "back or again")  # fmt: skip
    return answers


def walk(story: Story, answers: list[str], *, seed: int = 0) -> WalkResult:
    engine = StoryEngine(story, StoryProgress(seed=seed))
    result = WalkResult()
    pending = list(answers)
    result.steps.append(WalkStep(engine.start(), dict(engine.state), "start"))
    while len(result.steps) < MAX_STEPS:
        choice = engine.choice
        if choice is not None:
            if not pending:
                result.waiting = {
                    "choice": choice.id,
                    "prompt": choice.prompt,
                    "options": [o.label for o in choice.options],
                }
                break
            answer = pending.pop(0)
            if answer == "back":
                _go_back(engine, result)
                continue
            if answer == "again":
                result.steps.append(WalkStep(engine.play_again(), dict(engine.state), "again"))
                continue
            _answer(engine, answer)
            result.steps[-1].choice = engine.path[-1].choice
        following = engine.advance()
        if isinstance(following, EndingView):
            result.ending = following
            if not _after_ending(engine, result, pending):
                break
            continue
        how = "choice" if engine.path[-2].choice is not None else "next"
        result.steps.append(WalkStep(following, dict(engine.state), how))
    result.endings_found = list(engine.progress.endings)
    result.unused = pending
    return result


def _answer(engine: StoryEngine, answer: str) -> None:
    choice = engine.choice
    assert choice is not None
    if answer == "default":
        engine.timeout()
        return
    position = int(answer)
    if position >= len(choice.options):
        shown = len(choice.options)
        raise WalkError(f"choice “{choice.id}” shows {shown} options; {position} is not one of "
                        f"them (0–{shown - 1}, or default)")  # fmt: skip
    engine.choose(choice.options[position].index)


def _go_back(engine: StoryEngine, result: WalkResult) -> None:
    if not engine.can_go_back:
        raise WalkError("“back” with no choice made before it")
    result.ending = None
    result.steps.append(WalkStep(engine.go_back(), dict(engine.state), "back"))


def _after_ending(engine: StoryEngine, result: WalkResult, pending: list[str]) -> bool:
    """Follow an ending: the next answer (back/again), else its kind; False to stop."""
    ending = result.ending
    assert ending is not None
    if pending and pending[0] in ("back", "again"):
        answer = pending.pop(0)
    elif pending and ending.kind is EndingKind.GO_BACK:
        answer = "back"
    elif pending and ending.kind is EndingKind.PLAY_AGAIN:
        answer = "again"
    else:
        return False
    if answer == "back":
        _go_back(engine, result)
    else:
        result.ending = None
        result.steps.append(WalkStep(engine.play_again(), dict(engine.state), "again"))
    return True
