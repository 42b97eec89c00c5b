"""ffmpeg output read from its pipe: bytes as they come, cancel, timeout and failures."""

import time

import pytest

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, ClipError
from moments.media.pipe import stream_ffmpeg

ENDLESS = ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25", "-f", "rawvideo", "pipe:1"]


def test_delivers_all_output() -> None:
    out = bytearray()
    frame = 64 * 48 * 3
    args = ["-f", "lavfi", "-i", "testsrc2=s=64x48:r=10:d=2", "-pix_fmt", "rgb24"]
    stream_ffmpeg([*args, "-f", "rawvideo", "pipe:1"], out.extend)
    assert len(out) == 20 * frame


def test_cancel_stops_a_running_ffmpeg_at_once() -> None:
    token = CancelToken()
    seen: list[int] = []

    def on_data(chunk: bytes) -> None:
        seen.append(len(chunk))
        token.cancel()

    began = time.monotonic()
    with pytest.raises(CancelledError):
        stream_ffmpeg(ENDLESS, on_data, cancel=token, what="the test")
    assert seen and time.monotonic() - began < 5


def test_timeout_and_failure_are_clip_errors() -> None:
    with pytest.raises(ClipError, match="longer than 1 s"):
        stream_ffmpeg(ENDLESS, lambda chunk: None, timeout=1.0)
    with pytest.raises(ClipError, match="could not finish the test") as info:
        stream_ffmpeg(["-i", "/nonexistent/file.mkv", "-f", "srt", "pipe:1"], bytes,
                      what="the test")  # fmt: skip
    assert "No such file" in info.value.stderr


def test_an_error_in_the_consumer_stops_ffmpeg() -> None:
    def explode(chunk: bytes) -> None:
        raise ValueError("consumer failed")

    with pytest.raises(ValueError, match="consumer failed"):
        stream_ffmpeg(ENDLESS, explode)
