"""Small dialogs. Each is opened with ``open()`` (window-modal, no nested event loop)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from moments.core.source import is_url

VIDEO_FILTER = (
    "Media (*.mp4 *.m4v *.mkv *.webm *.mov *.avi *.wmv *.flv *.ts *.m2ts *.mts *.mpg *.mpeg "
    "*.ogv *.3gp *.mp3 *.m4a *.aac *.flac *.ogg *.opus *.wav *.m3u *.m3u8 *.pls *.story.json);;"
    "Interactive stories (*.story.json);;All files (*)"
)
SUBTITLE_FILTER = "Subtitles (*.srt *.vtt *.ass *.ssa *.sub);;All files (*)"


def file_dialog(parent: QWidget, title: str, name_filter: str, folder: str = "") -> QFileDialog:
    dialog = QFileDialog(parent, title, folder, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, False)
    return dialog


class OpenUrlDialog(QDialog):
    """Ask for a network address (http, https, HLS, rtsp, rtp, udp …)."""

    url_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open URL")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Address of a stream or a file on the network:"))
        self.edit = QLineEdit()
        self.edit.setObjectName("urlEdit")
        self.edit.setPlaceholderText("https://…, rtsp://…, udp://@:1234 …")
        self.edit.setMinimumWidth(460)
        layout.addWidget(self.edit)
        self.hint = QLabel()
        self.hint.setObjectName("urlHint")
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.edit.textChanged.connect(self._validate)
        self._validate("")

    def _validate(self, text: str) -> None:
        ok = is_url(text.strip())
        button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        button.setEnabled(ok)
        self.hint.setText("" if ok or not text.strip() else "Start with a scheme like https://")

    def _accept(self) -> None:
        url = self.edit.text().strip()
        if is_url(url):
            self.accept()
            self.url_chosen.emit(url)


class ReportDialog(QDialog):
    """Read-only text, e.g. the doctor's report or an error's details."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        view = QPlainTextEdit(text)
        view.setObjectName("reportText")
        view.setReadOnly(True)
        view.setMinimumSize(640, 360)
        layout.addWidget(view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
