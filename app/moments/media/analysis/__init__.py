"""Scene analysis, the ffmpeg half: one low-resolution decode per file gives per-frame
picture signals and per-100 ms loudness (``decode.py``, ``features.py``); ``runner.py`` runs
it window first, pausable and cancellable, into the sidecar cache (``cache.py``);
``live.py`` follows a live ring segment by segment. The pure half — transitions, snapping,
suggestions — is ``moments.core.scene``. No Qt."""

from moments.media.analysis.cache import AnalysisCache, FileIdentity, file_identity
from moments.media.analysis.live import LiveAnalysis
from moments.media.analysis.runner import (
    AnalysisProgress,
    analyse,
    subtitle_cues,
)
from moments.media.analysis.suggested import rewatches_of, suggestions_for

__all__ = [
    "AnalysisCache",
    "AnalysisProgress",
    "FileIdentity",
    "LiveAnalysis",
    "analyse",
    "file_identity",
    "rewatches_of",
    "subtitle_cues",
    "suggestions_for",
]
