"""Record a live stream into a bounded on-disk ring, so a live Moment can be cut from it.

``RingRecorder(url).start()`` runs ``ffmpeg -i URL -c copy -f segment`` into a temp folder:
MPEG-TS segments of about ``segment`` seconds (the copy cuts only on the source's keyframes,
so a segment can be longer), pruned once older than ``window`` seconds. When the stream
drops (no data for ``read_timeout``), ffmpeg exits; the ring keeps its segments and a new
ffmpeg run continues it after a backoff. ``close()`` removes the folder. Nothing here
blocks the caller except ``cut``, which runs ffmpeg (call it from a worker).

**Ring time.** Every segment keeps timestamps on one continuous "ring time" line, in
seconds: run 0 starts at ``RING_EPOCH``; a run after a reconnect starts where the wall clock
says it should, never before the end of the previous run. The TS files carry ring time as
their pts (the inner muxer's ``output_ts_offset`` plus ``mpegts_copyts``), so segments of
any runs concatenate byte for byte, and a clip cut from them has ``pts = ring time``.

**Clock mapping.** The segment list (CSV on ffmpeg's stdout) prints a segment's line when
the first packet of the next segment is muxed: at that monotonic instant ``w`` the packet of
ring time ``end`` had just arrived. Each line gives a sample ``w - end``; per run, the
smallest sample is the arrival offset ``c`` (processing only ever adds delay; ffmpeg's
probing at connect releases a burst of late lines). So ring time ``T`` arrived at
``T + c``. The player shows what arrived ``latency`` seconds later (its network cache, about
1 s for libVLC), so the viewer saw wall time ``W`` the ring time ``W - latency - c``; ``cut``
takes a wall window ``[press - before, press + after]`` in ``time.monotonic()`` seconds and
that latency, and keeps the complete segments overlapping it (keyframe-padded by nature;
the segment being written is left out until ffmpeg closes it, so ``cut`` waits for it).

**Unicast UDP/RTP** reaches only one socket, so the player and the ring cannot both listen:
with ``relay_port`` the ring's ffmpeg also sends what it receives, unchanged, to
``127.0.0.1:relay_port`` and the player plays ``relay_url``. Multicast and pulled streams
(HTTP, HLS, RTSP) are read by both independently.

A live Moment keeps ``RingCut.range`` (ring time) as its range, ``raw_offset`` from the cut,
and ``ring_time(press - latency)`` as its press time. Disk use stays at about ``window`` plus
two segments of the stream. Ring time is MPEG-TS pts: it wraps after 26.5 hours.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import logging
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from moments.core.atomic import storage_error
from moments.core.cancel import CancelToken
from moments.core.errors import MediaError, StorageError
from moments.core.moment import SourceRange
from moments.core.source import display_name, ffmpeg_input, scheme
from moments.media.capture import ClipProbe, probe_clip
from moments.media.tools import find_tool, run_ffmpeg

log = logging.getLogger(__name__)

RING_EPOCH = 10.0
"""Ring time of the first packet: positive, so B-frame dts never go below zero."""
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0)
SOCKET_TIMEOUT_SCHEMES = frozenset({"udp", "rtp", "tcp", "http", "https", "rtsp", "rtsps", "srt"})
"""Protocols whose ``timeout`` option is a read timeout in µs (RTMP's means "listen")."""


@dataclass(frozen=True)
class RingSegment:
    """A complete segment: ``[start, end)`` in ring time, arrived at ``wall_end``."""

    index: int
    run: int
    path: Path
    start: float
    end: float
    clock: float
    """Arrival offset of its run: ring time ``t`` arrived at monotonic ``t + clock``."""

    @property
    def wall_start(self) -> float:
        return self.start + self.clock

    @property
    def wall_end(self) -> float:
        return self.end + self.clock


@dataclass(frozen=True)
class RingCut:
    """A clip cut from the ring. Ring times are its timestamps: ``source = clip + raw_offset``."""

    raw_clip: Path
    raw_offset: float
    range: SourceRange
    """The asked window, in ring time, clamped to what the ring holds."""
    covered: SourceRange
    """The clip's first frame to its end, in ring time (whole segments)."""
    wall: tuple[float, float]
    """The asked window (monotonic, as the viewer saw it) that the clip really holds."""


@dataclass
class _CutWork:
    folder: Path
    chosen: list[RingSegment]
    files: list[Path]


@dataclass
class _Run:
    number: int
    offset: float
    launched: float
    first_index: int
    clock: float | None = None
    last_end: float | None = None


class RingRecorder:
    """Records ``url`` into a ring of ``window`` seconds; thread-safe."""

    def __init__(
        self,
        url: str,
        *,
        window: float = 60.0,
        segment: float = 2.0,
        read_timeout: float = 5.0,
        backoff: Sequence[float] = BACKOFF_S,
        parent: Path | None = None,
        relay_port: int | None = None,
    ) -> None:
        self.url = url
        self.relay_port = relay_port
        """With a port, what is recorded is also sent on to ``relay_url`` (see ``relay_url``)."""
        self.window = window
        self.segment = segment
        self.read_timeout = read_timeout
        self._backoff = tuple(backoff) or BACKOFF_S
        self._parent = parent
        self.folder: Path | None = None
        self._lock = threading.Condition()
        self._segments: list[RingSegment] = []
        self._runs: list[_Run] = []
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._errors: collections.deque[str] = collections.deque(maxlen=20)
        self.state = "idle"

    # --- life cycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Create the ring folder and start recording in the background."""
        if self._thread is not None:
            return
        find_tool("ffmpeg")  # ToolMissingError here, not in the thread
        try:
            self.folder = Path(tempfile.mkdtemp(prefix="moments-ring-", dir=self._parent))
        except OSError as exc:
            raise StorageError(f"No room for the live recording: {exc.strerror}.") from exc
        self._stopping.clear()
        _OPEN.add(self)
        self.state = "connecting"
        self._thread = threading.Thread(target=self._loop, name="ring-recorder", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop recording; the segments stay until ``close``."""
        self._stopping.set()
        while self._thread is not None and self._thread.is_alive():
            if self._proc is not None:
                _end(self._proc)
            self._thread.join(timeout=0.2)
        self._thread = None
        with self._lock:
            self.state = "stopped"
            self._lock.notify_all()

    def close(self) -> None:
        """Stop and remove the ring folder (done at exit for a recorder left open)."""
        _OPEN.discard(self)
        self.stop()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        with self._lock:
            self._segments.clear()

    def __enter__(self) -> RingRecorder:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what the ring holds -------------------------------------------------------------------

    @property
    def relay_url(self) -> str | None:
        """Where a player listens for the relayed stream (VLC's syntax), or None.

        A unicast UDP/RTP stream reaches only one socket: the ring receives it and sends each
        packet on, unchanged, as MPEG-TS to ``127.0.0.1:relay_port``.
        """
        return None if self.relay_port is None else f"udp://@127.0.0.1:{self.relay_port}"

    @property
    def runs(self) -> int:
        """ffmpeg runs so far: 1 + the reconnects."""
        return len(self._runs)

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    @property
    def last_error(self) -> str:
        return self._errors[-1] if self._errors else ""

    def segments(self) -> list[RingSegment]:
        """The complete segments kept, oldest first."""
        with self._lock:
            return list(self._segments)

    def disk_usage(self) -> int:
        """Bytes in the ring folder now."""
        if self.folder is None:
            return 0
        with contextlib.suppress(OSError):
            return sum(p.stat().st_size for p in self.folder.iterdir() if p.is_file())
        return 0

    def available(self) -> tuple[float, float] | None:
        """Monotonic arrival times of the oldest and newest complete data, or None."""
        with self._lock:
            if not self._segments:
                return None
            return (self._segments[0].wall_start, self._segments[-1].wall_end)

    def ring_time(self, arrival: float) -> float | None:
        """The ring time that arrived at monotonic ``arrival`` (None before any data)."""
        with self._lock:
            runs = [s for s in self._segments if s.wall_start <= arrival] or self._segments[:1]
            return arrival - runs[-1].clock if runs else None

    # --- cutting -----------------------------------------------------------------------------

    def cut(
        self,
        start_wall: float,
        end_wall: float,
        dest: Path,
        *,
        latency: float = 0.0,
        cancel: CancelToken | None = None,
        wait: bool = True,
    ) -> RingCut:
        """Cut what the viewer saw in ``[start_wall, end_wall]`` (monotonic) to ``dest.mkv``.

        Waits (with ``wait``) until the ring has recorded up to ``end_wall`` or the stream
        stalls. Stream copy of whole segments; temp file, then rename.
        """
        first, last = start_wall - latency, end_wall - latency
        if wait:
            self._wait_for(last, cancel)
        work = self._link_segments(first, last)
        raw_path = dest.parent / (dest.name + ".mkv")
        tmp = dest.parent / f".{raw_path.name}.{secrets.token_hex(4)}.part"
        try:
            found = self._join_and_copy(work, tmp, cancel)
            tmp.replace(raw_path)
        except OSError as exc:
            raise storage_error(exc, raw_path) from exc
        finally:
            tmp.unlink(missing_ok=True)
            shutil.rmtree(work.folder, ignore_errors=True)
        chosen = work.chosen
        start = max(first - chosen[0].clock, found.first)
        end = max(start + 1e-3, min(last - chosen[-1].clock, found.end))
        return RingCut(
            raw_clip=raw_path,
            raw_offset=found.start_time,
            range=SourceRange(self.url, start, end),
            covered=SourceRange(self.url, found.first, max(found.end, found.first + 1e-3)),
            wall=(start + chosen[0].clock + latency, end + chosen[-1].clock + latency),
        )

    @staticmethod
    def _join_and_copy(work: _CutWork, tmp: Path, cancel: CancelToken | None) -> ClipProbe:
        """Concatenate the TS segments (the concat protocol, by hand) and remux to Matroska,
        keeping ring times as timestamps."""
        joined = work.folder / "joined.ts"
        with joined.open("wb") as out:
            for path in work.files:
                with path.open("rb") as part:
                    shutil.copyfileobj(part, out, 1 << 20)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        args = ["-copyts", "-i", ffmpeg_input(str(joined)), "-map", "0:V?", "-map", "0:a?"]
        args += ["-c", "copy", "-f", "matroska", "-y", ffmpeg_input(str(tmp))]
        run_ffmpeg(args, cancel=cancel, what="the live moment's clip")
        found = probe_clip(tmp)
        if found is None:
            raise MediaError("The live recording holds no picture or sound there.")
        return found

    def _wait_for(self, arrival: float, cancel: CancelToken | None) -> None:
        """Until a complete segment ends after ``arrival``, the recorder stops, or it stalls."""
        longest = max([s.end - s.start for s in self.segments()] + [self.segment])
        deadline = max(time.monotonic(), arrival) + 2 * longest + self.read_timeout
        with self._lock:
            while time.monotonic() < deadline:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                if self._segments and self._segments[-1].wall_end >= arrival:
                    return
                if self.state in ("stopped", "idle"):
                    return
                self._lock.wait(0.1)

    def _link_segments(self, first: float, last: float) -> _CutWork:
        """Hard-link the segments overlapping ``[first, last]`` so pruning cannot take them."""
        with self._lock:
            chosen = [s for s in self._segments if s.wall_end > first and s.wall_start < last]
            if not chosen:
                span = f"the last {self.window:.0f} s" if self._segments else "nothing yet"
                raise MediaError(
                    f"That moment of “{display_name(self.url)}” is not in the live recording "
                    f"(it keeps {span})."
                )
            assert self.folder is not None
            work = Path(tempfile.mkdtemp(prefix="cut-", dir=self.folder))
            files = []
            for seg in chosen:
                linked = work / seg.path.name
                try:
                    os.link(seg.path, linked)
                except OSError:
                    shutil.copyfile(seg.path, linked)
                files.append(linked)
        return _CutWork(work, chosen, files)

    # --- the recording thread ----------------------------------------------------------------

    def _loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            produced = self._run_once()
            if self._stopping.is_set():
                break
            failures = 0 if produced else failures + 1
            delay = self._backoff[min(failures, len(self._backoff) - 1)]
            with self._lock:
                self.state = "reconnecting"
                self._lock.notify_all()
            log.info("%s dropped (%s); again in %.1f s", self.url, self.last_error, delay)
            self._stopping.wait(delay)

    def _run_once(self) -> bool:
        """One ffmpeg run; True when it recorded at least one segment."""
        assert self.folder is not None
        run = self._new_run()
        try:
            self._proc = subprocess.Popen(  # noqa: S603 - argument list, no shell
                self._command(run),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            self._errors.append(f"could not start ffmpeg: {exc}")
            return False
        proc = self._proc
        if self._stopping.is_set():  # stop() came while this run was starting
            _end(proc)
        assert proc.stdout is not None and proc.stderr is not None
        drain = threading.Thread(
            target=_drain, args=(proc.stderr, self._errors), daemon=True, name="ring-stderr"
        )
        drain.start()
        produced = False
        for line in proc.stdout:
            if self._on_line(run, line, time.monotonic()):
                produced = True
        proc.wait()
        drain.join(timeout=2)
        return produced

    def _new_run(self) -> _Run:
        """The next run's ring offset and first segment number; drops files of a run that
        ended without listing them."""
        assert self.folder is not None
        with self._lock:
            now = time.monotonic()
            offset = RING_EPOCH
            if self._runs:
                prev = self._runs[-1]
                clock = prev.clock if prev.clock is not None else prev.launched - prev.offset
                offset = max((prev.last_end or prev.offset) + 0.5, now - clock)
            listed = {seg.path.name for seg in self._segments}
            numbers = [-1]
            for path in self.folder.glob("seg*.ts"):
                with contextlib.suppress(ValueError):
                    numbers.append(int(path.stem.removeprefix("seg")))
                if path.name not in listed:
                    path.unlink(missing_ok=True)
            run = _Run(len(self._runs), offset, now, max(numbers) + 1)
            self._runs.append(run)
            return run

    def _command(self, run: _Run) -> list[str]:
        assert self.folder is not None
        cmd = [find_tool("ffmpeg"), "-hide_banner", "-nostdin", "-loglevel", "error"]
        micros = str(round(self.read_timeout * 1e6))
        cmd += ["-rw_timeout", micros]  # UDP ignores it; its own "timeout" does the same
        if scheme(self.url) in SOCKET_TIMEOUT_SCHEMES:
            cmd += ["-timeout", micros]
        cmd += ["-analyzeduration", "2000000", "-i", ffmpeg_input(self.url)]
        cmd += ["-map", "0:V?", "-map", "0:a?", "-c", "copy", "-f", "segment"]
        cmd += ["-segment_time", f"{self.segment:g}", "-segment_format", "mpegts"]
        cmd += ["-segment_format_options", f"mpegts_copyts=1:output_ts_offset={run.offset:.6f}"]
        cmd += ["-segment_list", "pipe:1", "-segment_list_type", "csv"]
        cmd += ["-segment_start_number", str(run.first_index)]
        cmd.append(ffmpeg_input(str(self.folder / "seg%08d.ts")))
        if self.relay_port is not None:
            cmd += ["-map", "0:V?", "-map", "0:a?", "-c", "copy", "-f", "mpegts"]
            cmd.append(f"udp://127.0.0.1:{self.relay_port}?pkt_size=1316")
        return cmd

    def _on_line(self, run: _Run, line: str, arrived: float) -> bool:
        """A segment is complete: record it and its clock sample, then prune the ring."""
        assert self.folder is not None
        try:
            name, start_s, end_s = line.strip().rsplit(",", 2)
            start, end = float(start_s) + run.offset, float(end_s) + run.offset
            index = int(Path(name).stem.removeprefix("seg"))
        except ValueError:
            return False
        with self._lock:
            sample = arrived - end
            if run.clock is None or sample < run.clock:
                run.clock = sample
                self._segments = [
                    replace(seg, clock=sample) if seg.run == run.number else seg
                    for seg in self._segments
                ]
            run.last_end = end
            path = self.folder / Path(name).name
            self._segments.append(RingSegment(index, run.number, path, start, end, run.clock))
            self._prune(arrived)
            self.state = "recording"
            self._lock.notify_all()
        return True

    def _prune(self, now: float) -> None:
        """Forget (and delete) the segments that arrived more than ``window`` ago."""
        old = [seg for seg in self._segments if seg.wall_end < now - self.window]
        for seg in old:
            seg.path.unlink(missing_ok=True)
        self._segments = [seg for seg in self._segments if seg not in old]


_OPEN: weakref.WeakSet[RingRecorder] = weakref.WeakSet()


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 that nothing listens on now (for a relay)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@atexit.register
def _close_all() -> None:
    for recorder in list(_OPEN):
        recorder.close()


def _end(proc: subprocess.Popen[str]) -> None:
    """Stop ffmpeg: SIGTERM lets it close the segment, but a blocked read ignores the first
    one (it only sets a flag), so a second one interrupts, and then a kill."""
    for signal_it in (proc.terminate, proc.terminate, proc.kill):
        if proc.poll() is not None:
            return
        signal_it()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=1.5)


def _drain(stream: Iterable[str], sink: collections.deque[str]) -> None:
    for line in stream:
        if line.strip():
            sink.append(line.strip())
