"""Export file names: the ``{title} {timecode}`` template, safe names, hidden work files in the
destination folder, and the final no-clobber rename with a numbered suffix."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
from pathlib import Path

from moments.core import leftovers
from moments.core.atomic import storage_error
from moments.core.timefmt import format_timecode

DEFAULT_TEMPLATE = "{title} {timecode}"
WORK_PREFIX = ".moments-export-"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
MAX_NAME_BYTES = 200


def safe_name(text: str, *, fallback: str = "clip") -> str:
    """``text`` as a file name on any system: no separators, control or reserved characters,
    no trailing dots or spaces, at most ~200 bytes of UTF-8."""
    cleaned = re.sub(r"\s+", " ", _UNSAFE.sub("-", text)).strip().rstrip(". ")
    encoded = cleaned.encode("utf-8")[:MAX_NAME_BYTES]
    cleaned = encoded.decode("utf-8", errors="ignore").rstrip(". ")
    if not cleaned or set(cleaned) <= {"."}:
        return fallback
    return f"{cleaned}_" if _RESERVED.match(cleaned) else cleaned


def file_timecode(seconds: float) -> str:
    """``HH-MM-SS.mmm``: the start of a clip as a file-name-safe timecode."""
    return format_timecode(seconds).replace(":", "-")


def render_template(template: str, *, title: str, start: float, preset: str) -> str:
    """Fill ``{title}``, ``{timecode}`` and ``{preset}``; other braces stay as typed."""
    text = template or DEFAULT_TEMPLATE
    for key, value in (("title", title), ("timecode", file_timecode(start)), ("preset", preset)):
        text = text.replace("{" + key + "}", value)
    return safe_name(text)


def numbered(path: Path, n: int) -> Path:
    """``clip.mp4`` → ``clip (2).mp4``."""
    return path if n <= 1 else path.with_name(f"{path.stem} ({n}){path.suffix}")


def new_work_file(target: Path) -> Path:
    """A new, empty, hidden work file beside ``target`` (same folder, so the final rename is
    atomic; same extension), recorded as this process's (``core/leftovers``) so that a later
    start removes it if this process is killed. Raises StorageError when it cannot be made."""
    while True:
        work = target.with_name(f"{WORK_PREFIX}{secrets.token_hex(6)}{target.suffix}")
        try:
            return leftovers.new_file(work)
        except FileExistsError:
            continue
        except OSError as exc:
            raise storage_error(exc, target) from exc


def publish(work: Path, target: Path) -> Path:
    """Give the finished ``work`` file its final name without ever replacing an existing file:
    ``target``, else ``target (2)``, ``(3)``… Returns the name used."""
    for n in range(1, 10_000):
        candidate = numbered(target, n)
        try:
            os.link(work, candidate)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise storage_error(exc, candidate) from exc
            if candidate.exists():  # no hard links here (FAT, some network drives)
                continue
            try:
                work.rename(candidate)
            except OSError as rename_exc:
                raise storage_error(rename_exc, candidate) from rename_exc
            return candidate
        with contextlib.suppress(OSError):
            work.unlink()
        return candidate
    raise FileExistsError(target)
