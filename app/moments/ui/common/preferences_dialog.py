"""Edit the preferences that matter while watching: the Moments key and moment lengths.

The Moments key field never records Esc (Esc cancels the dialog, as everywhere), and a key
another command already answers is refused, naming that command: two actions on one key
make Qt fire neither.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QKeySequenceEdit,
    QLabel,
    QWidget,
)

from moments.core.settings import Preferences

PORTABLE = QKeySequence.SequenceFormat.PortableText
NATIVE = QKeySequence.SequenceFormat.NativeText


class ShortcutField(QKeySequenceEdit):
    """Records one key combination; Esc is not a key to record but the way out."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            event.ignore()  # to the dialog: Cancel
            return
        super().keyPressEvent(event)


def shortcut_clash(key: str, taken: Mapping[str, str]) -> str | None:
    """The command already on ``key`` (portable text), or None."""
    wanted = QKeySequence(key)
    for other, name in taken.items():
        if QKeySequence(other).matches(wanted) == QKeySequence.SequenceMatch.ExactMatch:
            return name
    return None


class PreferencesDialog(QDialog):
    changed = Signal(object)
    """The edited Preferences, when the user accepts."""

    def __init__(
        self,
        prefs: Preferences,
        parent: QWidget | None = None,
        *,
        taken: Mapping[str, str] | None = None,
    ) -> None:
        """``taken``: the keys other commands answer (portable text → command name)."""
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._prefs = prefs
        self._taken = dict(taken or {})
        form = QFormLayout(self)
        self.capture_key = ShortcutField(QKeySequence(prefs.capture_key))
        self.capture_key.setObjectName("captureKey")
        self.capture_key.setMaximumSequenceLength(1)
        self.capture_key.setClearButtonEnabled(True)
        self.capture_key.setAccessibleName("Moments shortcut")
        self.capture_key.keySequenceChanged.connect(lambda _k: self._check_key())
        form.addRow("Moments shortcut:", self.capture_key)
        self.key_problem = QLabel()
        self.key_problem.setObjectName("captureKeyProblem")
        self.key_problem.setWordWrap(True)
        self.key_problem.setStyleSheet("color: #d93025")
        # Room kept for two lines: the message appearing moves no button under the pointer.
        self.key_problem.setFixedHeight(self.key_problem.fontMetrics().lineSpacing() * 2 + 2)
        form.addRow(self.key_problem)
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
        self.snap = QCheckBox("Start moments on a shot change and end them where a line ends")
        self.snap.setObjectName("snapMoments")
        self.snap.setChecked(prefs.snap_moments)
        form.addRow(self.snap)
        self.remember = QCheckBox(
            "Remember what I watch again (the curve over the seek bar, "
            "suggestions); it stays on this computer"
        )
        self.remember.setObjectName("rememberViewing")
        self.remember.setChecked(prefs.remember_viewing)
        form.addRow(self.remember)
        self.resume = QCheckBox("Resume each file where it was left")
        self.resume.setObjectName("resumePlayback")
        self.resume.setChecked(prefs.resume_playback)
        form.addRow(self.resume)
        self.story_timers = QCheckBox("Interactive stories: choices have a time limit")
        self.story_timers.setObjectName("storyTimers")
        self.story_timers.setToolTip(
            "Off: every choice waits for you, and the picture holds until you choose."
        )
        self.story_timers.setChecked(prefs.story_timers)
        form.addRow(self.story_timers)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form.addRow(buttons)

    def _chosen_key(self) -> str:
        return self.capture_key.keySequence().toString(PORTABLE)

    def _check_key(self) -> bool:
        key = self._chosen_key()
        other = shortcut_clash(key, self._taken) if key else None
        shown = QKeySequence(key).toString(NATIVE)
        self.key_problem.setText(
            f"{shown} already does “{other}”. Choose another key for Moments." if other else ""
        )
        self.capture_key.setAccessibleDescription(self.key_problem.text() if other else "")
        self._ok.setEnabled(other is None)
        return other is None

    def _seconds(self, value: float, low: float, high: float, name: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setObjectName(name)
        box.setRange(low, high)
        box.setDecimals(1)
        box.setSuffix(" s")
        box.setValue(value)
        return box

    def _accept(self) -> None:
        if not self._check_key():
            return
        prefs = self._prefs
        prefs.capture_key = self._chosen_key() or prefs.capture_key
        prefs.pause_on_capture = self.pause.isChecked()
        prefs.moment_before_s = self.before.value()
        prefs.moment_after_s = self.after.value()
        prefs.live_window_s = self.live_window.value()
        prefs.resume_playback = self.resume.isChecked()
        prefs.snap_moments = self.snap.isChecked()
        prefs.remember_viewing = self.remember.isChecked()
        prefs.story_timers = self.story_timers.isChecked()
        prefs.clamp()
        self.accept()
        self.changed.emit(prefs)
