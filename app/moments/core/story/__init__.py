"""Interactive stories: the ``*.story.json`` model, its checks, and the one interpreter the
player and ``moments story`` share. Pure Python: no Qt, no processes (media facts such as
durations and keyframes come from ``moments.media.story_media``)."""

from moments.core.story.engine import StoryEngine
from moments.core.story.load import load_story
from moments.core.story.model import FORMAT, EndingKind, Story, SwitchMode
from moments.core.story.progress import ProgressStore, StoryProgress
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

__all__ = [
    "FORMAT",
    "ChoiceMade",
    "ChoiceView",
    "Clip",
    "Decision",
    "EndingKind",
    "EndingView",
    "OptionView",
    "PathStep",
    "PlayedSpan",
    "ProgressStore",
    "Story",
    "StoryEngine",
    "StoryProgress",
    "SwitchMode",
    "load_story",
]
