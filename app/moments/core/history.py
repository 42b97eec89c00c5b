"""Recently opened media and where each was left, so playback can resume there."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from moments.core.atomic import write_atomic
from moments.core.errors import StorageError

log = logging.getLogger(__name__)

MAX_RECENT = 15
MAX_RESUME = 300
MIN_RESUME_S = 10.0
"""Positions this close to the start are not worth resuming."""
END_MARGIN_S = 15.0
"""Positions this close to the end count as finished."""


@dataclass(frozen=True)
class ResumePoint:
    position: float
    duration: float
    saved_at: float


class PlaybackHistory:
    """Recent files and resume points, kept in one small JSON file."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._recent: list[str] = []
        self._resume: dict[str, ResumePoint] = {}
        self._load()

    def recent(self) -> list[str]:
        return list(self._recent)

    def add_recent(self, location: str) -> None:
        self._recent = [location, *(r for r in self._recent if r != location)][:MAX_RECENT]
        self._save()

    def forget_recent(self, location: str) -> None:
        """``location`` failed to play: it is no longer offered in Open Recent."""
        if location in self._recent:
            self._recent.remove(location)
            self._save()

    def clear_recent(self) -> None:
        self._recent = []
        self._save()

    def resume_point(self, location: str) -> ResumePoint | None:
        return self._resume.get(location)

    def remember_position(self, location: str, position: float, duration: float) -> None:
        """Keep where ``location`` was left; forget it when near the start or the end."""
        finished = duration > 0 and position >= duration - min(END_MARGIN_S, duration * 0.05)
        if position < MIN_RESUME_S or finished:
            if self._resume.pop(location, None) is not None:
                self._save()
            return
        self._resume[location] = ResumePoint(position, duration, time.time())
        if len(self._resume) > MAX_RESUME:
            oldest = sorted(self._resume.items(), key=lambda kv: kv[1].saved_at)
            for key, _ in oldest[: len(self._resume) - MAX_RESUME]:
                del self._resume[key]
        self._save()

    def _load(self) -> None:
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
            self._recent = [str(r) for r in raw.get("recent", [])][:MAX_RECENT]
            self._resume = {
                str(k): ResumePoint(
                    float(v["position"]), float(v["duration"]), float(v["saved_at"])
                )
                for k, v in raw.get("resume", {}).items()
            }
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("history file %s unreadable, starting afresh: %s", self._path, exc)

    def _save(self) -> None:
        data = {
            "recent": self._recent,
            "resume": {
                k: {"position": v.position, "duration": v.duration, "saved_at": v.saved_at}
                for k, v in self._resume.items()
            },
        }
        try:
            write_atomic(self._path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except StorageError as exc:
            log.warning("could not save history: %s", exc)
