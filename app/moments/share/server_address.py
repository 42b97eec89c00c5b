"""A server's address as people type it — ``mastodon.social``, ``https://host/@me``,
``@alice@host`` — made into ``https://host[:port]``, or a ``ShareError`` whose message says
what is wrong in a sentence (spaces, control characters, a bad name or port, plain http).

Names are checked as DNS names (RFC 1123 labels, IDNA for other scripts) before anything
reaches the network, so a typo never becomes a Python error from the HTTP stack.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
import urllib.parse

from moments.core.errors import ShareError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_NAME = 253


def server_origin(typed: str, service: str) -> str:
    """``https://host[:port]`` for what the user typed (plain http only to this computer)."""
    text = typed.strip()
    if not text:
        raise ShareError(f"Type the server's address ({service}), like mastodon.social.")
    _no_blanks(text)
    if "://" not in text:
        text = f"https://{text.split('@')[-1]}"  # @alice@host and alice@host name a server
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
        host = parts.hostname or ""
    except ValueError as exc:
        reason = "port" if "Port" in str(exc) else "server name"
        if reason == "port":
            raise ShareError(
                f"“{typed.strip()}” has a port that is not a number from 1 to 65535."
            ) from None
        raise ShareError(f"“{typed.strip()}” is not a server name.") from None
    if parts.scheme not in ("http", "https"):
        raise ShareError(f"“{typed.strip()}” is not a web address {service} can be reached at.")
    name = _checked_name(host, typed.strip())
    if parts.scheme == "http" and name not in LOOPBACK_HOSTS:
        raise ShareError(
            f"Moments talks to {service} only over HTTPS; {typed.strip()} is plain http."
        )
    if port is not None and not 0 < port < 65536:
        raise ShareError(f"“{typed.strip()}” has a port that is not a number from 1 to 65535.")
    shown = f"[{name}]" if ":" in name else name
    return f"{parts.scheme}://{shown}" + (f":{port}" if port is not None else "")


def _no_blanks(text: str) -> None:
    for char in text:
        if char.isspace():
            raise ShareError("A server address has no spaces; remove them.")
        if unicodedata.category(char) in ("Cc", "Cf"):
            raise ShareError(
                f"The address holds a control character (U+{ord(char):04X}); type it again."
            )


def _checked_name(host: str, typed: str) -> str:
    """The host as ASCII (IDNA), or ShareError."""
    if host in LOOPBACK_HOSTS:
        return host
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if len(host) > MAX_NAME:
        raise ShareError(f"“{typed[:40]}…” is too long to be a server name.")
    try:
        ascii_name = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ShareError(f"“{typed}” is not a server name.") from None
    labels = ascii_name.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ShareError(
            f"“{typed}” is not a server name: it is a name with dots, like mastodon.social."
        )
    return ascii_name
