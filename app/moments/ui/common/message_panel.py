"""What the video area shows when there is no video: errors, progress, first-run work."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget


class MessagePanel(QWidget):
    """A title, a sentence, an optional progress bar and up to three buttons."""

    button_clicked = Signal(str)
    """The key of the button that was clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messagePanel")
        self.setStyleSheet(
            "#messagePanel { background: #15171c; } #messagePanel QLabel { color: #e8e8ea; }"
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title = QLabel()
        self.title.setObjectName("messageTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setObjectName("messageText")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setObjectName("messageProgress")
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(420)
        self.progress.setTextVisible(True)
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        self._buttons.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(self._buttons)
        layout.addStretch(2)

    def show_message(
        self,
        title: str,
        text: str = "",
        *,
        progress: float | None = None,
        buttons: dict[str, str] | None = None,
    ) -> None:
        """``buttons`` maps keys (sent by ``button_clicked``) to labels."""
        self.title.setText(title)
        self.text.setText(text)
        self.text.setVisible(bool(text))
        self.set_progress(progress)
        while self._buttons.count() > 2:
            item = self._buttons.takeAt(1)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for key, label in (buttons or {}).items():
            button = QPushButton(label)
            button.setObjectName(f"messageButton_{key}")
            button.clicked.connect(lambda _=False, k=key: self.button_clicked.emit(k))
            self._buttons.insertWidget(self._buttons.count() - 1, button)

    def set_progress(self, fraction: float | None) -> None:
        self.progress.setVisible(fraction is not None)
        if fraction is not None:
            self.progress.setValue(round(max(0.0, min(1.0, fraction)) * 1000))
            self.progress.setFormat(f"{fraction * 100:.0f}%")
