"""Where Moments keeps its files (platformdirs: honours XDG_* on Linux)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

from moments import APP_ID


@dataclass(frozen=True)
class AppDirs:
    """The per-user folders. Read from the environment each time, so tests can redirect them."""

    data: Path
    config: Path
    cache: Path
    log: Path

    @classmethod
    def from_environment(cls) -> AppDirs:
        dirs = PlatformDirs(APP_ID, appauthor=False)
        return cls(
            data=Path(dirs.user_data_dir),
            config=Path(dirs.user_config_dir),
            cache=Path(dirs.user_cache_dir),
            log=Path(dirs.user_log_dir),
        )

    @property
    def demo(self) -> Path:
        return self.data / "demo"

    @property
    def stories(self) -> Path:
        """Progress and persistent state of interactive stories, one JSON file per story."""
        return self.data / "stories"

    @property
    def library_file(self) -> Path:
        return self.data / "library.sqlite3"

    @property
    def moments_dir(self) -> Path:
        """Raw clips and thumbnails of the kept moments."""
        return self.data / "moments"

    @property
    def log_file(self) -> Path:
        return self.log / "moments.log"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def history_file(self) -> Path:
        return self.data / "history.json"

    @property
    def ui_state_file(self) -> Path:
        """Window geometry and what the share panel remembers (``core/settings.UiState``)."""
        return self.config / "ui-state.json"

    def ensure(self) -> AppDirs:
        for folder in (self.data, self.config, self.cache, self.log):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the source tree, or inside a PyInstaller bundle."""
    override = os.environ.get("MOMENTS_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"
