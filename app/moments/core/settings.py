"""Every option Moments keeps, declared in one place, in two stores — as Picard's
``options.py`` separates ``setting`` from ``persist``:

- ``Preferences`` (``settings.json``): what the user chooses, in the Preferences dialog or by
  hand (``preset_overrides``, ``docs/presets.md``).
- ``UiState`` (``ui-state.json``): what the windows remember for the user — window
  geometry, the last export folder, name template and targets.

Each is a dataclass: a field is an option, with its type and its default. Loading checks each
value against the default's type (a wrong one is logged and the default used); saving writes
the declared options over what the file holds, so keys this version does not know — written
by a newer Moments, or by the user — are kept. A file that cannot be read gives the defaults;
before saving over it, it is set aside as ``<name>.unreadable`` for the user to mend.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from moments.core.atomic import write_atomic
from moments.core.presets import ExportPreset, get_preset, with_overrides

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""Bumped (with a step in ``_migrate``) only when an option changes meaning; adding one with a
default needs no bump."""


@dataclass
class Preferences:
    """What the user chooses. Add a field with a default; bump the version to migrate."""

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
    snap_moments: bool = True
    """A pressed moment starts on a shot change and ends where a line ends
    (``core/scene/snapping``); off, it keeps the clock's seconds before and after."""
    remember_viewing: bool = True
    """Keep a private history of what is watched again, paused on and kept (the curve over
    the seek bar, rewatches in suggested moments). It never leaves this machine."""
    story_timers: bool = True
    """Interactive stories give choices their time limit; off (accessibility), every choice
    waits for the viewer and the default is never taken for them."""
    preset_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Preset id → limits that replace the built-in ones (``docs/presets.md``): platforms
    change them faster than Moments is released. Kept as written; ``effective_preset``
    applies the valid ones."""

    def clamp(self) -> Preferences:
        self.volume = max(0, min(200, int(self.volume)))
        self.moment_before_s = max(1.0, min(300.0, float(self.moment_before_s)))
        self.moment_after_s = max(0.0, min(120.0, float(self.moment_after_s)))
        self.live_window_s = max(20.0, min(1800.0, float(self.live_window_s)))
        self.capture_key = self.capture_key.strip() or "C"
        return self


@dataclass
class UiState:
    """What the windows remember between runs (not choices the user makes in Preferences)."""

    window_geometry: str = ""
    """The main window's ``saveGeometry()``, base64."""
    share_folder: str = ""
    """Where the share panel saved last; empty: the Videos folder's ``Moments``."""
    share_template: str = ""
    """The file-name template used last; empty: the default template."""
    share_targets: list[str] = field(default_factory=lambda: ["x"])
    """The presets ticked in the share panel last time."""

    def clamp(self) -> UiState:
        self.share_targets = [t for t in self.share_targets if isinstance(t, str)]
        return self


# -- the preset a user's exports use ------------------------------------------------------------


def user_overrides(preset_id: str, prefs: Preferences | None) -> dict[str, Any]:
    """The valid part of ``prefs.preset_overrides[preset_id]`` (an unknown key or a value of
    the wrong kind is logged and left out, never fatal; the file keeps it as written)."""
    if prefs is None:
        return {}
    raw = prefs.preset_overrides.get(preset_id)
    if not isinstance(raw, Mapping):
        if raw is not None:
            log.warning("preset_overrides.%s is not a table; ignored", preset_id)
        return {}
    base = get_preset(preset_id)
    valid: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            with_overrides(base, {key: value})
        except (ValueError, TypeError) as exc:
            log.warning("preset_overrides.%s.%s=%r ignored: %s", preset_id, key, value, exc)
            continue
        valid[key] = value
    return valid


def effective_preset(
    preset_id: str, prefs: Preferences | None = None, fixes: Mapping[str, Any] | None = None
) -> ExportPreset:
    """The preset as this user's exports use it: the built-in limits, then the user's
    ``preset_overrides``, then ``fixes`` accepted for one export (a lower resolution).
    The GUI and the CLI both ask here. Raises KeyError for an unknown preset."""
    return get_preset(preset_id, {**user_overrides(preset_id, prefs), **(fixes or {})})


def export_overrides(
    preset_id: str, prefs: Preferences | None = None, fixes: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What an ``ExportRequest.preset_overrides`` carries for ``effective_preset``."""
    return {**user_overrides(preset_id, prefs), **(fixes or {})}


class Settings:
    """Both stores of one running Moments, each saved to its file by whoever changes it.
    Without paths (a panel built on its own, in a test) nothing is written."""

    def __init__(
        self,
        prefs: Preferences | None = None,
        ui: UiState | None = None,
        *,
        prefs_file: Path | None = None,
        ui_file: Path | None = None,
    ) -> None:
        self.prefs = prefs if prefs is not None else Preferences()
        self.ui = ui if ui is not None else UiState()
        self._prefs_file, self._ui_file = prefs_file, ui_file

    def preset(self, preset_id: str, fixes: Mapping[str, Any] | None = None) -> ExportPreset:
        return effective_preset(preset_id, self.prefs, fixes)

    def export_overrides(
        self, preset_id: str, fixes: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        return export_overrides(preset_id, self.prefs, fixes)

    def save_prefs(self) -> None:
        self._write(save_preferences, self.prefs, self._prefs_file)

    def save_ui(self) -> None:
        self._write(save_ui_state, self.ui, self._ui_file)

    @staticmethod
    def _write(
        save: Callable[[Any, Path], None], options: Preferences | UiState, path: Path | None
    ) -> None:
        if path is None:
            return
        try:
            save(options, path)
        except Exception as exc:  # noqa: BLE001 - settings are not worth a crash
            log.warning("could not save %s: %s", path, exc)


# -- files ------------------------------------------------------------------------------------

_Options = TypeVar("_Options", Preferences, UiState)


def load_preferences(path: Path) -> Preferences:
    """Read preferences; a missing, unreadable or foreign file gives defaults (and is logged)."""
    return _load(Preferences, path)


def save_preferences(prefs: Preferences, path: Path) -> None:
    _save(prefs, path)


def load_ui_state(path: Path) -> UiState:
    return _load(UiState, path)


def save_ui_state(state: UiState, path: Path) -> None:
    _save(state, path)


def _load(kind: type[_Options], path: Path) -> _Options:
    raw = _read(path)
    return kind() if raw is None else _from_dict(kind, _migrate(raw))


def _read(path: Path, *, set_aside: bool = False) -> dict[str, Any] | None:
    """The file's table; None when it is missing or unreadable. With ``set_aside`` (before
    saving over it), an unreadable file is renamed to ``.unreadable``, not lost."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable, using defaults: %s", path, exc)
        raw = None
    if not isinstance(raw, dict):
        if raw is not None:
            log.warning("settings file %s holds no table, using defaults", path)
        if set_aside:
            _set_aside(path)
        return None
    return raw


def _set_aside(path: Path) -> None:
    try:
        path.replace(path.with_name(path.name + ".unreadable"))
    except OSError as exc:
        log.warning("could not set %s aside: %s", path, exc)


def _save(options: Preferences | UiState, path: Path) -> None:
    kept = _read(path, set_aside=True) or {}
    data = {**kept, "schema_version": SCHEMA_VERSION, **dataclasses.asdict(options)}
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))


def _migrate(raw: dict[str, Any]) -> dict[str, Any]:
    version = raw.get("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        log.warning("settings from a newer Moments (schema %r); reading what is known", version)
    return raw


def _from_dict(kind: type[_Options], raw: dict[str, Any]) -> _Options:
    defaults = kind()
    values: dict[str, Any] = {}
    for item in dataclasses.fields(kind):
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
    return kind(**values).clamp()
