"""Plays a moment's range in the editor: a second libVLC player rendering into memory,
looping between the in and out points, in source times.

Times here are source seconds; when the source is gone the raw clip plays instead, and
``offset`` maps its times back (``Moment.pictures``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, QTimer, Signal
from PySide6.QtGui import QImage

from moments.ui.player import FrameSink, Player, PlayerState, vlc_arguments

LOOP_SLACK_S = 0.03
"""Jump back this long before the out point (the 20 Hz position ticks land late)."""


class PreviewPlayer(QObject):
    frame_ready = Signal(QImage)
    position_changed = Signal(float)
    """Source seconds of the frame shown."""
    playing_changed = Signal(bool)
    error = Signal(str)

    def __init__(self, parent: QObject | None = None, *, box: QSize | None = None) -> None:
        super().__init__(parent)
        self.sink = FrameSink(box or QSize(1280, 720), self)
        # No subtitles or on-screen text in the frames: the preview shows what the export
        # makes, and captions are drawn by the one renderer.
        args = vlc_arguments(["--no-spu", "--no-osd", "--no-sub-autodetect-file"])
        self.player = Player(self, vlc_args=args, frame_sink=self.sink)
        self.player.set_volume(80)
        self._offset = 0.0
        self._range = (0.0, 0.0)
        self._loop = True
        self._opened = False
        self.sink.frame_ready.connect(self._on_frame)
        self.player.position_changed.connect(self._on_position)
        self.player.state_changed.connect(self._on_state)
        self.player.error.connect(self.error)
        self._loop_timer = QTimer(self)
        self._loop_timer.setSingleShot(True)
        self._loop_timer.timeout.connect(self._check_loop)

    def load(
        self,
        location: str,
        *,
        offset: float,
        start: float,
        end: float,
        display_size: tuple[int, int] | None,
        play: bool = True,
    ) -> None:
        """Open ``location`` (whose time + ``offset`` is source time) at ``start``."""
        self.sink.set_display_size(display_size)
        self._offset = offset
        self._range = (start, end)
        self._opened = True
        self.player.open(location, start_at=max(0.0, start - offset), play=True)
        if not play:
            self.player.state_changed.connect(self._pause_when_playing)

    def _pause_when_playing(self, state: PlayerState) -> None:
        if state == PlayerState.PLAYING:
            self.player.state_changed.disconnect(self._pause_when_playing)
            self.player.pause()

    def set_range(self, start: float, end: float) -> None:
        self._range = (start, end)
        position = self.position()
        if self._opened and not start - 0.001 <= position < end:
            self.seek(start)
        self._schedule_loop()

    def set_looping(self, on: bool) -> None:
        self._loop = on

    def position(self) -> float:
        return self.player.playhead() + self._offset

    def is_playing(self) -> bool:
        return self.player.is_playing()

    def play(self) -> None:
        start, end = self._range
        if not start <= self.position() < end - LOOP_SLACK_S:
            self.seek(start)
        self.player.play()

    def pause(self) -> None:
        self.player.pause()

    def toggle(self) -> None:
        if self.player.is_playing():
            self.pause()
        else:
            self.play()

    def seek(self, seconds: float) -> None:
        """Show the frame at source time ``seconds``."""
        self.player.seek(max(0.0, seconds - self._offset))
        self._schedule_loop()

    def step_frame(self, frames: int) -> None:
        self.player.step_frame(frames)

    def frame_duration(self) -> float:
        return self.player.frame_duration()

    def image(self) -> QImage | None:
        return self.sink.image()

    def release(self) -> None:
        self._loop_timer.stop()
        self.player.release()

    # -- internals -----------------------------------------------------------------------------
    def _on_frame(self) -> None:
        image = self.sink.image()
        if image is not None:
            self.frame_ready.emit(image)

    def _on_position(self, seconds: float) -> None:
        self.position_changed.emit(seconds + self._offset)
        self._check_loop()

    def _on_state(self, state: PlayerState) -> None:
        playing = state in (PlayerState.PLAYING, PlayerState.BUFFERING)
        self.playing_changed.emit(playing)
        if state == PlayerState.ENDED and self._loop:
            self.seek(self._range[0])
            self.player.play()
        self._schedule_loop()

    def _schedule_loop(self) -> None:
        self._loop_timer.stop()
        if self.player.state() != PlayerState.PLAYING:
            return
        left = (self._range[1] - LOOP_SLACK_S - self.position()) / max(0.25, self.player.rate())
        if left > 0:
            self._loop_timer.start(max(1, int(left * 1000)))

    def _check_loop(self) -> None:
        start, end = self._range
        if self.player.state() != PlayerState.PLAYING or end <= start:
            return
        if self.position() >= end - LOOP_SLACK_S:
            if self._loop:
                self.seek(start)
            else:
                self.pause()
        else:
            self._schedule_loop()
