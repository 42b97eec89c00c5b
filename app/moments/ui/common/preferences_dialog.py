"""Edit the preferences that matter while watching: the Moments key and moment lengths."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QKeySequenceEdit,
    QWidget,
)

from moments.core.settings import Preferences


class PreferencesDialog(QDialog):
    changed = Signal(object)
    """The edited Preferences, when the user accepts."""

    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._prefs = prefs
        form = QFormLayout(self)
        self.capture_key = QKeySequenceEdit(QKeySequence(prefs.capture_key))
        self.capture_key.setObjectName("captureKey")
        self.capture_key.setMaximumSequenceLength(1)
        self.capture_key.setAccessibleName("Moments shortcut")
        form.addRow("Moments shortcut:", self.capture_key)
        self.pause = QCheckBox("Pause when a moment is kept")
        self.pause.setObjectName("pauseOnCapture")
        self.pause.setChecked(prefs.pause_on_capture)
        form.addRow(self.pause)
        self.before = self._seconds(prefs.moment_before_s, 1, 300, "secondsBefore")
        form.addRow("Keep what was seen before the press:", self.before)
        self.after = self._seconds(prefs.moment_after_s, 0, 120, "secondsAfter")
        form.addRow("…and after it:", self.after)
        self.live_window = self._seconds(prefs.live_window_s, 20, 1800, "liveWindow")
        form.addRow("Live streams: keep the last", self.live_window)
        self.resume = QCheckBox("Resume each file where it was left")
        self.resume.setObjectName("resumePlayback")
        self.resume.setChecked(prefs.resume_playback)
        form.addRow(self.resume)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _seconds(self, value: float, low: float, high: float, name: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setObjectName(name)
        box.setRange(low, high)
        box.setDecimals(1)
        box.setSuffix(" s")
        box.setValue(value)
        return box

    def _accept(self) -> None:
        prefs = self._prefs
        key = self.capture_key.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        prefs.capture_key = key or prefs.capture_key
        prefs.pause_on_capture = self.pause.isChecked()
        prefs.moment_before_s = self.before.value()
        prefs.moment_after_s = self.after.value()
        prefs.live_window_s = self.live_window.value()
        prefs.resume_playback = self.resume.isChecked()
        prefs.clamp()
        self.accept()
        self.changed.emit(prefs)
