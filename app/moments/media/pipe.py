"""Run ffmpeg writing its output to stdout, and hand the bytes over as they come.

``media/tools.run_ffmpeg`` keeps stdout for ``-progress``; jobs whose product is small and
wanted in memory (subtitle text, thumbnails) read it from the pipe instead. The bytes are
read on a helper thread and delivered on the calling thread, which polls the cancel token
and the deadline between chunks, so a cancel or a stuck input ends the job within ~50 ms.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import IO

from moments.core.cancel import CancelToken, PauseGate
from moments.core.errors import CancelledError, ClipError
from moments.media.tools import ffmpeg_failure, find_tool, idle_priority_hook

log = logging.getLogger(__name__)

CHUNK = 64 * 1024
POLL_S = 0.05


def stream_ffmpeg(
    args: Sequence[str],
    on_data: Callable[[bytes], None],
    *,
    cancel: CancelToken | None = None,
    timeout: float | None = None,
    what: str = "ffmpeg",
    on_log: Callable[[str], bool] | None = None,
    loglevel: str = "error",
    pause: PauseGate | None = None,
    idle: bool = False,
) -> None:
    """Run ``ffmpeg <args>`` (which must write to ``pipe:1``), calling ``on_data(chunk)`` on
    this thread for each piece of its output. Raises CancelledError on cancel, ClipError
    when ffmpeg fails or runs past ``timeout`` seconds; ffmpeg is stopped either way.

    ``on_log(line)`` gets each stderr line (at ``loglevel``) on this thread, before the
    output that follows it is handed over; it returns True for a line it used, which then
    stays out of the error message. ``pause``: while it is closed ffmpeg is stopped
    (SIGSTOP; elsewhere its pipe is simply not read) and the timeout does not run. ``idle``
    runs ffmpeg at the lowest CPU and I/O priority (``tools.idle_priority_hook``)."""
    cmd = [find_tool("ffmpeg"), "-hide_banner", "-nostdin", "-nostats", "-loglevel", loglevel]
    cmd += list(args)
    log.debug("running %s", cmd)
    try:
        proc = subprocess.Popen(  # noqa: S603 - argument list, no shell
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=idle_priority_hook() if idle else None,
        )
    except OSError as exc:
        raise ClipError(f"Could not start ffmpeg for {what}: {exc.strerror or exc}.") from exc
    assert proc.stdout is not None and proc.stderr is not None
    chunks: queue.Queue[bytes | None] = queue.Queue()
    stderr_tail: collections.deque[str] = collections.deque(maxlen=40)
    lines: queue.SimpleQueue[str] | None = queue.SimpleQueue() if on_log else None
    readers = [
        threading.Thread(target=_read_chunks, args=(proc.stdout, chunks.put), daemon=True),
        threading.Thread(target=_read_lines, args=(proc.stderr, lines or stderr_tail), daemon=True),
    ]
    for reader in readers:
        reader.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    finished = False

    def drain_log() -> None:
        while lines is not None and on_log is not None and not lines.empty():
            line = lines.get()
            if not on_log(line):
                stderr_tail.append(line)

    try:
        while True:
            if cancel is not None and cancel.cancelled:
                raise CancelledError(f"{what.capitalize()} cancelled.")
            if pause is not None and pause.paused:
                waited = _paused(proc, pause, cancel)
                deadline = None if deadline is None else deadline + waited
            if deadline is not None and time.monotonic() > deadline:
                raise ClipError(f"ffmpeg took longer than {timeout:.0f} s for {what}.")
            try:
                chunk = chunks.get(timeout=POLL_S)
            except queue.Empty:
                drain_log()
                continue
            drain_log()
            if chunk is None:
                break
            on_data(chunk)
        proc.wait()
        readers[1].join(timeout=5)
        drain_log()
        finished = True
    finally:
        if not finished:
            _stop(proc)
        for reader in readers:
            reader.join(timeout=5)
        proc.stdout.close()
        proc.stderr.close()
    if proc.returncode != 0:
        raise ffmpeg_failure(what, proc.returncode, list(stderr_tail))


def _read_chunks(stream: IO[bytes], put: Callable[[bytes | None], None]) -> None:
    try:
        while chunk := stream.read1(CHUNK):  # type: ignore[attr-defined]
            put(chunk)
    except (OSError, ValueError):  # closed under us after a stop
        pass
    finally:
        put(None)


def _read_lines(stream: IO[bytes], sink: collections.deque[str] | queue.SimpleQueue[str]) -> None:
    add = sink.append if isinstance(sink, collections.deque) else sink.put
    try:
        for line in iter(stream.readline, b""):
            add(line.decode("utf-8", errors="replace"))
    except (OSError, ValueError):
        pass


def _paused(proc: subprocess.Popen[bytes], pause: PauseGate, cancel: CancelToken | None) -> float:
    """Hold ffmpeg until the gate opens; returns the seconds it was held."""
    stop = getattr(signal, "SIGSTOP", None)
    if stop is not None:
        with contextlib.suppress(OSError):
            proc.send_signal(stop)
    try:
        return pause.wait_open(cancel)
    finally:
        if stop is not None:
            with contextlib.suppress(OSError):
                proc.send_signal(signal.SIGCONT)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
