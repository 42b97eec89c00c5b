"""What a location the user opened is: a local file or a network URL, and how to name it."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

NETWORK_SCHEMES = frozenset({"http", "https", "rtsp", "rtsps", "rtp", "udp", "rtmp", "srt", "mms"})
LIVE_SCHEMES = frozenset({"rtsp", "rtsps", "rtp", "udp", "rtmp", "srt", "mms"})
PUSH_SCHEMES = frozenset({"udp", "rtp"})
"""Streams sent *to* this machine: whoever binds the port receives them."""
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def scheme(location: str) -> str:
    """The lower-case URL scheme, or "" for a plain path."""
    match = _SCHEME.match(location)
    return match.group(1).lower() if match else ""


def is_url(location: str) -> bool:
    """True for ``scheme://...`` other than ``file://``."""
    return scheme(location) not in ("", "file")


def is_network(location: str) -> bool:
    return scheme(location) in NETWORK_SCHEMES


def looks_live(location: str) -> bool:
    """A stream that has no end to seek to: udp/rtp/rtsp/…, or an HLS playlist over HTTP."""
    kind = scheme(location)
    if not kind:
        return False
    return kind in LIVE_SCHEMES or urlparse(location).path.lower().endswith(".m3u8")


def normalize_location(location: str) -> str:
    """A URL stays as given; ``file://`` URLs and relative paths become absolute paths."""
    text = location.strip()
    if text.lower().startswith("file://"):
        return str(Path(unquote(urlparse(text).path)).resolve())
    if is_url(text):
        return text
    return str(Path(text).expanduser().resolve())


GENERIC_STREAM_NAMES = frozenset(
    {
        "index",
        "playlist",
        "master",
        "manifest",
        "stream",
        "live",
        "chunklist",
        "main",
        "media",
        "video",
        "default",
        "out",
        "hls",
        "dash",
        "mono",
        "prog_index",
    }
)
"""Last path parts that say nothing about a stream (``…/channel4/index.m3u8``)."""


def display_name(location: str) -> str:
    """The short name shown in titles and lists: a file's name, or a URL's last path part —
    its folder or host when that part is generic (``index.m3u8``)."""
    if is_url(location):
        parsed = urlparse(location)
        parts = [unquote(p) for p in parsed.path.split("/") if p]
        while parts and Path(parts[-1]).stem.lower() in GENERIC_STREAM_NAMES:
            parts.pop()  # then the folder that names it, else the host
        return (parts[-1] if parts else "") or parsed.netloc or location
    return Path(location).name


def url_host(location: str) -> str:
    """The host of a URL (empty for a path)."""
    return urlparse(location).hostname or "" if is_url(location) else ""


def ffmpeg_input(location: str) -> str:
    """How to name ``location`` on an ffmpeg command line so that no path reads as an option.

    VLC's way to say "listen" on UDP/RTP (``udp://@:1234``, ``udp://@239.0.0.1:1234``) is
    written as ffmpeg reads it (``udp://0.0.0.0:1234``, ``udp://239.0.0.1:1234``).
    """
    if scheme(location) in PUSH_SCHEMES:
        head, rest = location.split("://", 1)
        if rest.startswith("@"):
            rest = rest[1:]
            return f"{head}://{'0.0.0.0' if rest.startswith(':') else ''}{rest}"
        return location
    if is_url(location):
        return location
    path = str(Path(location).resolve())
    return path if not path.startswith("-") else f"file:{path}"


def is_unicast_push(location: str) -> bool:
    """A UDP/RTP stream sent to one address of this machine (not multicast).

    Only one socket receives each datagram of such a stream, so the player and the live
    ring cannot both listen to it: the ring receives it and relays it to the player.
    """
    if scheme(location) not in PUSH_SCHEMES:
        return False
    host = urlparse(ffmpeg_input(location)).hostname or "0.0.0.0"
    try:
        return not ipaddress.ip_address(host).is_multicast
    except ValueError:  # a host name: resolved later, treated as unicast
        return True
