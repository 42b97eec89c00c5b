"""From an edited Moment to export requests: which file to read (the source, or the raw clip
when the source is gone), the trim in that file's times, framing, title and post text.

Pure: the caller renders the captions at the planned output size (``plan``) and adds them
as overlays before calling ``media/export.export``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from moments.core.edits import MomentEdits
from moments.core.moment import Moment
from moments.core.source import display_name
from moments.media.export.graph import ExportRequest, FolderTemplate


@dataclass(frozen=True)
class Rendition:
    """One file to make from a moment, for one preset."""

    moment: Moment
    edits: MomentEdits
    preset: str
    destination: FolderTemplate | Path

    @property
    def clip_duration(self) -> float:
        return self.edits.duration(self.moment)

    def request(self, *, target_size: int | None = None) -> ExportRequest:
        location, offset = self.moment.pictures()
        start, end = self.edits.trim(self.moment)
        return ExportRequest(
            source=location,
            start=max(0.0, start - offset),
            end=max(0.001, end - offset),
            destination=self.destination,
            preset=self.preset,
            framing=self.edits.framing_for(self.preset),
            title=self.edits.title or self.moment.title,
            file_title=self.edits.title or Path(display_name(self.moment.source)).stem,
            comment=self.edits.post_text(self.moment),
            target_size=target_size,
            timecode_at=start,
        )
