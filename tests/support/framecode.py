"""Test media whose every frame carries its own number as a pixel code.

A row of 13 cells near the top of the picture: bits 0-11 of the frame number (white = 1),
then an even-parity cell. Big enough to survive scaling, H.264 and letterboxing, so the
frame on screen, in a captured clip or in an export can be read back exactly.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BITS = 12
CELLS = BITS + 1
COLUMNS = CELLS + 2
ROW_TOP, ROW_BOTTOM = 0.06, 0.22
SAMPLE_Y = (ROW_TOP + ROW_BOTTOM) / 2


@dataclass(frozen=True)
class CodedVideo:
    path: Path
    fps: int
    seconds: float
    size: tuple[int, int]

    @property
    def frames(self) -> int:
        return round(self.fps * self.seconds)

    def frame_at(self, seconds: float) -> int:
        return int(seconds * self.fps + 1e-9)


def draw_frame(number: int, width: int, height: int) -> np.ndarray:
    image = np.full((height, width, 3), 60, np.uint8)
    top, bottom = int(height * ROW_TOP), int(height * ROW_BOTTOM)
    bits = [(number >> b) & 1 for b in range(BITS)]
    bits.append(sum(bits) % 2)
    for cell, bit in enumerate(bits):
        left = width * (cell + 1) // COLUMNS
        right = width * (cell + 2) // COLUMNS
        image[top:bottom, left + 2 : right - 2] = 255 if bit else 0
    # Motion, so encoders and players treat it as real video.
    x = (number * 9) % max(1, width - width // 16)
    image[int(height * 0.5) : int(height * 0.8), x : x + width // 16] = (210, 60, 50)
    return image


def make_coded_video(
    path: Path,
    *,
    fps: int = 50,
    seconds: float = 20.0,
    size: tuple[int, int] = (640, 360),
    gop: int = 50,
    audio: bool = True,
    extra_args: list[str] | None = None,
) -> CodedVideo:
    """Encode a frame-coded H.264 (+ AAC tone) file. No B-frames: libVLC 3 seeks them
    imprecisely while paused (see docs/architecture.md)."""
    width, height = size
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24"]
    cmd += ["-s", f"{width}x{height}", "-r", str(fps), "-i", "-"]
    if audio:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    cmd += ["-c:v", "libx264", "-preset", "veryfast", "-g", str(gop), "-bf", "0"]
    cmd += ["-pix_fmt", "yuv420p", "-movflags", "+faststart"]
    if audio:
        cmd += ["-c:a", "aac", "-shortest"]
    cmd += [*(extra_args or []), str(path)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for number in range(round(fps * seconds)):
        proc.stdin.write(draw_frame(number, width, height).tobytes())
    proc.stdin.close()
    assert proc.wait() == 0, "ffmpeg failed to encode the frame-coded video"
    return CodedVideo(path, fps, seconds, size)


def decode_pixels(sample: Callable[[float, float], int]) -> int | None:
    """Read the code through ``sample(fx, fy)`` (relative position → luminance 0-255).
    None when no valid code is there (parity fails, or not our picture)."""
    bits = []
    for cell in range(CELLS):
        level = sample((cell + 1.5) / COLUMNS, SAMPLE_Y)
        if 70 <= level <= 185:
            return None
        bits.append(1 if level > 128 else 0)
    if sum(bits[:BITS]) % 2 != bits[BITS]:
        return None
    return sum(bit << b for b, bit in enumerate(bits[:BITS]))


def decode_array(frame: np.ndarray) -> int | None:
    """Decode an RGB (h, w, 3) array holding exactly the video picture."""
    height, width = frame.shape[:2]

    def sample(fx: float, fy: float) -> int:
        x, y = int(fx * width), int(fy * height)
        patch = frame[max(0, y - 2) : y + 3, max(0, x - 2) : x + 3]
        return int(patch.mean())

    return decode_pixels(sample)


def decode_file(path: Path, *, size: tuple[int, int] = (320, 180)) -> list[int | None]:
    """Every frame's code in a media file, in presentation order."""
    return list(iter_file_codes(path, size=size))


def iter_file_codes(path: Path, *, size: tuple[int, int] = (320, 180)) -> Iterator[int | None]:
    width, height = size
    cmd = ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v:0", "-vsync", "passthrough"]
    cmd += ["-vf", f"scale={width}:{height}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    frame_bytes = width * height * 3
    try:
        while True:
            chunk = proc.stdout.read(frame_bytes)
            if len(chunk) < frame_bytes:
                break
            yield decode_array(np.frombuffer(chunk, np.uint8).reshape(height, width, 3))
    finally:
        proc.stdout.close()
        proc.wait()
