"""Cancelling exports in the share panel, as a user clicks it: the row says at once that it
is stopping, never claims to be done, and every cancelled row ends in the same words —
whether it was running, waiting its turn, or stopped by "Cancel all"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from moments.core.library import Library
from moments.ui.share.rendition_row import RenditionRow
from tests.support.framecode import CodedVideo
from tests.ui.test_editor import EditorFactory, library, open_editor, stored

__all__ = ["library", "open_editor"]  # fixtures

CANCELLED = "Cancelled: nothing was written."


def shown_texts(row: RenditionRow) -> list[str]:
    """Every status text the row shows from now on (what the user can read)."""
    texts: list[str] = []
    set_text = row.status.setText

    def record(text: str) -> None:
        texts.append(text)
        set_text(text)

    row.status.setText = record  # type: ignore[method-assign]
    return texts


def test_a_cancelled_export_never_shows_done_and_all_say_the_same(
    qtbot: QtBot,
    open_editor: EditorFactory,
    library: Library,
    coded_video: CodedVideo,
    tmp_path: Path,
) -> None:
    editor = open_editor(stored(library, coded_video, 0.0, 20.0))
    panel = editor.share
    folder = tmp_path / "out"
    panel.folder.setText(str(folder))
    panel.set_checked(["original", "x", "discord"])
    rows = {row.name: row for row in panel.export_checked()}
    running, next_up, waiting = rows["Original quality"], rows["X"], rows["Discord (10 MiB)"]
    qtbot.waitUntil(lambda: running.bar.value() > 0, timeout=30_000)

    texts = shown_texts(running)
    qtbot.mouseClick(running.cancel_button, Qt.MouseButton.LeftButton)
    assert running.status.text() == "Cancelling…"  # at once, before ffmpeg has stopped
    assert not running.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: running.status.text() == CANCELLED, timeout=30_000)
    assert not [t for t in texts if "%" in t or "left" in t], texts
    assert running.bar.value() < 1000 and running.path is None

    waiting_texts = shown_texts(waiting)
    qtbot.mouseClick(waiting.cancel_button, Qt.MouseButton.LeftButton)  # not started yet
    assert waiting.status.text() == CANCELLED and not waiting.cancel_button.isVisible()

    qtbot.waitUntil(lambda: next_up.bar.value() > 0, timeout=30_000)
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: next_up.status.text() == CANCELLED, timeout=30_000)
    qtbot.waitUntil(lambda: not panel.is_busy(), timeout=30_000)
    qtbot.wait(300)
    assert waiting_texts == [CANCELLED]  # it never started after being cancelled
    assert [r.status.text() for r in rows.values()] == [CANCELLED] * 3
    assert not folder.exists() or list(folder.iterdir()) == []
    assert not panel.cancel_button.isEnabled()
