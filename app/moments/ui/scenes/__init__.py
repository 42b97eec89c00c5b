"""Scene intelligence in the window: the open file analysed in the background
(``SceneAnalysis``), the private viewing history and its curve over the seek bar
(``ViewingRecorder``), and the suggested moments with the analysis's status
(``SuggestionsPanel``). The pure half is ``moments.core.scene`` and ``moments.core.viewing``;
``ui/moments`` uses these at the press and in My Moments."""

from moments.ui.scenes.analysis import SceneAnalysis
from moments.ui.scenes.suggestions_panel import SuggestionsPanel
from moments.ui.scenes.viewing import ViewingRecorder

__all__ = ["SceneAnalysis", "SuggestionsPanel", "ViewingRecorder"]
