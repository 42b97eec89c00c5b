"""User preferences: one versioned dataclass, stored as JSON in the config folder.

Window geometry and other UI state are not preferences; the UI keeps them in QSettings.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moments.core.atomic import write_atomic

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


@dataclass
class Preferences:
    """Everything the user can change. Add a field with a default; bump the version to migrate."""

    volume: int = 80
    muted: bool = False
    resume_playback: bool = True
    audio_output: str = ""
    """libVLC audio output module; empty means libVLC's own choice."""
    extra_vlc_args: list[str] = field(default_factory=list)
    capture_key: str = "C"
    """The Moments shortcut, in QKeySequence's portable text form."""
    pause_on_capture: bool = True
    edit_on_capture: bool = True
    """Open the editor on the moment as soon as it is captured."""
    moment_before_s: float = 10.0
    """A moment keeps this much of what was seen before the press…"""
    moment_after_s: float = 5.0
    """…and this much after it."""
    live_window_s: float = 60.0
    """How much of a live stream is kept on disk, so a moment can be cut from it."""

    def clamp(self) -> Preferences:
        self.volume = max(0, min(200, int(self.volume)))
        self.moment_before_s = max(1.0, min(300.0, float(self.moment_before_s)))
        self.moment_after_s = max(0.0, min(120.0, float(self.moment_after_s)))
        self.live_window_s = max(20.0, min(1800.0, float(self.live_window_s)))
        self.capture_key = self.capture_key.strip() or "C"
        return self


def load_preferences(path: Path) -> Preferences:
    """Read preferences; a missing, unreadable or foreign file gives defaults (and is logged)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Preferences()
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable, using defaults: %s", path, exc)
        return Preferences()
    if not isinstance(raw, dict):
        return Preferences()
    return _from_dict(_migrate(raw))


def save_preferences(prefs: Preferences, path: Path) -> None:
    data = {"schema_version": SCHEMA_VERSION, **dataclasses.asdict(prefs)}
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))


def _migrate(raw: dict[str, Any]) -> dict[str, Any]:
    version = raw.get("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        log.warning("settings from a newer Moments (schema %r); reading what is known", version)
    return raw


def _from_dict(raw: dict[str, Any]) -> Preferences:
    defaults = Preferences()
    values: dict[str, Any] = {}
    for item in dataclasses.fields(Preferences):
        if item.name not in raw:
            continue
        value = raw[item.name]
        expected = type(getattr(defaults, item.name))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, expected) and not (expected is int and isinstance(value, bool)):
            values[item.name] = value
        else:
            log.warning("setting %s=%r has the wrong type; using the default", item.name, value)
    return Preferences(**values).clamp()
