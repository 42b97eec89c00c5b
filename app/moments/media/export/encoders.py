"""Hardware H.264 encoders (VAAPI, NVENC, Quick Sync, VideoToolbox), used only once a one-frame
test encode has worked: ``ffmpeg -encoders`` lists every encoder ffmpeg was built with, not
the ones this machine can run. Results are cached per ffmpeg binary in the cache folder."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from moments.core.atomic import write_atomic
from moments.core.errors import ClipError, StorageError
from moments.media.tools import find_tool, run_tool

log = logging.getLogger(__name__)

CACHE_NAME = "hw-encoders.json"
VAAPI_DEVICE = "/dev/dri/renderD128"


@dataclass(frozen=True)
class HardwareEncoder:
    name: str
    input_args: tuple[str, ...] = ()
    """Global options placed before the inputs (a device to open)."""
    upload_filter: str = ""
    """Appended to the video filter chain to hand frames to the device."""
    pix_fmt: str = "yuv420p"
    """Output pixel format; empty when the upload filter already sets it."""

    def quality_args(self, crf: int) -> list[str]:
        """Constant-quality rate control roughly matching x264 ``-crf``."""
        if self.name == "h264_nvenc":
            return ["-rc:v", "vbr", "-cq:v", str(crf), "-b:v", "0"]
        if self.name == "h264_qsv":
            return ["-global_quality:v", str(crf)]
        if self.name == "h264_vaapi":
            return ["-rc_mode:v", "CQP", "-qp:v", str(crf)]
        return ["-q:v", str(max(1, min(100, 100 - 2 * crf)))]  # VideoToolbox

    def bitrate_args(self, kbps: int) -> list[str]:
        return ["-b:v", f"{kbps}k", "-maxrate:v", f"{kbps}k", "-bufsize:v", f"{2 * kbps}k"]


CANDIDATES: tuple[HardwareEncoder, ...] = (
    HardwareEncoder("h264_videotoolbox"),
    HardwareEncoder("h264_nvenc"),
    HardwareEncoder("h264_qsv", pix_fmt="nv12"),
    HardwareEncoder(
        "h264_vaapi",
        input_args=("-vaapi_device", VAAPI_DEVICE),
        upload_filter="format=nv12,hwupload",
        pix_fmt="",
    ),
)


def listed_encoders() -> frozenset[str]:
    """Encoder names in ``ffmpeg -encoders`` (built in, not necessarily usable)."""
    out = run_tool([find_tool("ffmpeg"), "-hide_banner", "-encoders"]).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 6 and parts[0][0] in "VAS":
            names.add(parts[1])
    return frozenset(names)


def one_frame_test(encoder: HardwareEncoder) -> bool:
    """Encode one small frame with ``encoder``; True when ffmpeg succeeds."""
    args = [find_tool("ffmpeg"), "-hide_banner", "-nostdin", "-v", "error", *encoder.input_args]
    args += ["-f", "lavfi", "-i", "color=c=gray:s=256x144:r=25:d=0.2", "-frames:v", "1"]
    if encoder.upload_filter:
        args += ["-vf", encoder.upload_filter]
    args += ["-c:v", encoder.name, "-f", "null", "-"]
    try:
        result = run_tool(args, timeout=20)
    except ClipError:
        return False
    return result.returncode == 0


def working_encoders(cache_dir: Path, *, refresh: bool = False) -> list[HardwareEncoder]:
    """The hardware encoders that passed the one-frame test, best first (cached)."""
    ffmpeg = find_tool("ffmpeg")
    stamp = _binary_stamp(ffmpeg)
    cache = cache_dir / CACHE_NAME
    results = None if refresh else _read_cache(cache, stamp)
    if results is None:
        listed = listed_encoders()
        results = {c.name: c.name in listed and one_frame_test(c) for c in CANDIDATES}
        try:
            payload = {"ffmpeg": stamp, "results": results}
            write_atomic(cache, json.dumps(payload, indent=2).encode("utf-8"))
        except StorageError as exc:
            log.warning("could not cache the hardware encoder test: %s", exc)
    return [c for c in CANDIDATES if results.get(c.name)]


def _binary_stamp(path: str) -> str:
    try:
        stat = Path(path).stat()
    except OSError:
        return path
    return f"{Path(path).resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def _read_cache(path: Path, stamp: str) -> dict[str, bool] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("ffmpeg") != stamp:
        return None
    results = data.get("results")
    if not isinstance(results, dict):
        return None
    return {str(k): bool(v) for k, v in results.items()}
