"""The story interpreter: one engine for the player and ``moments story walk``.

It knows nothing of time passing: its driver asks what plays (``now``), what follows when
no choice is pending (``upcoming``, to pre-roll it), when the choice shows and where each
option leads (``choice``), and tells it what happened: ``choose()``/``timeout()``, then
``advance()`` at the switch; ``go_back()``, ``play_again()``. State, the path taken, what
was seen and found, and random defaults live in a ``StoryProgress`` the driver saves.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from moments.core.errors import StoryError
from moments.core.story.model import Segment, Story, SwitchMode, Value
from moments.core.story.progress import StoryProgress
from moments.core.story.rules import StoryRules
from moments.core.story.state import State, defaults, restore
from moments.core.story.views import (
    ChoiceMade,
    ChoiceView,
    Clip,
    Decision,
    EndingView,
    OptionView,
    PathStep,
    PlayedSpan,
)

log = logging.getLogger(__name__)

GO_BACK_LEAD_MS = 5_000
"""Going back replays this much of the segment before its choice shows."""
MAX_PLAYED = 500
"""Played spans kept (the newest)."""


@dataclass(frozen=True)
class Checkpoint:
    """A choice's segment as it was entered: where ``go_back`` returns."""

    segment: str
    state: dict[str, Value]
    path_len: int


class StoryEngine:
    """Interprets one story. Not thread-safe: drive it from one thread (the GUI's)."""

    def __init__(self, story: Story, progress: StoryProgress | None = None) -> None:
        self.story = story
        self.progress = progress if progress is not None else StoryProgress()
        self.rules = StoryRules(story)
        self._state: State = {}
        self._entry_state: State = {}
        self._segment: Segment | None = None
        self._clip: Clip | None = None
        self._choice: ChoiceView | None = None
        self._decision: Decision | None = None
        self._upcoming: Clip | None = None
        self._ending: EndingView | None = None
        self._path: list[PathStep] = []
        self._checkpoints: list[Checkpoint] = []
        self._played: list[PlayedSpan] = []
        self._span_from = 0

    # --- what plays ---------------------------------------------------------------------

    @property
    def now(self) -> Clip:
        if self._clip is None:
            raise RuntimeError("the story has not started: call start() or resume()")
        return self._clip

    @property
    def choice(self) -> ChoiceView | None:
        """The current segment's choice while it waits for the viewer."""
        return self._choice if self._decision is None else None

    @property
    def decision(self) -> Decision | None:
        return self._decision

    @property
    def upcoming(self) -> Clip | None:
        """What plays after this segment when nothing is left to choose; None while a choice
        waits (pre-roll ``branches()``) and at an ending."""
        return self._decision.next if self._decision is not None else self._upcoming

    def branches(self) -> list[Clip]:
        """Every clip that may play next: the pending choice's options' (once each), or
        ``upcoming``."""
        if self.choice is not None:
            return list(dict.fromkeys(o.leads_to for o in self.choice.options))
        return [self.upcoming] if self.upcoming is not None else []

    @property
    def ending(self) -> EndingView | None:
        """Set once an ending segment has played to its end (``advance()`` returned it)."""
        return self._ending

    @property
    def state(self) -> Mapping[str, Value]:
        return dict(self._state)

    @property
    def path(self) -> list[PathStep]:
        """This run's segments, from the start (going back cuts it)."""
        return list(self._path)

    def played(self, position_ms: int | None = None) -> list[PlayedSpan]:
        """What the viewer saw, oldest first; the current segment up to ``position_ms``."""
        spans = list(self._played)
        if self._clip is not None and self._ending is None and position_ms is not None:
            end = min(max(position_ms, self._span_from), self._clip.end_ms)
            if end > self._span_from:
                spans.append(self._span(end))
        return spans

    @property
    def can_go_back(self) -> bool:
        return any(cp.path_len < len(self._path) for cp in self._checkpoints)

    # --- what the driver tells it -------------------------------------------------------

    def start(self) -> Clip:
        """A new run from the beginning; persistent state is kept."""
        self.progress.plays += 1
        self._reset(restore(self.story, self.progress.persistent, defaults(self.story)))
        self._enter(self.rules.resolve(self.story.start, self._state).id)
        return self.now

    def play_again(self) -> Clip:
        return self.start()

    def resume(self) -> Clip | EndingView:
        """Continue the run saved in ``progress.session`` where it was left (``now.start_ms``
        is the saved position); a fresh ``start()`` when there is none or it no longer fits
        the story."""
        session = self.progress.session
        if session:
            try:
                self._restore(session)
                return self._ending or self.now
            except (KeyError, TypeError, ValueError, AttributeError, StoryError) as exc:
                log.warning("saved story session dropped: %r", exc)
        return self.start()

    def snapshot(self, position_ms: int | None = None) -> dict[str, Any]:
        """The run in progress, as JSON: put it in ``progress.session`` and save the progress
        to resume there (at ``position_ms`` in the current segment) next time."""
        if self._clip is None:
            return {}
        decision = self._decision
        return {
            "segment": self._clip.segment,
            "position_ms": self._span_from if position_ms is None else position_ms,
            "entry_state": dict(self._entry_state),
            "path": [step.to_json() for step in self._path[:-1]],
            "checkpoints": [
                {"segment": cp.segment, "state": cp.state, "path_len": cp.path_len}
                for cp in self._checkpoints
                if cp.path_len < len(self._path)
            ],
            "decision": None
            if decision is None
            else {
                "option": decision.option,
                "at_ms": decision.at_ms,
                "timed_out": decision.timed_out,
            },
            "ended": self._ending is not None,
        }

    def choose(self, index: int, at_ms: int | None = None, *, timed_out: bool = False) -> Decision:
        """The viewer chose option ``index`` (file order) at media time ``at_ms``."""
        choice = self.choice
        if choice is None:
            raise RuntimeError("no choice is waiting")
        option = choice.option(index)
        now = self.now
        when = min(max(at_ms if at_ms is not None else choice.appear_ms, now.start_ms), now.end_ms)
        switch = when if choice.switch is SwitchMode.IMMEDIATE else now.end_ms
        source = self.story.choices[choice.id].options[index]
        self._set_state(self.rules.apply(self._state, source.changes, f"option “{option.label}”"))
        self._decision = Decision(
            choice.id, index, option.label, timed_out, when, switch, option.leads_to
        )
        made = ChoiceMade(
            choice.id, choice.prompt, index, option.label, timed_out, choice.appear_ms, when
        )
        self._path[-1] = replace(self._path[-1], choice=made)
        return self._decision

    def timeout(self) -> Decision:
        """The timer ran out: the default option, chosen at the choice's end."""
        choice = self.choice
        if choice is None:
            raise RuntimeError("no choice is waiting")
        return self.choose(choice.default, choice.disappear_ms, timed_out=True)

    def advance(self, at_ms: int | None = None) -> Clip | EndingView:
        """The switch: the current segment is over (at ``at_ms``, default its planned end);
        returns what plays now, or the ending once an ending segment is over. A choice still
        waiting takes its default if it has a timer: with timers turned off (the viewer's
        preference), wait for ``choose()`` before calling this."""
        if self._ending is not None:
            return self._ending
        segment = self._current()
        if self.choice is not None:
            if not self.choice.timer:
                raise RuntimeError(f"choice “{self.choice.id}” is waiting for the viewer")
            self.timeout()
        planned = self._decision.switch_at_ms if self._decision else self.now.end_ms
        self._close_span(planned if at_ms is None else at_ms)
        if segment.ending is not None:
            ending = segment.ending
            self._ending = EndingView(ending.id, ending.title, ending.kind, segment.id)
            return self._ending
        following = self.upcoming
        assert following is not None
        self._enter(following.segment)
        return self.now

    def go_back(self, at_ms: int | None = None) -> Clip:
        """Back to the last choice made: its segment replays from a little before the choice
        shows, with the state exactly as it was then (persistent variables keep their
        current values: what a viewer has found stays found)."""
        checkpoints = [cp for cp in self._checkpoints if cp.path_len < len(self._path)]
        if not checkpoints:
            raise RuntimeError("there is no choice to go back to")
        if self._ending is None:
            self._close_span(self.now.end_ms if at_ms is None else at_ms)
        target = checkpoints[-1]
        self._checkpoints = checkpoints[:-1]
        del self._path[target.path_len - 1 :]
        state = dict(target.state)
        state.update(restore(self.story, self.progress.persistent, {}))
        self._ending = None
        self._enter(target.segment, state=state)
        if self._choice is not None:
            lead = max(self.now.start_ms, self._choice.appear_ms - GO_BACK_LEAD_MS)
            self._clip = replace(self.now, start_ms=lead)
            self._span_from = lead
        return self.now

    def jumped(self, at_ms: int, to_ms: int) -> None:
        """The viewer sought within the segment, from ``at_ms`` to ``to_ms``."""
        now = self.now
        self._close_span(at_ms)
        self._span_from = min(max(to_ms, now.segment_start_ms), now.end_ms)

    # --- internals ----------------------------------------------------------------------

    def _restore(self, session: Mapping[str, Any]) -> None:
        story = self.story
        segment = story.segments[session["segment"]]
        persistent = restore(story, self.progress.persistent, {})
        base = defaults(story)
        self._reset({**restore(story, session["entry_state"], base), **persistent})
        self._path = [PathStep.from_json(step, story, base) for step in session["path"]]
        for raw in session["checkpoints"]:
            point = Checkpoint(
                story.segments[raw["segment"]].id,
                restore(story, raw["state"], base),
                int(raw["path_len"]),
            )
            if not 0 < point.path_len <= len(self._path):
                raise ValueError(f"checkpoint {point} is off the path")
            self._checkpoints.append(point)
        self._enter(segment.id, state=dict(self._state))
        decision = session.get("decision")
        if decision:
            self.choose(
                int(decision["option"]),
                int(decision["at_ms"]),
                timed_out=bool(decision["timed_out"]),
            )
        position = min(max(int(session["position_ms"]), segment.start_ms), segment.end_ms)
        self._clip = replace(self.now, start_ms=position)
        self._span_from = position
        if session.get("ended") and segment.ending is not None:
            ending = segment.ending
            self._ending = EndingView(ending.id, ending.title, ending.kind, segment.id)

    def _reset(self, state: State) -> None:
        self._state, self._path, self._checkpoints = state, [], []
        self._ending = None

    def _current(self) -> Segment:
        if self._segment is None:
            raise RuntimeError("the story has not started: call start() or resume()")
        return self._segment

    def _enter(self, segment_id: str, *, state: State | None = None) -> None:
        """Start playing a segment: apply its changes (unless ``state`` is given: going back
        or resuming), note it seen, work out its choice or what follows."""
        segment = self.story.segments[segment_id]
        self._segment, self._decision, self._choice, self._upcoming = segment, None, None, None
        if state is None:
            state = self.rules.apply(self._state, segment.changes, f"segment “{segment_id}”")
        self._set_state(state)
        self._entry_state = dict(self._state)
        self.progress.mark_seen(segment_id)
        self._path.append(PathStep(segment_id, dict(self._state)))
        self._clip = self.rules.clip(segment)
        self._span_from = segment.start_ms
        if segment.ending is not None:
            self.progress.mark_ending(segment.ending.id)
        elif segment.choice is not None:
            self._choice = self._choice_view(segment)
            self._checkpoints.append(Checkpoint(segment_id, dict(self._state), len(self._path)))
        elif segment.next is not None:
            self._upcoming = self.rules.clip(self.rules.resolve(segment.next, self._state))

    def _choice_view(self, segment: Segment) -> ChoiceView:
        choice = self.story.choices[segment.choice or ""]
        shown = []
        for index, option in enumerate(choice.options):
            if not self.rules.holds(option.condition, self._state, f"choice “{choice.id}”"):
                continue
            after = self.rules.apply(self._state, option.changes, f"option “{option.label}”")
            target = self.rules.resolve(option.target, after)
            shown.append(OptionView(index, option.label, self.rules.clip(target)))
        if not shown:
            raise StoryError(
                f"The story stops at “{segment.id}”: no option of its choice "
                f"“{choice.id}” is shown in this state."
            )
        appear, disappear = choice.window(segment)
        return ChoiceView(
            choice.id,
            choice.prompt,
            tuple(shown),
            appear,
            disappear,
            choice.timer,
            self._default(choice.id, choice.default, shown),
            choice.switch,
        )

    def _default(self, choice_id: str, fixed: int | None, shown: list[OptionView]) -> int:
        indexes = [o.index for o in shown]
        if fixed is not None:
            return fixed if fixed in indexes else indexes[0]
        drawn = self.progress.defaults.get(choice_id)
        if drawn is None:
            drawn = random.Random(f"{self.progress.seed}:{choice_id}").choice(indexes)
            self.progress.defaults[choice_id] = drawn
        if drawn in indexes:
            return drawn
        return random.Random(f"{self.progress.seed}:{choice_id}:{indexes}").choice(indexes)

    def _set_state(self, state: State) -> None:
        self._state = state
        for name, var in self.story.variables.items():
            if var.persistent:
                self.progress.persistent[name] = state[name]

    def _span(self, end_ms: int) -> PlayedSpan:
        now = self.now
        return PlayedSpan(now.segment, now.media, self._span_from, end_ms)

    def _close_span(self, at_ms: int) -> None:
        end = min(max(at_ms, self._span_from), self.now.end_ms)
        if end > self._span_from:
            self._played.append(self._span(end))
            del self._played[:-MAX_PLAYED]
        self._span_from = end
