"""Interactive stories in the player: the driver that plays a story with the seamless
switch deck; the choice overlay, path map and story window build on it."""

from moments.ui.story.driver import StoryDriver

__all__ = ["StoryDriver"]
