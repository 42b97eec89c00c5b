"""The demo film (``media/demo.py``): made once from ffmpeg's test sources, in a worker with
its progress in the window's panel, then played — unless the viewer opened something else
meanwhile (a film, a story): then it is only kept for next time."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from moments.media.demo import demo_film_path, demo_is_ready, make_demo
from moments.ui.common import Task

if TYPE_CHECKING:
    from moments.ui.player.window import MainWindow


class DemoFilm(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._task: Task | None = None
        self.wanted = False
        """The film being made opens when ready: nothing else was opened since it was asked."""

    def open(self) -> None:
        """Play the demo film, generating it first (once) with progress shown."""
        window, folder = self._window, self._window.dirs.demo
        if demo_is_ready(folder):
            window.open(str(demo_film_path(folder)))
            return
        if self._task is not None:
            return
        window.stack.setCurrentWidget(window.panel)
        window.panel.show_message(
            "Preparing the demo film…",
            "Made once, on the first run, from ffmpeg's own test sources.\n"
            f"While it plays, press {window.prefs.capture_key} to keep the last seconds you saw"
            " as a moment.\nSpace pauses · ← → jump 5 s · , . step a frame · [ ] speed · F"
            " fullscreen.\nOr drop any video file or link here to play it now.",
            progress=0.0,
            buttons={"cancel-demo": "Cancel"},
        )
        self.wanted = True
        self._task = window.tasks.run(
            lambda ctx: make_demo(folder, progress=ctx.progress, cancel=ctx.cancel),
            name="demo film",
            on_progress=lambda p: self._on_progress(p.fraction),
            on_success=self._on_ready,
            on_error=self._on_failed,
        )

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _on_progress(self, fraction: float | None) -> None:
        if self.wanted:
            self._window.panel.set_progress(fraction)

    def _on_ready(self, path: Path) -> None:
        self._task = None
        if self.wanted:
            self._window.open(str(path))

    def _on_failed(self, error: BaseException) -> None:
        self._task = None
        if self.wanted:
            self._window.panel.show_message(
                "The demo film could not be made",
                str(error),
                buttons={"demo": "Try again", "open": "Open a file…"},
            )
