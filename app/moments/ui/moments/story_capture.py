"""The Moments button in an interactive story: what was seen is the played spans — across
branch switches, in the order shown — joined into one clip (``media/join.py``), which is
then the moment's source; the moment remembers where the story was."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moments.core.library import Library
from moments.core.moment import Moment, SourceRange
from moments.core.story import PlayedSpan
from moments.media.join import join_ranges
from moments.media.probe import probe
from moments.ui.common import TaskContext


@dataclass(frozen=True)
class StoryPress:
    """What the story on screen gives a press: the spans to join and where the story is."""

    title: str
    """The moment's title: the story and the scene."""
    spans: tuple[PlayedSpan, ...]
    press_in_clip_s: float
    """The press's time in the joined clip."""
    memo: dict[str, Any] = field(default_factory=dict)
    """``Moment.story``."""


StorySource = Callable[[float, float], "StoryPress | None"]
"""Called at a press with the preferences' seconds before and after: None when no story is
on screen (the press is a film's)."""


def story_moment(press: StoryPress, media_dir: Path) -> Moment:
    """The moment as pressed: its source is the joined clip it will be cut into."""
    stem = f"moment-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
    clip = str(media_dir / f"{stem}.mkv")
    length = sum(s.end_ms - s.start_ms for s in press.spans) / 1000
    rng = SourceRange(clip, 0.0, max(0.04, length))
    moment = Moment.new(clip, [rng], press.press_in_clip_s, title=press.title)
    return moment.with_story(press.memo)


def save_story_moment(
    ctx: TaskContext, library: Library, moment: Moment, spans: tuple[PlayedSpan, ...]
) -> Moment:
    """In a worker: join the spans into the moment's source, then store the moment (a failure
    or a cancel leaves neither the clip nor the moment)."""
    clip = Path(moment.source)
    join_ranges(spans, clip, progress=ctx.progress, cancel=ctx.cancel)
    try:
        ctx.cancel.raise_if_cancelled()
        length = probe(str(clip)).duration or moment.duration
        moment = moment.with_ranges([SourceRange(str(clip), 0.0, length)])
        return library.add_moment(moment.with_capture(str(clip), 0.0, None))
    except BaseException:
        clip.unlink(missing_ok=True)
        raise
