"""Other media generated at test time."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def make_audio_only(path: Path, seconds: float = 8.0) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}", "-c:a", "aac", str(path))
    return path


def make_subtitles(path: Path, lines: list[tuple[float, float, str]]) -> Path:
    def stamp(t: float) -> str:
        ms = round(t * 1000)
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    blocks = [
        f"{i + 1}\n{stamp(a)} --> {stamp(b)}\n{text}\n" for i, (a, b, text) in enumerate(lines)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def corpus_dir() -> Path | None:
    """The shared real-media corpus: ``MOMENTS_CORPUS`` or ``../shared/media`` beside the repo."""
    configured = os.environ.get("MOMENTS_CORPUS")
    candidates = [Path(configured)] if configured else []
    candidates += [REPO.parent / "shared" / "media", Path("/work/shared/media")]
    for candidate in candidates:
        if (candidate / "SOURCES.md").is_file():
            return candidate
    return None
