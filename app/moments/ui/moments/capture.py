"""The Moments button: keep what the viewer just saw.

The press is instant on the GUI thread: the interpolated playhead and the viewed spans give
the moment's range, and the toast appears at once. A worker then stream-copies the raw clip
(or cuts it from the live ring), saves the thumbnail and only then stores the moment, so a
failure (full disk, a vanished source) leaves the library as it was.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from moments.core.errors import CancelledError, MediaError, MomentsError
from moments.core.library import Library
from moments.core.moment import Moment, SourceRange
from moments.core.settings import Preferences
from moments.core.source import display_name, is_unicast_push, is_url, looks_live
from moments.core.timeline import ViewedSpanRing
from moments.media.capture import capture, probe_clip, save_thumbnail
from moments.media.probe import MediaInfo, probe
from moments.media.ring import RingRecorder, free_udp_port
from moments.ui.common import Task, TaskContext, TaskRunner, messages
from moments.ui.moments.story_capture import (
    StoryPress,
    StorySource,
    save_story_moment,
    story_moment,
)
from moments.ui.player import Player

log = logging.getLogger(__name__)

LIVE_LATENCY_S = 1.0
"""What libVLC's network cache adds between a packet's arrival and its frame on screen."""


@dataclass
class Capture:
    """One press: the moment as pressed, its job, and what it became."""

    moment: Moment
    task: Task | None = None
    stored: Moment | None = None
    thumbnail: QImage | None = field(default=None, repr=False)
    undone: bool = False
    _start: Callable[[], None] | None = field(default=None, repr=False)
    _held: bool = field(default=False, repr=False)

    def hold(self) -> None:
        """Keep the cut from starting until ``release()`` (only while ``pressed`` is handled)."""
        self._held = True

    def release(self) -> None:
        """Start the cut now if it is held; later calls do nothing."""
        start, self._start = self._start, None
        if start is not None:
            start()


class CaptureController(QObject):
    pressed = Signal(object)
    """Capture, at the press (before anything is saved)."""
    saved = Signal(object)
    """Capture, with ``stored`` set: the raw clip is in the library."""
    failed = Signal(object, object)
    """Capture and the error."""
    removed = Signal(object)
    """Capture, after Undo."""
    thumbnail_ready = Signal(object)
    """Capture, with ``thumbnail`` set (shortly after ``saved``)."""

    def __init__(
        self,
        player: Player,
        library: Library,
        tasks: TaskRunner,
        prefs: Preferences,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._player = player
        self._library = library
        self._tasks = tasks
        self._prefs = prefs
        self.spans = ViewedSpanRing()
        self._recorder: RingRecorder | None = None
        self._infos: dict[str, MediaInfo] = {}
        self.shape: Callable[[Moment], Moment] | None = None
        """Given the clock's moment at the press, the moment to keep (snapped to the scene)."""
        self.thumbnail_delay_ms = 0
        """Wait this long before decoding the thumbnail (the editor's preview decodes first)."""
        self._stream_failed = ""
        """Why the player gave up on the live stream being recorded ("" while it plays)."""
        self.story_source: StorySource | None = None
        """Set while a story plays (story mode): a press keeps what the story showed."""
        player.position_changed.connect(self._on_position)
        player.media_changed.connect(self._on_media_changed)
        player.error.connect(self._on_player_error)

    @property
    def recorder(self) -> RingRecorder | None:
        return self._recorder

    def info_for(self, location: str) -> MediaInfo | None:
        """What probing found when ``location`` was opened (None before it finished)."""
        return self._infos.get(location)

    # -- the press ---------------------------------------------------------------------------
    def press(self) -> Capture | None:
        """Keep the last seconds seen (plus a few after). Returns at once."""
        before, after = self._prefs.moment_before_s, self._prefs.moment_after_s
        story = self.story_source(before, after) if self.story_source is not None else None
        if story is not None:
            return self._press_story(story)
        location = self._player.location()
        if location is None:
            messages.info("Open a video first: the Moments button keeps what you just watched.")
            return None
        press_t = self._player.playhead()
        press_wall = time.monotonic()
        if self._prefs.pause_on_capture:
            self._player.pause()
        recorder = self._recorder
        if recorder is not None:
            moment = self._live_moment(recorder, location, press_wall, before, after)
            if moment is None:
                return None
            window = (press_wall - before, press_wall + after)
        else:
            duration = self._player.duration() or None
            ranges = self.spans.default_ranges(
                location, press_t, before=before, after=after, duration=duration
            )
            if not ranges:
                messages.info("Nothing has been watched yet to keep as a moment.")
                return None
            moment = Moment.new(location, ranges, press_t)
            if self.shape is not None:
                moment = self.shape(moment)
            window = None
        return self._keep(moment, recorder, window)

    def keep(self, moment: Moment) -> Capture:
        """Keep ``moment`` of the open file as a press would (a suggested moment)."""
        return self._keep(moment, None, None)

    def _keep(
        self, moment: Moment, recorder: RingRecorder | None, window: tuple[float, float] | None
    ) -> Capture:
        return self._launch(moment, lambda ctx: self._save(ctx, moment, recorder, window))

    def _press_story(self, story: StoryPress) -> Capture | None:
        """In a story: the played spans joined (across branch switches) are the clip."""
        if not story.spans:
            messages.info("Nothing of the story has been watched yet to keep as a moment.")
            return None
        moment = story_moment(story, self._library.media_dir)
        library, spans = self._library, story.spans
        return self._launch(moment, lambda ctx: save_story_moment(ctx, library, moment, spans))

    def _launch(self, moment: Moment, work: Callable[[TaskContext], Moment]) -> Capture:
        job = Capture(moment)

        def start() -> None:
            if job.undone:
                return
            job.task = self._tasks.run(
                work,
                name="capture",
                on_success=lambda result: self._on_saved(job, result),
                on_error=lambda error: self._on_failed(job, error),
            )

        job._start = start
        self.pressed.emit(job)  # a listener may hold the cut (the editor's first frame)
        if not job._held:
            job.release()
        return job

    def undo(self, job: Capture) -> None:
        """Forget a capture: cancel it while it runs, delete it once stored."""
        job.undone = True
        stored = job.stored
        if stored is None:
            job._start = None  # held: it never starts
            if job.task is not None:
                job.task.cancel()  # still running: it will store nothing
            return
        if stored.id is not None:
            moment_id = stored.id
            self._tasks.run(
                lambda _ctx: self._library.delete(moment_id),
                name="undo capture",
                on_success=lambda _: self.removed.emit(job),
            )

    # -- workers -----------------------------------------------------------------------------
    def _save(
        self,
        ctx: TaskContext,
        moment: Moment,
        recorder: RingRecorder | None,
        window: tuple[float, float] | None,
    ) -> Moment:
        """Cut the raw clip, then store the moment (the thumbnail follows, see below)."""
        media = self._library.media_dir
        stem = media / f"moment-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"
        if recorder is not None and window is not None:
            cut = recorder.cut(*window, stem, latency=LIVE_LATENCY_S, cancel=ctx.cancel)
            moment = moment.with_ranges([cut.range])
            clip, offset = cut.raw_clip, cut.raw_offset
        else:
            info = self._infos.get(moment.source)
            result = capture(moment.ranges[0], stem, info=info, cancel=ctx.cancel)
            clip, offset = result.raw_clip, result.raw_offset
        try:
            ctx.cancel.raise_if_cancelled()
            return self._library.add_moment(moment.with_capture(str(clip), offset, None))
        except BaseException:
            Path(clip).unlink(missing_ok=True)
            raise

    def _thumbnail(self, ctx: TaskContext, stored: Moment) -> QImage | None:
        """The frame on screen at the press, read from the kept clip: it is indexed and starts
        on a keyframe, so ffmpeg's seek there lands on one. (In an MPEG-TS source the seek can
        land between keyframes, and an HEVC decoder then draws grey.) A clip without pictures
        takes it from the source, whose cover art the clip leaves out."""
        assert stored.raw_clip is not None and stored.id is not None
        clip = Path(stored.raw_clip)
        out = clip.with_suffix(".jpg")
        source, at = str(clip), stored.press_time - stored.raw_offset
        local = not (stored.is_live or is_url(stored.source)) and Path(stored.source).is_file()
        if local and not _has_pictures(clip):
            source, at = stored.source, stored.press_time
        try:
            save_thumbnail(source, max(0.0, at), out, cancel=ctx.cancel)
        except MediaError as exc:
            log.warning("no thumbnail for moment %s: %s", stored.id, exc)
            return None
        try:
            self._library.update_capture(stored.id, clip, stored.raw_offset, out)
        except KeyError:  # undone meanwhile
            out.unlink(missing_ok=True)
            return None
        return QImage(str(out))

    def _probe_source(self, location: str) -> None:
        """Probe the opened file once, so a press does not wait for it."""
        self._tasks.run(
            lambda _ctx: probe(location),
            name="probe",
            on_success=lambda info: self._infos.__setitem__(location, info),
            on_error=lambda error: log.info("probe of %s failed: %s", location, error),
        )

    # -- GUI thread --------------------------------------------------------------------------
    def _on_saved(self, job: Capture, stored: Moment) -> None:
        job.stored = stored
        log.info("moment %s kept: %s", stored.id, stored.ranges)
        if job.undone:  # Undo arrived while the moment was being stored
            self.undo(job)
            return
        self.saved.emit(job)
        QTimer.singleShot(self.thumbnail_delay_ms, self, lambda: self._start_thumbnail(job, stored))

    def _start_thumbnail(self, job: Capture, stored: Moment) -> None:
        if job.undone:
            return
        self._tasks.run(
            lambda ctx: self._thumbnail(ctx, stored),
            name="thumbnail",
            on_success=lambda image: self._on_thumbnail(job, image),
        )

    def _on_thumbnail(self, job: Capture, image: QImage | None) -> None:
        if image is None or image.isNull() or job.undone or job.stored is None:
            return
        job.thumbnail = image
        job.stored = job.stored.with_capture(
            job.stored.raw_clip,
            job.stored.raw_offset,
            str(Path(job.stored.raw_clip or "").with_suffix(".jpg")),
        )
        self.thumbnail_ready.emit(job)

    def _on_failed(self, job: Capture, error: BaseException) -> None:
        if isinstance(error, CancelledError) and job.undone:
            self.removed.emit(job)
            return
        self.failed.emit(job, error)

    def _live_moment(
        self, recorder: RingRecorder, location: str, press_wall: float, before: float, after: float
    ) -> Moment | None:
        now_ring = recorder.ring_time(press_wall - LIVE_LATENCY_S)
        if now_ring is None:
            if self._stream_failed:
                messages.info(f"{self._stream_failed} Nothing of it was recorded to keep.")
            else:
                messages.info(
                    f"“{display_name(location)}” has only just started: "
                    "there is nothing to keep yet."
                )
            return None
        rng = SourceRange(location, max(0.0, now_ring - before), now_ring + after)
        return Moment.new(location, [rng], now_ring, is_live=True)

    def _on_position(self, seconds: float) -> None:
        location = self._player.location()
        if location is not None and self._recorder is None:
            self.spans.on_position(location, seconds)

    def play_through(self, location: str) -> str | None:
        """Before the player opens ``location``: the URL it should play instead, or None.

        A unicast UDP/RTP stream reaches one socket only; its ring starts now, receives it
        and relays it to the player (``RingRecorder.relay_url``).
        """
        if not is_unicast_push(location):
            return None
        self._stop_recorder()
        recorder = self._start_recorder(location, relay_port=free_udp_port())
        return recorder.relay_url if recorder is not None else None

    def _on_player_error(self, text: str) -> None:
        """The player gave up on the stream: so does the ring (what it holds stays, to keep
        a moment from), instead of reconnecting in the background for ever."""
        recorder = self._recorder
        if recorder is None or recorder.url != self._player.location():
            return
        self._stream_failed = text
        log.info("the player gave up on %s; stopping its ring", recorder.url)
        self._tasks.run(lambda _ctx: recorder.stop(), name="stop live ring")

    def _on_media_changed(self, location: str) -> None:
        self._stream_failed = ""
        self.spans.close()
        if not looks_live(location) and location not in self._infos:
            self._probe_source(location)
        current = self._recorder
        if current is not None and current.url == location and current.relay_port is not None:
            return  # started by play_through for this stream
        self._stop_recorder()
        if looks_live(location):
            self._start_recorder(location)

    def _start_recorder(self, location: str, relay_port: int | None = None) -> RingRecorder | None:
        recorder = RingRecorder(location, window=self._prefs.live_window_s, relay_port=relay_port)
        try:
            recorder.start()
        except MomentsError as exc:
            messages.warning(f"Moments cannot be kept from this stream: {exc}")
            return None
        self._recorder = recorder
        log.info("recording the live ring of %s%s", location, " (relayed)" * bool(relay_port))
        return recorder

    def _stop_recorder(self) -> None:
        recorder, self._recorder = self._recorder, None
        if recorder is not None:
            self._tasks.run(
                lambda _ctx: recorder.close(), name="close live ring", cancellable=False
            )

    def shutdown(self) -> None:
        """Stop the live ring (called when the window closes; the task runner then waits)."""
        self._stop_recorder()


def _has_pictures(clip: Path) -> bool:
    try:
        found = probe_clip(clip)
    except MomentsError:
        return False
    return found is not None and found.has_video
