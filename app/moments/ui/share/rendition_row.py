"""One rendition in the share panel: its progress while it is made, then what to do with
the file — open it, show it in its folder, copy it or its text, or drag it into another app."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QDrag, QGuiApplication, QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from moments.core.library import PostRecord, PostState
from moments.core.timefmt import format_time
from moments.media.export import ExportResult
from moments.media.tools import Progress
from moments.share.handoff import Handoff
from moments.ui.common import FlowLayout, desktop

IMAGE_SUFFIXES = (".gif", ".png", ".jpg", ".jpeg", ".webp")
CANCELLED_TEXT = "Cancelled: nothing was written."
"""What every cancelled rendition says: running, waiting its turn or stopped by Cancel all."""


def file_mime(path: Path) -> QMimeData:
    """What a file manager or chat app accepts for a file: its URL (and, for images, the
    picture itself, so pasting into a chat box works too)."""
    mime = QMimeData()
    url = QUrl.fromLocalFile(str(path))
    mime.setUrls([url])
    mime.setData("x-special/gnome-copied-files", f"copy\n{url.toString()}".encode())
    if path.suffix.lower() in IMAGE_SUFFIXES:
        image = QImage(str(path))
        if not image.isNull():
            mime.setImageData(image)
    return mime


class RenditionRow(QWidget):
    cancel_requested = Signal()

    retry_requested = Signal()
    """The post failed and the user asks to send it again."""

    def __init__(
        self,
        label: str,
        post_text: str,
        parent: QWidget | None = None,
        *,
        handoff: Handoff | None = None,
        account_key: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("renditionRow")
        self.path: Path | None = None
        self.account_key = account_key
        """Set when this rendition is posted to an account (the outbox does it)."""
        self.post_id: int | None = None
        self.post_url: str | None = None
        self._handoff = handoff
        self._post_text = post_text
        self._name = label
        self._drag_start: QPoint | None = None
        self._started = False
        self._cancelling = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.label = QLabel(f"<b>{html.escape(label)}</b>")
        self.label.setObjectName("renditionLabel")
        self.status = QLabel("Waiting…")
        self.status.setObjectName("renditionStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label)
        layout.addWidget(self.status)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setAccessibleName(f"{label} progress")
        self.bar.setMaximumHeight(8)
        self.bar.setTextVisible(False)
        layout.addWidget(self.bar)
        actions = FlowLayout()
        self.cancel_button = self._button("Cancel", self.cancel)
        self.open_button = self._button("Open", self._open)
        self.reveal_button = self._button("Show in folder", self._reveal)
        self.copy_file_button = self._button("Copy file", self._copy_file)
        self.copy_text_button = self._button("Copy caption + hashtags", self._copy_text)
        name = handoff.name if handoff is not None else ""
        self.handoff_button = self._button(f"Post on {name}…", self._hand_off)
        self.handoff_button.setToolTip(handoff.instructions if handoff is not None else "")
        self.link_button = self._button("Open the post", self._open_post)
        self.retry_button = self._button("Retry", self.retry_requested.emit)
        for button in (
            self.cancel_button,
            self.open_button,
            self.reveal_button,
            self.copy_file_button,
            self.copy_text_button,
            self.handoff_button,
            self.link_button,
            self.retry_button,
        ):
            actions.addWidget(button)
        layout.addLayout(actions)
        self._set_done(False)

    @property
    def name(self) -> str:
        """What the file is for: "X", "Mastodon @alice@mastodon.social"."""
        return self._name

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(f"{text} — {self._name}")
        button.clicked.connect(slot)
        return button

    def _set_done(self, done: bool) -> None:
        for button in (self.open_button, self.reveal_button, self.copy_file_button):
            button.setVisible(done)
        self.handoff_button.setVisible(done and self._handoff is not None)
        self.cancel_button.setVisible(not done)
        self.link_button.setVisible(False)
        self.retry_button.setVisible(False)

    # -- progress ------------------------------------------------------------------------------
    def started(self) -> None:
        self._started = True
        self.status.setText("Starting…")

    def cancel(self) -> None:
        """The user stops this file: say so at once; what ffmpeg reports while it stops is
        not shown (its last report would read "100 %, 0:00 left")."""
        if self._cancelling or self.path is not None:
            return
        if self._started:  # a waiting one is cancelled at once by the panel
            self._cancelling = True
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")
        self.cancel_requested.emit()

    def cancelled(self) -> None:
        """Stopped before anything was written (the same words however it was stopped)."""
        self._cancelling = True
        self.status.setText(CANCELLED_TEXT)
        self.status.setStyleSheet("")
        self.cancel_button.setVisible(False)

    def progressed(self, item: Progress) -> None:
        if item.fraction is None or self._cancelling:
            return
        self.bar.setValue(int(item.fraction * 1000))
        left = f", {format_time(item.eta_s)} left" if item.eta_s is not None else ""
        self.status.setText(f"{item.fraction * 100:.0f}%{left}")

    def finished(self, result: ExportResult) -> None:
        self.path = result.path
        self.bar.setValue(1000)
        size = result.size_bytes / 1e6
        self.status.setText(f"{result.path.name} · {size:.1f} MB · drag it anywhere")
        self.status.setToolTip(str(result.path))
        self.setToolTip("Drag into a chat, a mail or a folder")
        self._set_done(True)

    # -- posting (the outbox reports) ---------------------------------------------------------
    def post_queued(self, post_id: int) -> None:
        self.post_id = post_id
        self.status.setText("Waiting to be posted…")

    def post_progressed(self, fraction: float) -> None:
        self.bar.setValue(int(fraction * 1000))
        self.status.setText(f"Posting: {fraction * 100:.0f}%")

    def post_updated(self, record: PostRecord) -> None:
        state = record.state
        self.retry_button.setVisible(state is PostState.FAILED)
        if state is PostState.POSTED and record.url:
            self.post_url = record.url
            self.status.setText(f"Posted: {record.url}")
            self.status.setToolTip(record.url)
            self.link_button.setVisible(True)
            self.bar.setValue(1000)
        elif state is PostState.FAILED:
            self.failed(record.error or "The post failed.")
            self.retry_button.setVisible(True)
        elif state is PostState.QUEUED and record.error:
            self.status.setText(f"Will try again: {record.error}")
        elif state is PostState.UPLOADING:
            self.status.setText(f"Posting: {record.progress * 100:.0f}%")

    def failed(self, text: str) -> None:
        self.status.setText(text)
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #e06c5a")
        self.cancel_button.setVisible(False)

    # -- actions -------------------------------------------------------------------------------
    def _open(self) -> None:
        if self.path is not None:
            desktop.open_path(self.path)

    def _reveal(self) -> None:
        if self.path is not None:
            desktop.reveal(self.path)

    def _copy_file(self) -> None:
        if self.path is not None:
            QGuiApplication.clipboard().setMimeData(file_mime(self.path))
            self.status.setText("File copied: paste it into a chat or a folder")

    def _hand_off(self) -> None:
        """Moments cannot post there: copy the text, show the file, open the upload page."""
        handoff = self._handoff
        if handoff is None or self.path is None:
            return
        QGuiApplication.clipboard().setText(handoff.text)
        desktop.reveal(self.path)
        self.handoff_button.setEnabled(False)
        self.status.setText(f"Text copied; opening {handoff.name} in the browser…")
        desktop.open_in_browser(handoff.url, self, self._handed_off)

    def _handed_off(self, opened: bool) -> None:
        handoff, path = self._handoff, self.path
        if handoff is None or path is None:
            return
        self.handoff_button.setEnabled(True)
        if opened:
            self.status.setText(f"Text copied; {handoff.instructions}")
        else:
            self.status.setText(
                f"No browser opened. Text copied: on {handoff.site}, start a post, "
                f"attach “{path.name}” and paste."
            )

    def _open_post(self) -> None:
        url = self.post_url
        if url:
            desktop.open_in_browser(url, self, lambda opened: self._post_opened(url, opened))

    def _post_opened(self, url: str, opened: bool) -> None:
        if not opened:
            self.status.setText(f"No browser opened. The post is at {url}")

    def _copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self._post_text)
        self.status.setText("Caption and hashtags copied")

    # -- drag out ------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.path is not None:
            self._drag_start = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        start = self._drag_start
        if start is None or self.path is None:
            return
        if (event.position().toPoint() - start).manhattanLength() < 8:
            return
        self._drag_start = None
        drag = QDrag(self)
        drag.setMimeData(file_mime(self.path))
        icon = QPixmap(str(self.path)) if self.path.suffix.lower() in IMAGE_SUFFIXES else None
        if icon is not None and not icon.isNull():
            drag.setPixmap(icon.scaledToWidth(120))
        drag.exec(Qt.DropAction.CopyAction)
