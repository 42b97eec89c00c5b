"""Post on X… (and the other hand-offs) says what really happened: the compose page opened
in a browser, or no browser did — then how to post anyway, the text already copied."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from pytestqt.qtbot import QtBot

from moments.media.export import ExportResult
from moments.share.handoff import handoff_for
from moments.ui.common import desktop
from moments.ui.share.rendition_row import RenditionRow
from tests.support.fake_browser import FakeBrowser, fake_browser

__all__ = ["fake_browser"]  # fixture


class Folders(QObject):
    """Stands in for the file manager (the exported file shown in its folder)."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.shown.append(url.toLocalFile())


@pytest.fixture
def row(qtbot: QtBot, tmp_path: Path) -> Iterator[RenditionRow]:
    folders = Folders()
    QDesktopServices.setUrlHandler("file", folders, "open")
    handoff = handoff_for("x", "Look at this", ["#clip"])
    made = RenditionRow("X", handoff.text, handoff=handoff)
    qtbot.addWidget(made)
    clip = tmp_path / "clip x.mp4"
    clip.write_bytes(b"\0" * 1000)
    made.finished(ExportResult(clip, 1000, 3.0, 640, 360))
    made.show()
    yield made
    QDesktopServices.unsetUrlHandler("file")


def test_with_no_browser_it_says_so_and_how_to_post_anyway(
    qtbot: QtBot, row: RenditionRow, fake_browser: FakeBrowser
) -> None:
    fake_browser.behave("none")
    qtbot.mouseClick(row.handoff_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "No browser opened" in row.status.text(), timeout=5000)
    text = row.status.text()
    assert "x.com" in text and "opens with the text filled in" not in text
    assert QGuiApplication.clipboard().text() == "Look at this\n\n#clip"
    assert fake_browser.urls()[0].startswith("https://x.com/intent/post?text=Look%20at%20this")
    assert row.handoff_button.isEnabled()


def test_with_a_browser_it_says_x_opened(
    qtbot: QtBot, row: RenditionRow, fake_browser: FakeBrowser
) -> None:
    fake_browser.behave("browser")
    qtbot.mouseClick(row.handoff_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "opens with the text filled in" in row.status.text(), timeout=5000)
    assert len(fake_browser.urls()) == 1


def test_a_browser_kept_in_the_foreground_counts_as_opened(
    qtbot: QtBot, row: RenditionRow, fake_browser: FakeBrowser
) -> None:
    """xdg-open running a browser that was not running yet returns only when it closes."""
    fake_browser.behave("foreground", seconds=desktop.OPENER_GRACE_MS / 1000 + 2)
    qtbot.mouseClick(row.handoff_button, Qt.MouseButton.LeftButton)
    assert "opening X" in row.status.text()
    timeout = desktop.OPENER_GRACE_MS + 3000
    qtbot.waitUntil(lambda: "opens with the text filled in" in row.status.text(), timeout=timeout)
    qtbot.waitUntil(lambda: not desktop._launches, timeout=8000)  # it ends on its own
    assert "No browser" not in row.status.text()
