"""What the installed ffmpeg and fontconfig can do (for ``moments doctor``)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field

from moments.media.tools import find_tool, run_tool


@dataclass(frozen=True)
class FfmpegCapabilities:
    version: str
    encoders: frozenset[str] = field(default_factory=frozenset)
    filters: frozenset[str] = field(default_factory=frozenset)


def ffmpeg_capabilities() -> FfmpegCapabilities:
    """Version, encoders and filters of ffmpeg; raises ToolMissingError when absent."""
    ffmpeg = find_tool("ffmpeg")
    version_out = run_tool([ffmpeg, "-hide_banner", "-version"]).stdout
    match = re.search(r"ffmpeg version (\S+)", version_out)
    encoders = _names(run_tool([ffmpeg, "-hide_banner", "-encoders"]).stdout, flags=6)
    filters = _names(run_tool([ffmpeg, "-hide_banner", "-filters"]).stdout, flags=3)
    return FfmpegCapabilities(match.group(1) if match else "unknown", encoders, filters)


def ffprobe_version() -> str:
    out = run_tool([find_tool("ffprobe"), "-hide_banner", "-version"]).stdout
    match = re.search(r"ffprobe version (\S+)", out)
    return match.group(1) if match else "unknown"


def _names(listing: str, *, flags: int) -> frozenset[str]:
    """Names from ``ffmpeg -encoders``/``-filters`` rows: a flags column, then the name."""
    names = set()
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == flags and parts[0] != "=" * flags:
            names.add(parts[1])
    return frozenset(names)


def font_families() -> frozenset[str] | None:
    """Installed font families from fontconfig, or None when fc-list is not there."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return None
    out = run_tool([fc_list, ":", "family"], timeout=20).stdout
    families: set[str] = set()
    for line in out.splitlines():
        families.update(name.strip() for name in line.split(",") if name.strip())
    return frozenset(families)
