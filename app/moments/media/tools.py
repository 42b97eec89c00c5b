"""Find and run ffmpeg/ffprobe: argument lists only, progress, cancel, readable errors."""

from __future__ import annotations

import collections
import contextlib
import ctypes
import logging
import os
import platform
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, ClipError, StorageError, ToolMissingError

log = logging.getLogger(__name__)

INSTALL_HINT = {
    "ffmpeg": "install ffmpeg: sudo apt install ffmpeg (macOS: brew install ffmpeg; "
    "Windows: winget install Gyan.FFmpeg)",
}
INSTALL_HINT["ffprobe"] = INSTALL_HINT["ffmpeg"]


def find_tool(name: str) -> str:
    """Path of ``ffmpeg`` or ``ffprobe`` (``MOMENTS_FFMPEG``/``MOMENTS_FFPROBE`` override)."""
    override = os.environ.get(f"MOMENTS_{name.upper()}")
    found = override or shutil.which(name)
    if not found:
        raise ToolMissingError(f"{name} is not installed.", fix=INSTALL_HINT.get(name, ""))
    return found


@dataclass(frozen=True)
class Progress:
    """How far a job has come; ``fraction`` and ``eta`` are None when the length is unknown."""

    done_s: float
    fraction: float | None
    speed: float | None
    eta_s: float | None


ProgressCallback = Callable[[Progress], None]


def run_tool(args: Sequence[str], *, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    """Run a short ffprobe/ffmpeg query and return its output; raises ClipError on failure."""
    try:
        return subprocess.run(  # noqa: S603 - argument list, no shell
            list(args),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ClipError(f"{Path(args[0]).name} took longer than {timeout:.0f} s.") from exc
    except OSError as exc:
        raise ClipError(f"Could not start {args[0]}: {exc.strerror or exc}.") from exc


def run_ffmpeg(
    args: Sequence[str],
    *,
    duration_s: float | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    what: str = "ffmpeg",
    background: bool = False,
) -> None:
    """Run ``ffmpeg <args>`` to completion, reporting progress; raise on failure or cancel.

    ``args`` must not contain the program name. ``what`` names the job in error messages.
    ``background``: a long encode runs at a lower CPU priority, so the player and the
    window it shares the machine with stay smooth (it still gets every idle cycle).
    """
    cmd = [find_tool("ffmpeg"), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error"]
    cmd += ["-progress", "pipe:1", *args]
    log.debug("running %s", cmd)
    try:
        proc = subprocess.Popen(  # noqa: S603 - argument list, no shell
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            preexec_fn=_lower_priority if background and os.name == "posix" else None,
        )
    except OSError as exc:
        raise ClipError(f"Could not start ffmpeg for {what}: {exc.strerror or exc}.") from exc

    stderr_tail: collections.deque[str] = collections.deque(maxlen=40)
    err_reader = threading.Thread(
        target=_drain, args=(proc.stderr, stderr_tail.append), daemon=True, name="ffmpeg-stderr"
    )
    parser = _ProgressParser(duration_s, progress)
    out_reader = threading.Thread(
        target=_drain, args=(proc.stdout, parser.feed), daemon=True, name="ffmpeg-progress"
    )
    err_reader.start()
    out_reader.start()
    cancelled = False
    while True:
        try:
            proc.wait(timeout=0.05)  # returns the moment ffmpeg exits
            break
        except subprocess.TimeoutExpired:
            if cancel is not None and cancel.cancelled:
                cancelled = True
                parser.stop()  # a stopped ffmpeg still says progress=end: that is not done
                _stop(proc)
                break
    out_reader.join(timeout=5)
    err_reader.join(timeout=5)
    if cancelled:
        raise CancelledError(f"{what.capitalize()} cancelled.")
    lines = list(stderr_tail)
    if proc.returncode != 0 or _write_failed(lines):
        # ffmpeg exits 0 when only the trailer could not be written (a full disk).
        raise ffmpeg_failure(what, proc.returncode, lines)


def _write_failed(lines: list[str]) -> bool:
    text = "".join(lines).lower()
    return "no space left on device" in text or "error writing trailer" in text


def ffmpeg_failure(what: str, returncode: int, stderr_lines: list[str]) -> ClipError | StorageError:
    """The error for a failed ffmpeg run, from its exit code and last stderr lines."""
    stderr = "\n".join(line.rstrip() for line in stderr_lines if line.strip())
    lowered = stderr.lower()
    if "no space left on device" in lowered:
        return StorageError(f"The disk is full: {what} could not be written.", details=stderr)
    if "permission denied" in lowered:
        return StorageError(f"No permission to write the file for {what}.", details=stderr)
    if returncode < 0:
        return ClipError(
            f"ffmpeg stopped unexpectedly during {what} (signal {-returncode}).", stderr=stderr
        )
    last = _last_meaningful(stderr_lines)
    reason = f": {last}" if last else ""
    return ClipError(f"ffmpeg could not finish {what}{reason}", stderr=stderr)


def _last_meaningful(lines: list[str]) -> str:
    for line in reversed(lines):
        text = line.strip()
        if text and not text.startswith("Conversion failed"):
            return text[:200]
    return ""


BACKGROUND_NICE = 10
IDLE_NICE = 19
_IOPRIO_SET = {"x86_64": 251, "amd64": 251, "aarch64": 30, "arm64": 30, "i686": 289, "i386": 289}
"""The ``ioprio_set`` syscall's number per machine (Linux has no libc wrapper for it)."""
_IOPRIO_IDLE = 3 << 13
"""``IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0)``."""


def _lower_priority() -> None:
    """In the child, before ffmpeg starts: be nicer than the GUI and libVLC."""
    os.nice(BACKGROUND_NICE)


def idle_priority_hook() -> Callable[[], None] | None:
    """A ``preexec_fn`` that puts the child at the lowest priority there is: nice 19, the
    ``SCHED_IDLE`` CPU policy (it runs only when a core has nothing else to do) and the idle
    I/O class, each where the system has it. None off POSIX."""
    if os.name != "posix":
        return None
    syscall = None
    number = _IOPRIO_SET.get(platform.machine().lower()) if sys.platform == "linux" else None
    if number is not None:
        with contextlib.suppress(OSError, AttributeError):
            syscall = ctypes.CDLL(None, use_errno=True).syscall

    def hook() -> None:
        with contextlib.suppress(OSError):
            os.nice(IDLE_NICE)
        if hasattr(os, "SCHED_IDLE"):
            with contextlib.suppress(OSError):
                os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        if syscall is not None:
            syscall(number, 1, 0, _IOPRIO_IDLE)  # IOPRIO_WHO_PROCESS, this process

    return hook


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        proc.kill()


def _drain(stream: object, sink: Callable[[str], None]) -> None:
    assert hasattr(stream, "readline")
    for line in iter(stream.readline, ""):
        sink(line)


class _ProgressParser:
    """Reads ffmpeg's ``-progress`` key=value blocks and reports one Progress per block."""

    def __init__(self, duration_s: float | None, callback: ProgressCallback | None) -> None:
        self._duration = duration_s if duration_s and duration_s > 0 else None
        self._callback = callback
        self._done = 0.0
        self._speed: float | None = None
        self._stopped = False

    def stop(self) -> None:
        """Report nothing more (the run is being cancelled)."""
        self._stopped = True

    def feed(self, line: str) -> None:
        key, _, value = line.strip().partition("=")
        if key == "out_time_us" and value.lstrip("-").isdigit():
            self._done = max(0.0, int(value) / 1_000_000)
        elif key == "speed":
            try:
                self._speed = float(value.rstrip("x"))
            except ValueError:
                self._speed = None
        elif key == "progress" and self._callback is not None and not self._stopped:
            fraction = eta = None
            if self._duration:
                fraction = 1.0 if value == "end" else min(1.0, self._done / self._duration)
                if self._speed:
                    eta = max(0.0, (self._duration - self._done) / self._speed)
            self._callback(Progress(self._done, fraction, self._speed, eta))
