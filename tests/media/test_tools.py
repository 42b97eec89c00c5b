"""Running the real ffmpeg: progress, cancel, failures that read well."""

import threading
from pathlib import Path

import pytest

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, ClipError, StorageError, ToolMissingError
from moments.media.tools import Progress, find_tool, run_ffmpeg

TONE = ["-f", "lavfi", "-i", "sine=frequency=440:duration={d}"]


def tone_args(seconds: float, out: Path) -> list[str]:
    return ["-y", *(a.format(d=seconds) for a in TONE), "-c:a", "aac", str(out)]


def test_progress_reaches_the_end(tmp_path: Path) -> None:
    seen: list[Progress] = []
    run_ffmpeg(tone_args(20, tmp_path / "t.m4a"), duration_s=20, progress=seen.append)
    assert seen and seen[-1].fraction == 1.0
    assert all(0 <= (p.fraction or 0) <= 1 for p in seen)
    assert (tmp_path / "t.m4a").stat().st_size > 1000


def test_cancel_stops_the_process_promptly(tmp_path: Path) -> None:
    token = CancelToken()
    timer = threading.Timer(0.3, token.cancel)
    timer.start()
    slow = ["-re", "-f", "lavfi", "-i", "testsrc2=d=30", "-f", "null", "-"]
    with pytest.raises(CancelledError):
        run_ffmpeg(slow, duration_s=30, cancel=token)
    timer.cancel()


def test_failure_names_the_reason(tmp_path: Path) -> None:
    with pytest.raises(ClipError) as caught:
        run_ffmpeg(["-i", str(tmp_path / "missing.mp4"), "-f", "null", "-"], what="the test")
    assert "could not finish the test" in str(caught.value)
    assert "No such file" in str(caught.value)


def test_full_disk_is_a_storage_error() -> None:
    args = ["-y", *(a.format(d=2) for a in TONE), "-f", "adts", "/dev/full"]
    with pytest.raises(StorageError) as caught:
        run_ffmpeg(args, what="the clip")
    assert "disk is full" in str(caught.value)


def test_missing_tool_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolMissingError) as caught:
        find_tool("ffmpeg")
    assert "apt install ffmpeg" in caught.value.fix


def test_a_cancelled_run_never_reports_that_it_ended(tmp_path: Path) -> None:
    """ffmpeg stopped by a cancel still writes ``progress=end``: that is not 100 %."""
    token = CancelToken()
    seen: list[Progress] = []

    def cancel_soon(p: Progress) -> None:
        seen.append(p)
        if p.done_s > 0.5:
            token.cancel()

    slow = ["-re", "-f", "lavfi", "-i", "testsrc2=d=30", "-f", "null", "-"]
    with pytest.raises(CancelledError):
        run_ffmpeg(slow, duration_s=30, progress=cancel_soon, cancel=token)
    assert seen and all((p.fraction or 0) < 0.5 for p in seen), seen[-1]
