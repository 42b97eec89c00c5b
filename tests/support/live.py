"""Local network sources on 127.0.0.1 for the capture and ring tests (and the bench).

- ``UdpSender``: ``ffmpeg -re`` sends a file as MPEG-TS over UDP, in real time; it can be
  stopped and started again later in the file, like a stream that drops and comes back.
- ``HlsSource``: ``ffmpeg -re`` writes a live HLS playlist into a folder served over HTTP.
- ``serve_file_slowly``: an HTTP server (with Range) that trickles one file, so a job
  reading it takes long enough to be cancelled mid-way.
"""

from __future__ import annotations

import contextlib
import http.server
import itertools
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tests.support.http import QuietHandler, serve_folder

FFMPEG = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error"]


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ProgressClock:
    """Where an ``ffmpeg -progress`` run was, by monotonic time: each report's ``out_time``
    stamped as it is read. ``at(w)`` interpolates between reports; past the last one it
    runs on in real time, as ``-re`` sends."""

    def __init__(self, pipe: IO[bytes], offset: float = 0.0) -> None:
        self._offset = offset
        self._samples: list[tuple[float, float]] = []
        self._reader = threading.Thread(target=self._read, args=(pipe,), name="sender-progress")
        self._reader.start()

    def _read(self, pipe: IO[bytes]) -> None:
        with pipe:
            for line in pipe:
                key, _, value = line.decode(errors="replace").strip().partition("=")
                if key == "out_time_us" and value.isdigit():
                    self._samples.append((time.monotonic(), self._offset + int(value) / 1e6))

    def at(self, wall: float) -> float:
        samples = list(self._samples)
        assert samples, "the sender has reported no progress"
        for (w0, t0), (w1, t1) in itertools.pairwise(samples):
            if w0 <= wall <= w1:
                return t0 + (t1 - t0) * (wall - w0) / max(w1 - w0, 1e-9)
        w, t = samples[0] if wall < samples[0][0] else samples[-1]
        return max(self._offset, t + (wall - w))

    def join(self) -> None:
        self._reader.join(timeout=5)


class UdpSender:
    """Send ``path`` in real time to ``udp://127.0.0.1:port`` as MPEG-TS.

    ``started_at`` is the monotonic time at which the file's t=0 was (or would have been)
    sent, were ffmpeg to start at once and keep pace; ``time_on_wire(w)`` is where the sender
    really was at ``w``, from its own progress reports (a loaded machine starts it late).
    """

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.started_at = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._progress: ProgressClock | None = None

    @property
    def url(self) -> str:
        return f"udp://127.0.0.1:{self.port}"

    def time_on_wire(self, wall: float) -> float:
        """The file time being sent at monotonic time ``wall`` (of the latest start)."""
        assert self._progress is not None, "never started"
        return self._progress.at(wall)

    def start(self, at: float = 0.0) -> None:
        """Start sending from ``at`` seconds into the file."""
        cmd = [*FFMPEG, "-re", "-ss", f"{at:.3f}", "-i", str(self.path), "-map", "0", "-c", "copy"]
        cmd += ["-f", "mpegts", f"{self.url}?pkt_size=1316"]
        cmd += ["-progress", "pipe:1", "-stats_period", "0.1"]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        self.started_at = time.monotonic() - at
        assert self._proc.stdout is not None
        self._progress = ProgressClock(self._proc.stdout, offset=at)

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None
        if self._progress is not None:
            self._progress.join()

    def __enter__(self) -> UdpSender:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class HlsSource:
    """A live HLS stream of ``path`` (1 s segments), served on 127.0.0.1 while in use."""

    def __init__(self, path: Path, folder: Path) -> None:
        self.path = path
        self.folder = folder
        self.started_at = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._serving: contextlib.ExitStack | None = None
        self.url = ""

    def __enter__(self) -> HlsSource:
        self.folder.mkdir(parents=True, exist_ok=True)
        cmd = [*FFMPEG, "-re", "-i", str(self.path), "-map", "0", "-c", "copy", "-f", "hls"]
        cmd += ["-hls_time", "1", "-hls_list_size", "6", "-hls_flags", "delete_segments"]
        cmd += [str(self.folder / "live.m3u8")]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        self.started_at = time.monotonic()
        self._serving = contextlib.ExitStack()
        base = self._serving.enter_context(serve_folder(self.folder))
        self.url = base + "live.m3u8"
        deadline = time.monotonic() + 10
        while not (self.folder / "live.m3u8").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
        if self._serving is not None:
            self._serving.close()


@contextlib.contextmanager
def serve_file_slowly(path: Path, bytes_per_s: int) -> Iterator[str]:
    """Serve ``path`` over HTTP (Range supported) at about ``bytes_per_s``; yields its URL."""
    data = path.read_bytes()

    class Slow(QuietHandler):
        def do_GET(self) -> None:
            start, end = 0, len(data) - 1
            match = re.match(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
            if match:
                start = int(match.group(1))
                end = int(match.group(2)) if match.group(2) else end
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", str(end - start + 1))
            self.end_headers()
            chunk = max(1024, bytes_per_s // 20)
            with contextlib.suppress(OSError):
                for offset in range(start, end + 1, chunk):
                    self.wfile.write(data[offset : min(end + 1, offset + chunk)])
                    time.sleep(chunk / bytes_per_s)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/media{path.suffix}"
    finally:
        server.shutdown()
        server.server_close()
