"""Interactive stories in the player: the driver that plays a story with the seamless
switch deck, the session that keeps the overlay and the viewer's progress in step with it,
the choice overlay, the story bar, the path map and story mode in the main window."""

from moments.ui.story.driver import StoryDriver
from moments.ui.story.mode import StoryMode, is_story_file

__all__ = ["StoryDriver", "StoryMode", "is_story_file"]
