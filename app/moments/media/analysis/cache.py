"""The analysis sidecar: a file's signals on disk, so a second open costs nothing.

One ``<key>.scenes`` file per analysed file in ``<user cache>/analysis``, keyed by the file's
identity — its size, modification time and a SHA-256 of its first and last MiB — so a moved
or renamed file is still known, and a changed one is not (its key differs). The sidecar is
a numpy ``.npz`` (no pickles) holding the signal arrays and a JSON header: format version,
the identity again (checked on load), the feature names, coverage (which stretches are
done, so a window analysed first is kept while the rest is pending), duration, frame rate
and the file's own subtitle cues. Anything that does not read back exactly — another
version, a damaged or truncated file — is ignored (and removed), and the analysis runs
again. Writes go to a hidden temp file renamed into place; the least recently used
sidecars are evicted past ``max_bytes``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import math
import os
import secrets
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moments.core.paths import AppDirs
from moments.core.scene.signals import (
    FEATURES,
    AudioSignals,
    Coverage,
    FrameSignals,
    SceneSignals,
)
from moments.core.subtitles import Cue

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
"""Bump when the signals change meaning: older sidecars are then recomputed."""
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
HASHED_BYTES = 1024 * 1024
STALE_TEMP_S = 3600.0
SUFFIX = ".scenes"


@dataclass(frozen=True)
class FileIdentity:
    size: int
    mtime_ns: int
    digest: str
    """SHA-256 of the first and last MiB (the whole file when smaller)."""

    @property
    def key(self) -> str:
        text = f"{self.size}:{self.mtime_ns}:{self.digest}"
        return hashlib.sha256(text.encode()).hexdigest()[:40]

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "mtime_ns": self.mtime_ns, "digest": self.digest}


def file_identity(path: Path) -> FileIdentity:
    """The identity of a local file. Raises OSError when it cannot be read."""
    stat = path.stat()
    digest = hashlib.sha256()
    with path.open("rb") as file:
        digest.update(file.read(HASHED_BYTES))
        if stat.st_size > 2 * HASHED_BYTES:
            file.seek(-HASHED_BYTES, os.SEEK_END)
            digest.update(file.read(HASHED_BYTES))
        elif stat.st_size > HASHED_BYTES:
            digest.update(file.read())
    return FileIdentity(stat.st_size, stat.st_mtime_ns, digest.hexdigest())


class AnalysisCache:
    """Sidecars under ``folder``, at most ``max_bytes`` in all (the newest always kept).
    Safe from several threads and processes: writes are atomic renames."""

    def __init__(self, folder: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    @classmethod
    def default(cls) -> AnalysisCache:
        """``<user cache>/analysis`` (``AppDirs``)."""
        return cls(AppDirs.from_environment().cache / "analysis")

    def path(self, identity: FileIdentity) -> Path:
        return self.folder / f"{identity.key}{SUFFIX}"

    def load(self, identity: FileIdentity) -> SceneSignals | None:
        """The stored signals of that file, or None (none, stale or damaged)."""
        path = self.path(identity)
        try:
            with np.load(path, allow_pickle=False) as data:
                header = json.loads(bytes(data["header"]).decode("utf-8"))
                signals = _from_arrays(header, identity, data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            log.info("analysis sidecar %s unreadable (%s); it will be rebuilt", path.name, exc)
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used
        return signals

    def save(self, identity: FileIdentity, signals: SceneSignals) -> None:
        """Store ``signals`` for that file. A failure (full disk, read-only cache) is logged,
        never raised: the analysis is then simply not kept."""
        target = self.path(identity)
        tmp = self.folder / f".{identity.key}.{secrets.token_hex(4)}.part"
        buffer = io.BytesIO()
        savez: Callable[..., None] = np.savez_compressed
        savez(buffer, **_to_arrays(identity, signals))
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(buffer.getvalue())
            tmp.replace(target)
        except OSError as exc:
            log.warning("scene analysis not cached: %s", exc)
            tmp.unlink(missing_ok=True)
            return
        self.evict(keep=target)

    def evict(self, *, keep: Path | None = None) -> None:
        """Remove least recently used sidecars until the cache fits, and stale temp files."""
        entries: list[tuple[float, int, Path]] = []
        now = time.time()
        try:
            for path in self.folder.iterdir():
                stat = path.stat()
                if path.name.endswith(".part"):
                    if now - stat.st_mtime > STALE_TEMP_S:
                        path.unlink(missing_ok=True)
                elif path.suffix == SUFFIX:
                    entries.append((stat.st_mtime, stat.st_size, path))
        except OSError as exc:
            log.warning("analysis cache not swept: %s", exc)
            return
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            if path != keep:
                with contextlib.suppress(OSError):
                    path.unlink()
                    total -= size


def _to_arrays(identity: FileIdentity, signals: SceneSignals) -> dict[str, np.ndarray]:
    header = {
        "version": FORMAT_VERSION,
        "identity": identity.to_json(),
        "features": list(FEATURES),
        "duration": signals.duration,
        "fps": signals.fps,
        "coverage": [[a, b if math.isfinite(b) else None] for a, b in signals.coverage.spans],
        "complete": signals.complete,
        "has_audio": signals.has_audio,
        "cues": [[c.start, c.end, c.text, c.speaker] for c in signals.cues],
    }
    return {
        "header": np.frombuffer(json.dumps(header).encode("utf-8"), np.uint8),
        "t": signals.frames.t,
        "values": signals.frames.values,
        "signature": signals.frames.signature,
        "audio_t": signals.audio.t,
        "momentary": signals.audio.momentary,
        "short_term": signals.audio.short_term,
    }


def _from_arrays(header: dict[str, Any], identity: FileIdentity, data: Any) -> SceneSignals:
    if header.get("version") != FORMAT_VERSION or header.get("features") != list(FEATURES):
        raise ValueError("another format version")
    if header.get("identity") != identity.to_json():
        raise ValueError("made for another file")
    frames = FrameSignals(
        np.asarray(data["t"], np.float64),
        np.asarray(data["values"], np.float32),
        np.asarray(data["signature"], np.uint8),
    )
    n = len(frames)
    if frames.values.shape != (n, len(FEATURES)) or frames.signature.shape[0] != n:
        raise ValueError("arrays of different lengths")
    audio = AudioSignals(
        np.asarray(data["audio_t"], np.float64),
        np.asarray(data["momentary"], np.float32),
        np.asarray(data["short_term"], np.float32),
    )
    if not audio.momentary.shape == audio.short_term.shape == audio.t.shape:
        raise ValueError("audio arrays of different lengths")
    coverage = Coverage()
    for a, b in header["coverage"]:
        coverage = coverage.add(float(a), math.inf if b is None else float(b))
    cues = tuple(Cue(float(a), float(b), str(text), str(who)) for a, b, text, who in header["cues"])
    duration, fps = header["duration"], header["fps"]
    return SceneSignals(
        None if duration is None else float(duration),
        None if fps is None else float(fps),
        frames,
        audio,
        coverage,
        bool(header["complete"]),
        bool(header["has_audio"]),
        cues,
    )
