"""Framing controls: the output's aspect and whether the picture is cropped or fitted over
a blurred copy of itself. The crop window itself is dragged on the preview."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from moments.core.framing import Aspect, Framing, FramingMode

ASPECT_CHOICES: tuple[tuple[Aspect, str, str], ...] = (
    ("source", "Original", "Keep the source's shape"),
    ("1:1", "1:1", "Square"),
    ("4:5", "4:5", "Portrait, for feeds"),
    ("9:16", "9:16", "Vertical, for Reels, TikTok and Shorts"),
    ("16:9", "16:9", "Widescreen"),
)


class FramingPanel(QWidget):
    framing_chosen = Signal(object)
    """A new Framing (aspect or mode changed, or re-centred)."""
    share_requested = Signal()
    """The platform shown should use the framing the others share."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._framing = Framing()
        layout = QVBoxLayout(self)
        self.heading = QLabel("Shape of the clip")
        self.heading.setObjectName("framingHeading")
        layout.addWidget(self.heading)
        row = QHBoxLayout()
        self.aspects = QButtonGroup(self)
        self.aspect_buttons: dict[str, QPushButton] = {}
        for aspect, label, tip in ASPECT_CHOICES:
            button = QPushButton(label)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setAccessibleName(f"Aspect {label}")
            button.setObjectName(f"aspect-{aspect}")
            self.aspects.addButton(button)
            self.aspect_buttons[aspect] = button
            row.addWidget(button)
            button.clicked.connect(lambda _=False, a=aspect: self._choose_aspect(a))
        layout.addLayout(row)
        self.crop_button = QRadioButton("Crop to the shape (drag the window on the preview)")
        self.fit_button = QRadioButton("Show the whole picture on a blurred background")
        self.crop_button.setAccessibleName("Crop mode")
        self.fit_button.setAccessibleName("Fit mode")
        modes = QButtonGroup(self)
        modes.addButton(self.crop_button)
        modes.addButton(self.fit_button)
        self.crop_button.toggled.connect(self._on_mode_toggled)
        self.fit_button.toggled.connect(self._on_mode_toggled)
        layout.addWidget(self.crop_button)
        layout.addWidget(self.fit_button)
        self.center_button = QPushButton("Centre the window")
        self.center_button.setAccessibleName("Centre the crop window")
        self.center_button.clicked.connect(self._center)
        layout.addWidget(self.center_button)
        self.share_button = QPushButton("Use the same shape as the other platforms")
        self.share_button.setAccessibleName("Use the shared framing")
        self.share_button.clicked.connect(self.share_requested)
        layout.addWidget(self.share_button)
        layout.addStretch(1)
        self.set_framing(self._framing)

    def set_framing(self, framing: Framing, platform: str = "", own: bool = False) -> None:
        """Show ``framing``: ``platform``'s own (``own``) or the one all platforms share."""
        self._framing = framing
        if platform:
            whose = f"{platform} only" if own else "every platform"
            self.heading.setText(f"Shape of the clip — for {whose}")
        self.share_button.setVisible(own)
        self.aspect_buttons[framing.aspect].setChecked(True)
        blocked = [self.crop_button.blockSignals(True), self.fit_button.blockSignals(True)]
        (self.fit_button if framing.mode == "fit" else self.crop_button).setChecked(True)
        self.crop_button.blockSignals(blocked[0])
        self.fit_button.blockSignals(blocked[1])
        reframable = framing.aspect != "source"
        self.crop_button.setEnabled(reframable)
        self.fit_button.setEnabled(reframable)
        self.center_button.setEnabled(reframable and framing.mode == "crop")

    def _choose_aspect(self, aspect: Aspect) -> None:
        self.framing_chosen.emit(replace(self._framing, aspect=aspect))

    def _on_mode_toggled(self, checked: bool) -> None:
        if checked:  # each click toggles one button off and the other on: act once
            self._choose_mode("fit" if self.fit_button.isChecked() else "crop")

    def _choose_mode(self, mode: FramingMode) -> None:
        if mode != self._framing.mode:
            self.framing_chosen.emit(replace(self._framing, mode=mode))

    def _center(self) -> None:
        self.framing_chosen.emit(replace(self._framing, cx=0.5, cy=0.5))
