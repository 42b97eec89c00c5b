"""The player: the libVLC wrapper (the only modules that import ``vlc``), the video view,
transport bar, fullscreen controls, menus and the main window."""

from moments.ui.player.deck import PlayheadDeadline, SwitchDeck
from moments.ui.player.frame_sink import FrameSink
from moments.ui.player.player import (
    LIBVLC_FIX,
    Player,
    PlayerState,
    libvlc_diagnosis,
    vlc_arguments,
)

__all__ = [
    "LIBVLC_FIX",
    "FrameSink",
    "Player",
    "PlayerState",
    "PlayheadDeadline",
    "SwitchDeck",
    "libvlc_diagnosis",
    "vlc_arguments",
]
