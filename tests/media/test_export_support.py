"""Helpers shared by the export tests (no tests here): media made at test time, frames read
back, ffprobe facts. The small disk that fills up is ``tests/support/disk.py``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from tests.support.media import ffmpeg

REPO = Path(__file__).resolve().parents[2]


def ffprobe_json(path: Path, *entries: str) -> dict[str, Any]:
    args = ["ffprobe", "-v", "error", "-of", "json", "-show_entries", ":".join(entries)]
    out = subprocess.run([*args, str(path)], capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out))


def video_stream(path: Path) -> dict[str, Any]:
    fields = "stream=codec_type,codec_name,width,height,sample_aspect_ratio,pix_fmt,"
    fields += "r_frame_rate,avg_frame_rate,field_order,color_transfer,nb_frames,profile"
    data = ffprobe_json(path, fields, "stream_side_data=rotation", "format=duration")
    streams = [s for s in data["streams"] if s["codec_type"] == "video"]
    assert streams, f"no video in {path}"
    return {**streams[0], "format_duration": float(data["format"]["duration"])}


def decodes_cleanly(path: Path) -> bool:
    """Every packet decodes without an error message."""
    result = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and not result.stderr.strip()


def frame_at(path: Path, seconds: float) -> np.ndarray:
    """The RGB frame shown at ``seconds`` in ``path``, at its own size."""
    info = video_stream(path)
    width, height = int(info["width"]), int(info["height"])
    cmd = ["ffmpeg", "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(path), "-frames:v", "1"]
    cmd += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(raw[: width * height * 3], np.uint8).reshape(height, width, 3)


def make_noise_video(path: Path, *, seconds: float = 6, size: str = "640x360") -> Path:
    """Hard-to-compress video (moving test pattern plus grain), with a tone."""
    ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=s={size}:r=30:d={seconds},noise=alls=40:allf=t",
        "-f", "lavfi", "-i", f"sine=frequency=300:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", str(path),
    )  # fmt: skip
    return path


def make_block_png(path: Path, size: tuple[int, int], box: tuple[int, int, int, int]) -> Path:
    """A transparent PNG of ``size`` with an opaque magenta rectangle at ``box``."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle(box, fill=(255, 0, 255, 255))
    image.save(path)
    return path


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
