"""A viewer's progress in one story: what they have seen and found, persistent state, the
random defaults drawn for them, and the run in progress — JSON, kept per story.

``ProgressStore`` keeps one file per story in the data folder (``AppDirs.stories``), named
after a hash of the story's identity (its ``id``, else its full path), written atomically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moments.core.atomic import write_atomic
from moments.core.story.model import Story, Value

log = logging.getLogger(__name__)

PROGRESS_FORMAT = 1


@dataclass
class StoryProgress:
    seed: int = field(default_factory=lambda: secrets.randbits(32))
    """Random defaults are drawn from it: the same viewer gets the same ones."""
    plays: int = 0
    persistent: dict[str, Value] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)
    """Segment ids, in the order first seen."""
    endings: list[str] = field(default_factory=list)
    """Ending ids, in the order found."""
    defaults: dict[str, int] = field(default_factory=dict)
    """Choice id → the option index drawn for a random default."""
    session: dict[str, Any] | None = None
    """The run in progress (``StoryEngine.snapshot()``), for resuming; None when none."""

    def mark_seen(self, segment_id: str) -> None:
        if segment_id not in self.seen:
            self.seen.append(segment_id)

    def mark_ending(self, ending_id: str) -> None:
        if ending_id not in self.endings:
            self.endings.append(ending_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": PROGRESS_FORMAT,
            "seed": self.seed,
            "plays": self.plays,
            "persistent": dict(self.persistent),
            "seen": list(self.seen),
            "endings": list(self.endings),
            "defaults": dict(self.defaults),
            "session": self.session,
        }

    @classmethod
    def from_json(cls, data: Any, story: Story | None = None) -> StoryProgress:
        """Tolerant: unknown or mistyped parts are dropped; with ``story``, so are ids it no
        longer has (an edited story keeps what still applies)."""
        if not isinstance(data, dict):
            return cls()
        segments = story.segments if story else None
        endings = story.endings() if story else None
        progress = cls()
        if isinstance(data.get("seed"), int):
            progress.seed = data["seed"]
        if isinstance(data.get("plays"), int):
            progress.plays = max(0, data["plays"])
        progress.persistent = _values(data.get("persistent"))
        progress.seen = _ids(data.get("seen"), segments)
        progress.endings = _ids(data.get("endings"), endings)
        defaults = data.get("defaults")
        if isinstance(defaults, dict):
            progress.defaults = {
                k: v
                for k, v in defaults.items()
                if isinstance(v, int) and (story is None or k in story.choices)
            }
        session = data.get("session")
        progress.session = session if isinstance(session, dict) else None
        return progress


def _values(raw: Any) -> dict[str, Value]:
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if isinstance(v, bool | int | str)}


def _ids(raw: Any, known: Any) -> list[str]:
    if not isinstance(raw, list):
        return []
    return list(
        dict.fromkeys(i for i in raw if isinstance(i, str) and (known is None or i in known))
    )


class ProgressStore:
    """Progress files in ``folder``, one per story; never raises on a damaged file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, story: Story) -> Path:
        digest = hashlib.sha256(story.identity.encode("utf-8")).hexdigest()[:24]
        return self.folder / f"{digest}.json"

    def load(self, story: Story) -> StoryProgress:
        path = self.path_for(story)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return StoryProgress()
        except (OSError, ValueError) as exc:
            log.warning("story progress %s unreadable, starting afresh: %s", path, exc)
            return StoryProgress()
        return StoryProgress.from_json(data, story)

    def save(self, story: Story, progress: StoryProgress) -> None:
        """Atomic; raises StorageError when the file cannot be written."""
        data = progress.to_json()
        data["story"] = {"identity": story.identity, "title": story.display_title}
        text = json.dumps(data, ensure_ascii=False, indent=1)
        write_atomic(self.path_for(story), text.encode("utf-8"))

    def forget(self, story: Story) -> None:
        """Start the story over: its progress and persistent state are removed."""
        self.path_for(story).unlink(missing_ok=True)
