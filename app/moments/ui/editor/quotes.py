"""Quote the moment: find the subtitle lines spoken during a moment, in a worker.

Where the lines come from, best first: the subtitle file the viewer loaded, the embedded
track they had on, a subtitle file beside the video (``film.srt``, ``film.en.vtt``), the
first embedded text track. Times are source seconds, like the moment's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from moments.core.captions import Caption
from moments.core.errors import MediaError
from moments.core.moment import Moment
from moments.core.source import is_url
from moments.core.subtitles import Cue, captions_from_cues, cues_between, read_subtitle_file
from moments.media.subtitle_tracks import (
    extract_subtitle_cues,
    find_external_subtitles,
    list_subtitle_tracks,
)
from moments.ui.common import TaskContext, TaskRunner

log = logging.getLogger(__name__)

MARGIN_S = 30.0
"""Lines this far around the moment are kept too, so lengthening the trim finds them."""


@dataclass(frozen=True)
class SubtitleHint:
    """What the viewer was watching with: a loaded file, or the n-th embedded track."""

    file: Path | None = None
    track_position: int | None = None


def find_cues(moment: Moment, hint: SubtitleHint, ctx: TaskContext | None = None) -> list[Cue]:
    """The cues around ``moment`` from the best source there is (blocking)."""
    low, high = max(0.0, moment.start - MARGIN_S), moment.end + MARGIN_S
    if hint.file is not None and hint.file.is_file():
        return cues_between(read_subtitle_file(hint.file), low, high)
    source = moment.source
    local = not is_url(source) and Path(source).is_file()
    tracks = []
    if local or (is_url(source) and not moment.is_live):
        try:
            tracks = [t for t in list_subtitle_tracks(source) if t.is_text]
        except MediaError as exc:
            log.info("no subtitle tracks in %s: %s", source, exc)
    if tracks and hint.track_position is not None and 0 <= hint.track_position < len(tracks):
        chosen = tracks[hint.track_position]
        cancel = ctx.cancel if ctx else None
        return extract_subtitle_cues(source, chosen, start=low, end=high, cancel=cancel)
    beside = find_external_subtitles(source) if local else []
    if beside:
        return cues_between(read_subtitle_file(beside[0].path), low, high)
    if tracks:
        cancel = ctx.cancel if ctx else None
        return extract_subtitle_cues(source, tracks[0], start=low, end=high, cancel=cancel)
    return []


class QuoteFinder(QObject):
    found = Signal()

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._cues: list[Cue] = []
        self._reason = "looking for subtitles…"

    def find(self, moment: Moment, hint: SubtitleHint | None = None) -> None:
        hint = hint or SubtitleHint()
        self._tasks.run(
            lambda ctx: find_cues(moment, hint, ctx),
            name="find subtitles",
            context=self,
            on_success=self._on_cues,
            on_error=self._on_error,
        )

    def cues(self, start: float, end: float) -> list[Cue]:
        return cues_between(self._cues, start, end)

    def lines(self, start: float, end: float) -> list[str]:
        return [cue.text for cue in self.cues(start, end)]

    def captions(self, rows: list[int], start: float, end: float) -> list[Caption]:
        """Captions (times inside the clip ``[start, end)``) for the listed lines."""
        cues = self.cues(start, end)
        chosen = [cues[i] for i in rows if 0 <= i < len(cues)]
        return captions_from_cues(chosen, start, end)

    def empty_reason(self) -> str:
        return self._reason if not self._cues else "nothing is said during the clip."

    def _on_cues(self, cues: list[Cue]) -> None:
        self._cues = cues
        self._reason = "no subtitles for this video." if not cues else ""
        self.found.emit()

    def _on_error(self, error: BaseException) -> None:
        log.info("subtitles for the moment could not be read: %s", error)
        self._cues = []
        self._reason = str(error) if isinstance(error, MediaError) else "subtitles unreadable."
        self.found.emit()
