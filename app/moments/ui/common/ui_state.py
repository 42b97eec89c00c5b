"""The one UI-state store, ``ui-state.json`` (``core/settings.UiState``), and the move into it
of what older versions kept in two QSettings files: ``ui-state.ini`` (window geometry) and a
bare ``QSettings()`` (the share panel's folder, name template and targets), which Qt wrote to
``~/.config/Unknown Organization/Moments.conf`` because no organization was set."""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from moments import APP_NAME
from moments.core.paths import AppDirs
from moments.core.settings import UiState, load_ui_state, save_ui_state

log = logging.getLogger(__name__)

LEGACY_INI = "ui-state.ini"
_SHARE_KEYS = ("share/folder", "share/template", "share/targets")


def open_ui_state(dirs: AppDirs) -> UiState:
    """The UI state; on the first run of this version, moved over from the older stores."""
    path = dirs.ui_state_file
    if path.exists():
        return load_ui_state(path)
    state = UiState()
    moved = _from_window_ini(dirs.config / LEGACY_INI, state)
    moved = _from_bare_qsettings(dirs, state) or moved
    if moved:
        try:
            save_ui_state(state, path)
        except Exception as exc:  # noqa: BLE001 - the old files stay; try again next time
            log.warning("could not save %s: %s", path, exc)
            return state
        _forget_legacy(dirs)
        log.info("UI state moved into %s", path)
    return state


def geometry_bytes(state: UiState) -> QByteArray | None:
    if not state.window_geometry:
        return None
    return QByteArray.fromBase64(QByteArray(state.window_geometry.encode("ascii")))


def geometry_text(geometry: QByteArray) -> str:
    return bytes(geometry.toBase64().data()).decode("ascii")


def legacy_bare_settings_file(dirs: AppDirs) -> Path | None:
    """Where a bare ``QSettings()`` wrote on this system, when it is a file we can name
    (Linux and the BSDs; macOS and Windows keep it in their native stores)."""
    if sys.platform.startswith(("win", "darwin")):
        return None
    return dirs.config.parent / "Unknown Organization" / f"{APP_NAME}.conf"


def _bare_settings(dirs: AppDirs) -> QSettings | None:
    path = legacy_bare_settings_file(dirs)
    if path is None:
        return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, "", APP_NAME)
    return QSettings(str(path), QSettings.Format.IniFormat) if path.is_file() else None


def _from_window_ini(path: Path, state: UiState) -> bool:
    if not path.is_file():
        return False
    geometry = QSettings(str(path), QSettings.Format.IniFormat).value("window/geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        state.window_geometry = geometry_text(geometry)
    return True


def _from_bare_qsettings(dirs: AppDirs, state: UiState) -> bool:
    settings = _bare_settings(dirs)
    if settings is None or not any(settings.contains(key) for key in _SHARE_KEYS):
        return False
    folder = settings.value("share/folder")
    if isinstance(folder, str):
        state.share_folder = folder
    template = settings.value("share/template")
    if isinstance(template, str):
        state.share_template = template
    targets = settings.value("share/targets")
    if isinstance(targets, str):  # QSettings gives a one-item list back as a string
        targets = [targets]
    if isinstance(targets, list):
        state.share_targets = [str(t) for t in targets]
    return True


def _forget_legacy(dirs: AppDirs) -> None:
    """Remove what was moved: the old ini, and our keys from the bare QSettings file (the
    file too when nothing else is left in it)."""
    with contextlib.suppress(OSError):
        (dirs.config / LEGACY_INI).unlink()
    settings = _bare_settings(dirs)
    if settings is None:
        return
    for key in _SHARE_KEYS:
        settings.remove(key)
    settings.sync()
    path = legacy_bare_settings_file(dirs)
    if path is not None and not settings.allKeys():
        del settings
        with contextlib.suppress(OSError):
            path.unlink()
            path.parent.rmdir()
