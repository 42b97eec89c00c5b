"""Is libVLC there, and does it start? No Qt: ``moments doctor`` and the player both ask here.

With ``ui/player/``, the only place that imports ``vlc`` (import-linter says so). ``vlc`` is
imported when a check runs, so a missing libVLC is an answer, not an import error.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from moments.core.errors import ToolMissingError

if TYPE_CHECKING:
    import vlc

LIBVLC_FIX = (
    "install libVLC: sudo apt install libvlc5 libvlc-bin vlc-plugin-base "
    "vlc-plugin-video-output (macOS: brew install --cask vlc; Windows: winget install "
    "VideoLAN.VLC)"
)
LOAD_ERRORS = (ImportError, OSError, NameError, AttributeError)
"""What python-vlc raises when it cannot find or load libVLC."""


@dataclass(frozen=True)
class LibVlcInfo:
    """What ``moments doctor`` reports about libVLC."""

    version: str
    plugin_dir: Path | None
    """None when it cannot be found (libVLC then finds its plugins by itself)."""
    video_outputs: list[str]
    plugin_cache: bool
    """Whether ``plugins.dat`` is there (without it, every start scans the plugins)."""


def libvlc_load_error() -> str | None:
    """Why python-vlc cannot load libVLC, or None when it can. Loads it."""
    try:
        import vlc  # noqa: F401 - loading it is the check
    except LOAD_ERRORS as exc:
        return f"cannot be loaded ({exc})"
    return None


def create_instance(args: list[str]) -> vlc.Instance:
    """A libVLC instance, or ToolMissingError saying how to install libVLC."""
    try:
        import vlc

        instance = vlc.Instance(args)
    except LOAD_ERRORS as exc:
        raise ToolMissingError("libVLC could not be loaded.", fix=LIBVLC_FIX) from exc
    if instance is None:
        raise ToolMissingError(
            "libVLC is installed but refused to start (plugins missing?).", fix=LIBVLC_FIX
        )
    return instance


def libvlc_diagnosis() -> LibVlcInfo:
    """libVLC's version, plugin folder and video outputs; starts and releases an instance
    (ToolMissingError when that fails)."""
    import vlc

    version = vlc.libvlc_get_version()
    create_instance(["--quiet"]).release()
    plugin_dir = _plugin_dir(getattr(vlc, "plugin_path", None))
    outputs: list[str] = []
    cache = False
    if plugin_dir is not None:
        outputs = sorted(
            re.sub(r"^lib|_plugin\.\w+$", "", p.name)
            for p in (plugin_dir / "video_output").glob("*plugin*")
        )
        cache = (plugin_dir / "plugins.dat").is_file()
    return LibVlcInfo(
        version=version.decode() if isinstance(version, bytes) else str(version),
        plugin_dir=plugin_dir,
        video_outputs=outputs,
        plugin_cache=cache,
    )


def _plugin_dir(python_vlc_path: str | None) -> Path | None:
    if os.environ.get("VLC_PLUGIN_PATH"):
        return Path(os.environ["VLC_PLUGIN_PATH"])
    if python_vlc_path:
        return Path(python_vlc_path)
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/maps").read_text().splitlines():
            if "libvlccore" in line:
                lib = Path(line.split()[-1])
                candidate = lib.parent / "vlc" / "plugins"
                if candidate.is_dir():
                    return candidate
    return None
