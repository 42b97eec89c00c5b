"""The player: the libVLC wrapper (with ``moments.libvlc_check``, the only modules that
import ``vlc``), the video view, transport bar, fullscreen controls, menus and the main
window."""

from moments.ui.player.actions import PlayerActions
from moments.ui.player.deck import PlayheadDeadline, SwitchDeck
from moments.ui.player.frame_sink import FrameSink
from moments.ui.player.player import Player, PlayerState, vlc_arguments

__all__ = [
    "FrameSink",
    "Player",
    "PlayerActions",
    "PlayerState",
    "PlayheadDeadline",
    "SwitchDeck",
    "vlc_arguments",
]
