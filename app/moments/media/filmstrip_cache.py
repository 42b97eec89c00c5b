"""The on-disk cache of filmstrips: one file per strip, oldest evicted past a size bound.

A strip is keyed by the source's resolved path, size and modification time, the time range,
the count and the height, so an edited or replaced file never shows stale pictures. Each
strip is one ``<key>.strip`` file (a JSON header line, then the JPEGs back to back) written
under a hidden temp name and renamed, so a reader never sees half a strip. Reading a strip
touches it: eviction removes the least recently used first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import time
from collections.abc import Sequence
from pathlib import Path

from moments.core.paths import AppDirs
from moments.core.source import is_url

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
STALE_TEMP_S = 3600.0


class FilmstripCache:
    """Strips under ``folder``, at most ``max_bytes`` in all (the newest strip always kept).
    Safe to use from several workers at once: writes are atomic renames."""

    def __init__(self, folder: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    @classmethod
    def default(cls) -> FilmstripCache:
        """``<user cache>/filmstrips`` (``AppDirs``)."""
        return cls(AppDirs.from_environment().cache / "filmstrips")

    def key(self, source: str, start: float, end: float, count: int, height: int) -> str | None:
        """The cache key of a strip, or None when ``source`` cannot be cached (a URL, or a
        file that cannot be read)."""
        if is_url(source):
            return None
        try:
            path = Path(source).resolve()
            stat = path.stat()
        except OSError:
            return None
        facts = [FORMAT_VERSION, str(path), stat.st_size, stat.st_mtime_ns]
        facts += [round(start, 6), round(end, 6), count, height]
        return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:40]

    def get(self, key: str, count: int) -> list[bytes] | None:
        """The ``count`` images stored under ``key``, or None (missing or unreadable)."""
        path = self._path(key)
        try:
            with path.open("rb") as file:
                header = json.loads(file.readline())
                sizes = [int(size) for size in header["sizes"]]
                images = [file.read(size) for size in sizes]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if len(images) != count or any(len(i) != s for i, s in zip(images, sizes, strict=True)):
            log.info("filmstrip cache entry %s is damaged; ignored", key)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used
        return images

    def put(self, key: str, images: Sequence[bytes]) -> None:
        """Store ``images`` under ``key``, then evict the oldest strips past ``max_bytes``.
        A failure to write (full disk, read-only cache) is logged, never raised."""
        target = self._path(key)
        tmp = self.folder / f".{key}.{secrets.token_hex(4)}.part"
        header = {"version": FORMAT_VERSION, "sizes": [len(image) for image in images]}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as file:
                file.write(json.dumps(header).encode() + b"\n")
                for image in images:
                    file.write(image)
            tmp.replace(target)
        except OSError as exc:
            log.warning("filmstrip not cached: %s", exc)
            tmp.unlink(missing_ok=True)
            return
        self.evict(keep=target)

    def evict(self, *, keep: Path | None = None) -> None:
        """Remove least recently used strips until the cache fits, and stale temp files."""
        entries: list[tuple[float, int, Path]] = []
        now = time.time()
        try:
            for path in self.folder.iterdir():
                stat = path.stat()
                if path.name.endswith(".part"):
                    if now - stat.st_mtime > STALE_TEMP_S:
                        path.unlink(missing_ok=True)
                elif path.suffix == ".strip":
                    entries.append((stat.st_mtime, stat.st_size, path))
        except OSError as exc:
            log.warning("filmstrip cache not swept: %s", exc)
            return
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            if path == keep:
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size

    def size(self) -> int:
        """Bytes held by stored strips."""
        try:
            return sum(p.stat().st_size for p in self.folder.glob("*.strip"))
        except OSError:
            return 0

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.strip"
