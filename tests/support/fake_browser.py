"""A stand-in ``xdg-open`` on PATH: a real program the app really starts, which records the
addresses it is given and then behaves like a desktop with a browser, without one (xdg-open
exits 3: "no method available"), or with a browser kept in the foreground."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

EXIT_CODES = {"browser": 0, "none": 3}


class FakeBrowser:
    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        self.log = folder / "opened.txt"
        self.log.touch()
        self._monkeypatch = monkeypatch
        self.behave("browser")
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")

    def behave(self, how: str, *, seconds: float = 0.0) -> None:
        """``browser`` opens it, ``none`` finds no browser, ``foreground`` keeps running."""
        script = self.folder / "xdg-open"
        end = f"sleep {seconds}\nexit 0" if how == "foreground" else f"exit {EXIT_CODES[how]}"
        script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{self.log}"\n{end}\n')
        script.chmod(script.stat().st_mode | stat.S_IXUSR)

    def urls(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if line.startswith("http")]


@pytest.fixture
def fake_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeBrowser:
    folder = tmp_path / "fake-desktop"
    folder.mkdir()
    return FakeBrowser(folder, monkeypatch)
