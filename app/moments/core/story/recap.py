"""The recap of a path: what “Share your path” turns into a Moment. Pure: from the path the
interpreter recorded, a list of media ranges to join (``media/join.join_ranges``) and the
captions to burn over the joined clip (times in its seconds), for the export engine.

For each choice made: a few seconds of the scene before the choice showed, the choice
written out (“Which way? → The cave”) as it happens, then the first seconds of what was
chosen; the ending's first seconds close it, under its title.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from moments.core.captions import Caption, CaptionStyle
from moments.core.story.model import Story
from moments.core.story.views import PathStep

BEFORE_MS = 3_000
"""The scene before each choice shows."""
AFTER_MS = 2_500
"""The first of what was chosen, and of the ending."""
TITLE_MS = 2_500


@dataclass(frozen=True)
class RecapRange:
    media: Path
    start_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class RecapPlan:
    ranges: tuple[RecapRange, ...]
    captions: tuple[Caption, ...]
    """Times in seconds of the joined clip."""
    title: str

    @property
    def duration_ms(self) -> int:
        return sum(r.duration_ms for r in self.ranges)


def plan_recap(
    story: Story, path: list[PathStep], *, before_ms: int = BEFORE_MS, after_ms: int = AFTER_MS
) -> RecapPlan:
    """The recap of ``path`` (``StoryEngine.path``: the run from its start); empty when no
    choice was made and no ending reached."""
    pieces: list[tuple[RecapRange, str | None]] = []
    for number, step in enumerate(path):
        made = step.choice
        segment = story.segments[step.segment]
        media = story.media_path(segment)
        if made is not None:
            shown = min(max(made.appear_ms, segment.start_ms), segment.end_ms)
            lead = RecapRange(media, max(segment.start_ms, shown - before_ms), shown)
            pieces.append((lead, None))
            chosen = path[number + 1] if number + 1 < len(path) else None
            text = f"{made.prompt} → {made.label}" if made.prompt else f"→ {made.label}"
            if chosen is not None:
                nxt = story.segments[chosen.segment]
                first = RecapRange(
                    story.media_path(nxt), nxt.start_ms, min(nxt.end_ms, nxt.start_ms + after_ms)
                )
                pieces.append((first, text))
            else:
                pieces[-1] = (lead, text)
        elif segment.ending is not None and number == len(path) - 1 and pieces:
            end = min(segment.end_ms, segment.start_ms + after_ms)
            pieces.append(
                (RecapRange(media, segment.start_ms, end), f"The end: {segment.ending.title}")
            )
    merged = _merge(pieces)
    return RecapPlan(tuple(r for r, _ in merged), _captions(story, merged), _title(story))


def _merge(pieces: list[tuple[RecapRange, str | None]]) -> list[tuple[RecapRange, list[str]]]:
    """Ranges that touch or overlap in the same media become one (no jump in the clip);
    a caption stays with the range it came with."""
    merged: list[tuple[RecapRange, list[str]]] = []
    for piece, text in pieces:
        if piece.duration_ms <= 0:
            continue
        if merged:
            last, texts = merged[-1]
            if last.media == piece.media and last.start_ms <= piece.start_ms <= last.end_ms:
                joined = RecapRange(last.media, last.start_ms, max(last.end_ms, piece.end_ms))
                merged[-1] = (joined, texts + ([text] if text else []))
                continue
        merged.append((piece, [text] if text else []))
    return merged


def _captions(story: Story, merged: list[tuple[RecapRange, list[str]]]) -> tuple[Caption, ...]:
    captions: list[Caption] = []
    at = 0
    for index, (piece, texts) in enumerate(merged):
        if index == 0:
            end = min(piece.duration_ms, TITLE_MS)
            captions.append(
                Caption(
                    _title(story),
                    y=0.16,
                    size=0.06,
                    style=CaptionStyle.BOXED,
                    start=0.0,
                    end=end / 1000,
                )
            )
        for line, text in enumerate(texts):
            # over the end of the lead-in and the start of what was chosen; later lines higher
            start = max(0, at - 1_000)
            end = at + piece.duration_ms
            captions.append(
                Caption(
                    text,
                    y=0.84 - 0.11 * line,
                    size=0.06,
                    style=CaptionStyle.BOXED,
                    start=start / 1000,
                    end=end / 1000,
                )
            )
        at += piece.duration_ms
    return tuple(captions)


def _title(story: Story) -> str:
    return f"My path through {story.display_title}"
