"""What the path map lists: per chapter, the segments seen out of all; the endings found.
(The graph itself is ``layout``; this is the summary beside it.)"""

from __future__ import annotations

from dataclasses import dataclass

from moments.core.story.model import EndingKind, Story
from moments.core.story.progress import StoryProgress


@dataclass(frozen=True)
class SegmentMark:
    id: str
    title: str
    seen: bool


@dataclass(frozen=True)
class ChapterMark:
    id: str | None
    """None for the segments that belong to no chapter."""
    title: str
    segments: tuple[SegmentMark, ...]

    @property
    def seen(self) -> int:
        return sum(s.seen for s in self.segments)


@dataclass(frozen=True)
class EndingMark:
    id: str
    title: str
    kind: EndingKind
    found: bool


@dataclass(frozen=True)
class PathMap:
    chapters: tuple[ChapterMark, ...]
    endings: tuple[EndingMark, ...]
    plays: int

    @property
    def seen(self) -> int:
        return sum(c.seen for c in self.chapters)

    @property
    def total(self) -> int:
        return sum(len(c.segments) for c in self.chapters)

    @property
    def found(self) -> int:
        return sum(e.found for e in self.endings)


def path_map(story: Story, progress: StoryProgress) -> PathMap:
    seen = set(progress.seen)
    by_chapter: dict[str | None, list[SegmentMark]] = {cid: [] for cid in story.chapters}
    for segment in story.segments.values():
        key = segment.chapter if segment.chapter in story.chapters else None
        mark = SegmentMark(segment.id, segment.title or segment.id, segment.id in seen)
        by_chapter.setdefault(key, []).append(mark)
    chapters = tuple(
        ChapterMark(cid, story.chapters[cid].title if cid else "Other scenes", tuple(marks))
        for cid, marks in by_chapter.items()
        if marks
    )
    found = set(progress.endings)
    endings = tuple(
        EndingMark(e.id, e.title, e.kind, e.id in found) for e in story.endings().values()
    )
    return PathMap(chapters, endings, progress.plays)
