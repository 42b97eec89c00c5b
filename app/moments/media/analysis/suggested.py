"""Suggested moments of a file as the player and ``moments suggest`` both give them: the same
analysis, the same dialogue lines and the same private rewatches, through one function."""

from __future__ import annotations

import logging

from moments.core.errors import StorageError
from moments.core.library import Library
from moments.core.scene.signals import SceneSignals
from moments.core.scene.suggestions import RewatchHistogram, Suggestion, suggest
from moments.media.analysis.runner import subtitle_cues

log = logging.getLogger(__name__)

COUNT = 5


def rewatches_of(library: Library | None, source: str) -> RewatchHistogram | None:
    """What the viewer watched again in ``source`` (None without a history)."""
    if library is None:
        return None
    try:
        record = library.read_viewing(source)
    except StorageError as exc:
        log.info("viewing history of %s not read: %s", source, exc)
        return None
    return record.replays() if record is not None else None


def suggestions_for(
    source: str,
    signals: SceneSignals,
    *,
    count: int = COUNT,
    rewatches: RewatchHistogram | None = None,
) -> list[Suggestion]:
    """The ``count`` best moments of ``source``, best first (reads the subtitle file beside
    it: call it from a worker)."""
    return suggest(signals, count=count, cues=subtitle_cues(source, signals), rewatches=rewatches)
