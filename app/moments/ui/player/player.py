"""The one place that talks to libVLC: a QObject around ``vlc.MediaPlayer``.

libVLC calls its event callbacks on its own threads, and it is not reentrant: calling back
into libVLC from a callback (``get_time()`` while ``stop()`` runs on the GUI thread) can
deadlock. So callbacks here only record the monotonic time and emit a queued signal; every
``vlc.*`` call happens on the GUI thread.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shlex
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Any

import vlc
from PySide6.QtCore import QObject, QTimer, Signal

from moments.core.errors import MediaError
from moments.core.playhead import PlayheadClock
from moments.core.source import display_name, is_url, normalize_location
from moments.core.timefmt import format_time
from moments.libvlc_check import create_instance
from moments.ui.player.audio_tap import CHANNELS as TAP_CHANNELS
from moments.ui.player.audio_tap import RATE as TAP_RATE
from moments.ui.player.audio_tap import AudioTap
from moments.ui.player.frame_sink import FrameSink

log = logging.getLogger(__name__)

SPEEDS = (0.25, 0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 3.0, 4.0)
VOLUME_MAX = 150
CUT_SHORT_SLACK_S = 2.0
"""A local file ending this much (or 5 %) before the length it claims is cut short."""
PAUSE_SETTLE_MS = 120
"""libVLC reports "paused" while its video output still shows up to two more frames; once it
has settled, the player seeks to the frame its clock froze on, so screen and playhead agree
(a seek sent sooner can land a frame or more late)."""


class PlayerState(Enum):
    IDLE = "idle"
    OPENING = "opening"
    BUFFERING = "buffering"
    PLAYING = "playing"
    PAUSED = "paused"
    STOPPED = "stopped"
    ENDED = "ended"
    ERROR = "error"


_E = vlc.EventType
_FORWARDED = {
    _E.MediaPlayerOpening: "opening",
    _E.MediaPlayerBuffering: "buffering",
    _E.MediaPlayerPlaying: "playing",
    _E.MediaPlayerPaused: "paused",
    _E.MediaPlayerStopped: "stopped",
    _E.MediaPlayerEndReached: "ended",
    _E.MediaPlayerEncounteredError: "error",
    _E.MediaPlayerTimeChanged: "time",
    _E.MediaPlayerLengthChanged: "length",
    _E.MediaPlayerESAdded: "es_added",
    _E.MediaPlayerESDeleted: "es_deleted",
    _E.MediaPlayerVout: "vout",
    _E.MediaPlayerSeekableChanged: "seekable",
}


def vlc_arguments(extra: list[str] | None = None, audio_output: str = "") -> list[str]:
    """The libVLC instance arguments; ``MOMENTS_VLC_ARGS`` adds more (shell-quoted)."""
    args = ["--no-video-title-show", "--no-snapshot-preview"]
    # A frame decoded for a seek while paused can count as "late" and be dropped, leaving
    # the previous picture on screen (seen in about 1 of 12 paused seeks).
    args.append("--no-drop-late-frames")
    if sys.platform.startswith("linux"):
        args.append("--no-xlib")
    if not os.environ.get("MOMENTS_VLC_VERBOSE"):
        args.append("--quiet")
    if audio_output:
        args.append(f"--aout={audio_output}")
    args += extra or []
    args += shlex.split(os.environ.get("MOMENTS_VLC_ARGS", ""))
    return args


class Player(QObject):
    """libVLC behind Qt signals, with a frame-accurate ``playhead()``."""

    state_changed = Signal(object)
    """PlayerState."""
    position_changed = Signal(float)
    """Seconds; emitted ~20 times a second while playing and after every seek."""
    duration_changed = Signal(float)
    """Seconds; 0 when unknown (live streams)."""
    media_changed = Signal(str)
    """The newly opened location."""
    error = Signal(str)
    """A sentence for the user."""
    tracks_changed = Signal()
    volume_changed = Signal(int, bool)
    rate_changed = Signal(float)
    ended_early = Signal(float, float)
    """Playback ended at (seconds) of the (seconds) the file claims: it is cut short."""

    _vlc_event = Signal(str, object, float)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        vlc_args: list[str] | None = None,
        frame_sink: FrameSink | None = None,
    ) -> None:
        """``frame_sink``: render into memory for Qt to paint (the editor preview) instead
        of into a native window."""
        super().__init__(parent)
        self._instance = create_instance(vlc_args if vlc_args is not None else vlc_arguments())
        self._mp = self._instance.media_player_new()
        self._sink = frame_sink
        if frame_sink is not None:
            self._mp.video_set_callbacks(
                frame_sink.lock_cb, frame_sink.unlock_cb, frame_sink.display_cb, None
            )
            setup = ctypes.cast(frame_sink.format_cb, vlc.CallbackDecorators.VideoFormatCb)
            self._mp.video_set_format_callbacks(setup, frame_sink.cleanup_cb)
        self._mp.video_set_mouse_input(False)
        self._mp.video_set_key_input(False)
        self._clock = PlayheadClock()
        self._state = PlayerState.IDLE
        self._location: str | None = None
        self._length = 0.0
        self._volume = 80
        self._muted = False
        self._rate = 1.0
        self._had_stream = False
        self._played_to: float | None = None
        """The furthest time libVLC reported playing (None: nothing played yet)."""
        self._seekable = True
        self._pending_step = 0
        self._pending_seek: float | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(PAUSE_SETTLE_MS)
        self._settle.timeout.connect(self._on_pause_settled)
        self._vlc_event.connect(self._on_vlc_event)
        manager = self._mp.event_manager()
        for event_type, kind in _FORWARDED.items():
            manager.event_attach(event_type, self._callback, kind)
        self._ticker = QTimer(self)
        self._ticker.setInterval(50)
        self._ticker.timeout.connect(self._tick)

    # -- libVLC threads: record and emit, nothing else ---------------------------------------
    def _callback(self, event: Any, kind: str) -> None:
        at = time.monotonic()
        value: Any = None
        if kind == "time":
            value = event.u.new_time
        elif kind == "length":
            value = event.u.new_length
        elif kind == "seekable":
            value = event.u.new_seekable
        elif kind == "vout":
            value = event.u.new_count
        self._vlc_event.emit(kind, value, at)

    # -- GUI thread --------------------------------------------------------------------------
    def attach_window(self, win_id: int) -> None:
        """Render into the native window ``win_id`` (the video view's ``winId()``)."""
        if sys.platform.startswith("linux"):
            self._mp.set_xwindow(win_id)
        elif sys.platform == "win32":
            self._mp.set_hwnd(win_id)
        elif sys.platform == "darwin":
            self._mp.set_nsobject(win_id)

    def open(
        self, location: str, *, start_at: float = 0.0, play: bool = True, via: str | None = None
    ) -> None:
        """Open a file path or URL and (by default) start playing, optionally from ``start_at``.

        With ``via`` (a URL), libVLC plays that instead while ``location`` stays what the
        player reports: a live ring's relay of a stream only it can receive.
        """
        if self.released:
            return
        location = normalize_location(location)
        if not is_url(location):
            path = Path(location)
            if not path.is_file():
                what = "is a folder, not a media file" if path.is_dir() else "does not exist"
                self._location = None
                self._set_state(PlayerState.ERROR)
                self.error.emit(f"“{display_name(location)}” {what}.")
                return
        mrl = via or location
        media = self._instance.media_new(mrl) if is_url(mrl) else None
        if media is None:
            media = self._instance.media_new_path(location)
        if start_at > 0:
            media.add_option(f":start-time={start_at:.3f}")
        self._mp.set_media(media)
        media.release()
        self._location = location
        self._length = 0.0
        self._had_stream = False
        self._played_to = None
        self._seekable = True
        self._clock.reset(start_at, time.monotonic())
        if start_at > 0:
            # libVLC may report times near 0 before it applies the start time.
            self._clock.on_seek(start_at, time.monotonic())
        self.media_changed.emit(location)
        self.duration_changed.emit(0.0)
        self.position_changed.emit(start_at)
        self._set_state(PlayerState.OPENING)
        if play:
            self._mp.play()
            self._apply_audio()

    def location(self) -> str | None:
        return self._location

    def state(self) -> PlayerState:
        return self._state

    def is_playing(self) -> bool:
        return self._state in (PlayerState.PLAYING, PlayerState.BUFFERING, PlayerState.OPENING)

    def is_settling(self) -> bool:
        """Just paused: the picture is not yet the frame the clock froze on (see
        ``PAUSE_SETTLE_MS``); seeks and frame steps asked for now are sent after."""
        return self._settle.isActive()

    def play(self) -> None:
        if self._location is None:
            return
        if self._state in (PlayerState.ENDED, PlayerState.STOPPED, PlayerState.ERROR):
            self.open(self._location)
            return
        self._settle.stop()
        self._pending_step = 0
        if self._pending_seek is not None:
            self._mp.set_time(round(self._pending_seek * 1000) + 1)
            self._pending_seek = None
        self._mp.set_pause(0)
        self._mp.play()

    def pause(self) -> None:
        if self._state in (PlayerState.PLAYING, PlayerState.BUFFERING, PlayerState.OPENING):
            self._mp.set_pause(1)

    def toggle_pause(self) -> None:
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        self._mp.stop()
        self._clock.reset()
        self._set_state(PlayerState.STOPPED)
        self.position_changed.emit(0.0)

    def playhead(self) -> float:
        """Seconds into the media of the frame on screen now (interpolated; ~ms accurate)."""
        return self._clock.value(time.monotonic())

    def duration(self) -> float:
        """Seconds; 0 when not known (yet), as for live streams."""
        return self._length

    def reported_time(self) -> float | None:
        """libVLC's own media time (coarse, not extrapolated): None before it has one."""
        if self._location is None:
            return None
        ms = self._mp.get_time()
        return ms / 1000.0 if ms is not None and ms >= 0 else None

    def is_seekable(self) -> bool:
        return self._seekable and self._length > 0

    def playback_stats(self) -> dict[str, int]:
        """libVLC's counts for the open media: pictures decoded, displayed and lost (dropped
        late or broken), audio buffers played and lost. Empty when it has none."""
        media = self._mp.get_media() if self._location else None
        if media is None:
            return {}
        stats = vlc.MediaStats()
        found = media.get_stats(ctypes.byref(stats))
        media.release()  # get_media() retained it
        if not found:
            return {}
        names = ("decoded_video", "displayed_pictures", "lost_pictures", "played_abuffers",
                 "lost_abuffers")  # fmt: skip
        return {name: int(getattr(stats, name)) for name in names}

    def frame_duration(self) -> float:
        fps = self._mp.get_fps() if self._location else 0
        return 1.0 / fps if fps and fps > 0 else 0.04

    def seek(self, seconds: float) -> None:
        """Jump to ``seconds`` (precise: libVLC decodes from the keyframe before it)."""
        if self._location is None or not self.is_seekable():
            return
        self._pending_step = 0
        if self._state in (PlayerState.ENDED, PlayerState.STOPPED):
            self.open(self._location, start_at=seconds, play=True)
            return
        target = max(0.0, min(seconds, self._length - self.frame_duration() / 2))
        self._clock.on_seek(target, time.monotonic())
        self.position_changed.emit(target)
        if self._settle.isActive():
            self._pending_seek = target  # sent once the pause has settled
            return
        self._pending_seek = None
        # libVLC shows the last frame that starts strictly before the target; one
        # millisecond more makes a target on a frame boundary show the frame starting there.
        self._mp.set_time(round(target * 1000) + 1)

    def seek_relative(self, delta: float) -> None:
        self.seek(self.playhead() + delta)

    def step_frame(self, frames: int) -> None:
        """Pause and move ``frames`` frames (negative: back), landing mid-frame.

        A precise seek, not ``next_frame()``: libVLC 3's frame stepping sometimes skips or
        repeats a frame, and it cannot go back at all.
        """
        if self._location is None:
            return
        if self.is_playing() or self._settle.isActive():
            self._pending_step += frames  # applied once the pause has settled
            self.pause()
            return
        frame = self.frame_duration()
        index = int(self.playhead() / frame + 1e-6)
        self.seek((index + frames + 0.5) * frame)

    def _on_pause_settled(self) -> None:
        steps, self._pending_step = self._pending_step, 0
        target, self._pending_seek = self._pending_seek, None
        if self._state != PlayerState.PAUSED or not self.is_seekable():
            return
        if target is not None:
            self.seek(target)
            return
        frame = self.frame_duration()
        index = int(self.playhead() / frame + 1e-6)
        self.seek((index + steps + 0.5) * frame)

    def volume(self) -> int:
        return self._volume

    def is_muted(self) -> bool:
        return self._muted

    def set_volume(self, volume: int) -> None:
        self._volume = max(0, min(VOLUME_MAX, int(volume)))
        self._apply_audio()
        self.volume_changed.emit(self._volume, self._muted)

    def set_muted(self, muted: bool) -> None:
        self._muted = bool(muted)
        self._apply_audio()
        self.volume_changed.emit(self._volume, self._muted)

    def rate(self) -> float:
        return self._rate

    def set_rate(self, rate: float) -> None:
        self._rate = max(SPEEDS[0], min(SPEEDS[-1], float(rate)))
        self._mp.set_rate(self._rate)
        self._clock.on_rate(self._rate, time.monotonic())
        self.rate_changed.emit(self._rate)

    def step_rate(self, steps: int) -> None:
        """Move along the speed ladder (0.25x … 4x), like VLC's ``[``/``]``."""
        nearest = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self._rate))
        self.set_rate(SPEEDS[max(0, min(len(SPEEDS) - 1, nearest + steps))])

    def audio_tracks(self) -> list[tuple[int, str]]:
        return _tracks(self._mp.audio_get_track_description())

    def audio_track(self) -> int:
        return int(self._mp.audio_get_track())

    def set_audio_track(self, track_id: int) -> None:
        self._mp.audio_set_track(track_id)
        self.tracks_changed.emit()

    def subtitle_tracks(self) -> list[tuple[int, str]]:
        return _tracks(self._mp.video_get_spu_description())

    def subtitle_track(self) -> int:
        return int(self._mp.video_get_spu())

    def set_subtitle_track(self, track_id: int) -> None:
        self._mp.video_set_spu(track_id)
        self.tracks_changed.emit()

    def add_subtitle_file(self, path: Path) -> None:
        """Load an external .srt/.vtt/.ass and show it."""
        if not path.is_file():
            raise MediaError(f"“{path.name}” does not exist.")
        if self._location is None:
            raise MediaError("Open a video before loading subtitles for it.")
        if self._mp.add_slave(vlc.MediaSlaveType.subtitle, path.resolve().as_uri(), True) != 0:
            raise MediaError(f"“{path.name}” could not be loaded as subtitles.")
        self.tracks_changed.emit()

    def install_audio_tap(self, tap: AudioTap) -> None:
        """Send the audio to ``tap`` instead of a sound card (benchmarks and tests)."""
        decorators = vlc.CallbackDecorators
        self._mp.audio_set_callbacks(
            ctypes.cast(tap.play_cb, decorators.AudioPlayCb),
            ctypes.cast(tap.pause_cb, decorators.AudioPauseCb),
            ctypes.cast(tap.resume_cb, decorators.AudioResumeCb),
            ctypes.cast(tap.flush_cb, decorators.AudioFlushCb),
            ctypes.cast(tap.drain_cb, decorators.AudioDrainCb),
            None,
        )
        self._mp.audio_set_volume_callback(ctypes.cast(tap.volume_cb, decorators.AudioSetVolumeCb))
        self._mp.audio_set_format("S16N", TAP_RATE, TAP_CHANNELS)

    @property
    def released(self) -> bool:
        return isinstance(self._mp, _ReleasedPlayer)

    def release(self) -> None:
        """Stop and free libVLC. Afterwards every call does nothing: events libVLC queued
        before it stopped, or workers finishing late, may still reach slots that call it."""
        if self.released:
            return
        self._ticker.stop()
        self._settle.stop()
        self._location = None
        mp, self._mp = self._mp, _ReleasedPlayer()
        mp.stop()
        mp.release()
        self._instance.release()

    # -- internals ---------------------------------------------------------------------------
    def _apply_audio(self) -> None:
        self._mp.audio_set_mute(self._muted)
        self._mp.audio_set_volume(self._volume)

    def _set_state(self, state: PlayerState) -> None:
        if state == self._state:
            return
        self._state = state
        log.info("player %s: %s", state.value, self._location)
        if state == PlayerState.PLAYING:
            self._ticker.start()
        else:
            self._ticker.stop()
        self.state_changed.emit(state)

    def _tick(self) -> None:
        self.position_changed.emit(self.playhead())

    def _on_vlc_event(self, kind: str, value: Any, at: float) -> None:
        if self._location is None:
            return
        clock = self._clock
        if kind == "time":
            clock.on_time(value / 1000.0, at)
            if value > 0:
                self._played_to = max(self._played_to or 0.0, value / 1000.0)
        elif kind == "length":
            self._length = max(0.0, value / 1000.0)
            clock.set_length(self._length or None)
            self.duration_changed.emit(self._length)
        elif kind == "seekable":
            self._seekable = bool(value)
        elif kind == "playing":
            clock.on_playing(at)
            self._apply_audio()
            self._set_state(PlayerState.PLAYING)
        elif kind == "paused":
            clock.on_paused(at)
            self._set_state(PlayerState.PAUSED)
            self.position_changed.emit(self.playhead())
            self._settle.start()
        elif kind == "buffering":
            if self._state == PlayerState.OPENING:
                self._set_state(PlayerState.BUFFERING)
        elif kind == "opening":
            self._set_state(PlayerState.OPENING)
        elif kind in ("es_added", "es_deleted", "vout"):
            self._had_stream = True
            if kind == "vout" and value:
                self._played_to = self._played_to or 0.0  # a picture is on screen
            self.tracks_changed.emit()
        elif kind == "ended":
            self._on_ended(at)
        elif kind == "error":
            self._fail()
        elif kind == "stopped" and self._state not in (PlayerState.ENDED, PlayerState.ERROR):
            self._set_state(PlayerState.STOPPED)

    def _on_ended(self, at: float) -> None:
        if not self._had_stream:  # ended before any stream was found: nothing to play
            self._fail(nothing_playable=True)
            return
        if self._played_to is None and self._length > CUT_SHORT_SLACK_S:
            self._fail(cut_short=True)  # streams listed, not one frame or sample played
            return
        played, claimed = self._played_to or 0.0, self._length
        early = self._is_local() and claimed - played > max(CUT_SHORT_SLACK_S, claimed * 0.05)
        if early:
            self._clock.set_length(played)  # the end is where the data ends
            self._length = played
            self.duration_changed.emit(played)
        self._clock.on_end(at)
        self.position_changed.emit(self.playhead())
        self._set_state(PlayerState.ENDED)
        if early:
            log.warning("%s ended at %.1f s of %.1f s", self._location, played, claimed)
            self.ended_early.emit(played, claimed)

    def _is_local(self) -> bool:
        return self._location is not None and not is_url(self._location)

    def _fail(self, *, nothing_playable: bool = False, cut_short: bool = False) -> None:
        name = display_name(self._location or "")
        if nothing_playable:
            text = f"“{name}” has no audio or video that Moments can play."
        elif cut_short:
            text = (
                f"“{name}” is cut short or damaged: it says it lasts "
                f"{format_time(self._length)}, but nothing in it can be played."
            )
        elif self._location and is_url(self._location):
            text = f"“{name}” could not be played: the stream cannot be reached or is not media."
        else:
            text = f"“{name}” could not be played: the file is damaged or in an unknown format."
        self._clock.reset()
        self._length = 0.0  # what the broken header claimed is not a length to show
        self.duration_changed.emit(0.0)
        self.position_changed.emit(0.0)
        self._set_state(PlayerState.ERROR)
        self.error.emit(text)


class _ReleasedPlayer:
    """Stands in for a released ``vlc.MediaPlayer``: every call is a no-op returning 0."""

    def __getattr__(self, _name: str) -> Any:
        return lambda *_args, **_kwargs: 0


def _tracks(description: Any) -> list[tuple[int, str]]:
    tracks = []
    for track_id, name in description or []:
        label = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)
        tracks.append((int(track_id), label))
    return tracks
