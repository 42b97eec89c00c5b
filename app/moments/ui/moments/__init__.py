"""The Moments button and My Moments: capture at the press (in a film or a story), the list
of kept moments and their posts."""

from moments.ui.moments.feature import MomentsFeature
from moments.ui.moments.story_capture import StoryPress

__all__ = ["MomentsFeature", "StoryPress"]
