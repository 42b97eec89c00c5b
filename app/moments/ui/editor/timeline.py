"""The editor's trim row: play/pause, the playhead time, in and out fields, the clip's
length against the platform's limit, and the filmstrip with its handles (thumbnails made
in a worker and cached)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from moments.core.errors import CancelledError
from moments.core.moment import Moment
from moments.core.presets import ExportPreset
from moments.core.timefmt import format_time
from moments.media.filmstrip import Thumbnail, make_filmstrip
from moments.ui.common import Task, TaskRunner
from moments.ui.editor.filmstrip_strip import FilmstripStrip
from moments.ui.editor.time_field import TimeField

THUMBNAILS = 20


class TrimTimeline(QWidget):
    play_toggled = Signal()
    trim_changed = Signal(float, float)
    """New (in, out), source seconds, while the user trims."""
    trim_finished = Signal()
    """A drag, a key press or a typed time is over: the next trim is a new undo step."""
    scrubbed = Signal(float)
    frame_step = Signal(int)

    def __init__(self, moment: Moment, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trimTimeline")
        self._moment = moment
        self._tasks = tasks
        self._in, self._out = moment.start, moment.end
        self._playhead = moment.start
        self._limit: ExportPreset | None = None
        self._strip_task: Task | None = None
        self.play_button = QPushButton("▶")
        self.play_button.setAccessibleName("Play or pause the clip")
        self.play_button.setFixedWidth(40)
        self.play_button.clicked.connect(self.play_toggled)
        self.time_label = QLabel()
        self.time_label.setObjectName("clipTime")
        self.in_field = TimeField(moment.start, accessible_name="Clip start")
        self.out_field = TimeField(moment.end, accessible_name="Clip end")
        for field in (self.in_field, self.out_field):
            field.set_range(moment.start, moment.end)
            field.setMaximumWidth(120)
        self.in_field.value_changed.connect(self._typed_in)
        self.out_field.value_changed.connect(self._typed_out)
        self.set_in_button = QPushButton("Start here")
        self.set_in_button.setAccessibleName("Start the clip at the playhead")
        self.set_in_button.setShortcut("I")
        self.set_in_button.clicked.connect(lambda: self._set_in(self._playhead, done=True))
        self.set_out_button = QPushButton("End here")
        self.set_out_button.setAccessibleName("End the clip at the playhead")
        self.set_out_button.setShortcut("O")
        self.set_out_button.clicked.connect(lambda: self._set_out(self._playhead, done=True))
        self.length_label = QLabel()
        self.length_label.setObjectName("clipLength")
        self.strip = FilmstripStrip()
        self.strip.set_range(moment.start, moment.end)
        self.strip.set_trim(moment.start, moment.end)
        self.strip.in_changed.connect(lambda t: self._set_in(t, done=False))
        self.strip.out_changed.connect(lambda t: self._set_out(t, done=False))
        self.strip.scrubbed.connect(self.scrubbed)
        self.strip.installEventFilter(self)
        top = QHBoxLayout()
        top.addWidget(self.play_button)
        top.addWidget(self.time_label)
        top.addStretch(1)
        top.addWidget(QLabel("From"))
        top.addWidget(self.in_field)
        top.addWidget(self.set_in_button)
        top.addWidget(QLabel("to"))
        top.addWidget(self.out_field)
        top.addWidget(self.set_out_button)
        top.addWidget(self.length_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(top)
        layout.addWidget(self.strip)
        self._show_times()

    # -- from the editor -----------------------------------------------------------------------
    def set_trim(self, start: float, end: float) -> None:
        self._in, self._out = start, end
        self.strip.set_trim(start, end)
        self.in_field.set_value(start)
        self.out_field.set_value(end)
        self._show_times()

    def set_limit(self, preset: ExportPreset | None) -> None:
        self._limit = preset
        limit = preset.max_duration if preset is not None else None
        label = f"{preset.name} {format_time(limit)}" if preset is not None and limit else ""
        self.strip.set_length_limit(limit, label)
        self._show_times()

    def set_playhead(self, seconds: float) -> None:
        self._playhead = seconds
        self.strip.set_playhead(seconds)
        self._show_times()

    def set_playing(self, playing: bool) -> None:
        self.play_button.setText("❚❚" if playing else "▶")

    def set_frame_duration(self, seconds: float) -> None:
        self.strip.set_frame_duration(seconds)
        for field in (self.in_field, self.out_field):
            field.set_frame_duration(seconds)

    def trim(self) -> tuple[float, float]:
        return self._in, self._out

    # -- thumbnails ----------------------------------------------------------------------------
    def load_thumbnails(self) -> None:
        """Make the filmstrip in a worker (the editor starts it once the preview shows its
        first frame, so the two decoders do not compete for the first picture)."""
        if self._strip_task is not None:
            return
        location, offset = self._moment.pictures()
        start, end = self._moment.start - offset, self._moment.end - offset
        self._strip_task = self._tasks.run(
            lambda ctx: make_filmstrip(
                location,
                max(0.0, start),
                end,
                THUMBNAILS,
                progress=ctx.progress,
                cancel=ctx.cancel,
            ),
            name="filmstrip",
            context=self,
            on_progress=self._on_thumbnail,
            on_error=self._on_filmstrip_error,
        )

    def _on_filmstrip_error(self, error: BaseException) -> None:
        if not isinstance(error, CancelledError):
            self.strip.setToolTip(f"No filmstrip: {error}")

    def _on_thumbnail(self, thumb: Thumbnail) -> None:
        image = QImage.fromData(thumb.jpeg)  # Qt knows JPEG by its first bytes
        self.strip.set_thumbnail(thumb.index, image, count=thumb.count)

    def cancel(self) -> None:
        if self._strip_task is not None:
            self._strip_task.cancel()

    # -- edits ---------------------------------------------------------------------------------
    def _set_in(self, seconds: float, *, done: bool) -> None:
        start = min(max(self._moment.start, seconds), self._out - 0.001)
        self.trim_changed.emit(start, self._out)
        if done:
            self.trim_finished.emit()

    def _set_out(self, seconds: float, *, done: bool) -> None:
        end = max(min(self._moment.end, seconds), self._in + 0.001)
        self.trim_changed.emit(self._in, end)
        if done:
            self.trim_finished.emit()

    def _typed_in(self, seconds: float) -> None:
        self._set_in(seconds, done=True)

    def _typed_out(self, seconds: float) -> None:
        self._set_out(seconds, done=True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.strip and event.type() in (
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.KeyRelease,
        ):
            self.trim_finished.emit()
        return False

    def _show_times(self) -> None:
        into = max(0.0, self._playhead - self._in)
        length = self._out - self._in
        # In source time, as From and To are (the clip's own length is the label after them).
        self.time_label.setText(f"at {format_time(self._playhead, millis=True)}")
        self.time_label.setToolTip(
            f"{format_time(into, millis=True)} into the clip of {format_time(length, millis=True)}"
        )
        limit = self._limit.max_duration if self._limit is not None else None
        over = limit is not None and length > limit + 1e-3
        text = f"{length:.2f} s"
        if limit is not None:
            text += f" of {format_time(limit)} max"
        self.length_label.setText(text)
        self.length_label.setStyleSheet("color: #e06c5a" if over else "")
        self.length_label.setAccessibleDescription("over the platform's limit" if over else "")
