"""The Moments button and My Moments: capture at the press, the list of kept moments and
their posts."""

from moments.ui.moments.feature import MomentsFeature

__all__ = ["MomentsFeature"]
