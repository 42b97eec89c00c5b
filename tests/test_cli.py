"""The `moments` command as a user types it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from moments import __version__
from moments.core.paths import AppDirs
from tests.support.framecode import CodedVideo

MOMENTS = [sys.executable, "-m", "moments"]


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(
        [*MOMENTS, *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"Moments {__version__}"


def test_doctor_passes_and_names_every_check() -> None:
    result = run("doctor")
    assert result.returncode == 0, result.stdout
    for name in ("libVLC", "libVLC video outputs", "ffmpeg encoders", "ffmpeg filters", "fonts"):
        assert f"] {name}:" in result.stdout
    assert "libx264" in result.stdout and "palettegen" in result.stdout
    warnings = result.stdout.count("[warn]")  # e.g. no keyring or emoji font on this machine
    assert ("All checks passed." in result.stdout) == (warnings == 0)
    assert "problem(s) found" not in result.stdout
    assert f"Log file: {AppDirs.from_environment().log_file}" in result.stdout


def test_doctor_fails_with_the_fix_when_ffmpeg_is_missing(tmp_path: Path) -> None:
    env = {**os.environ, "MOMENTS_FFMPEG": str(tmp_path / "no-ffmpeg")}
    env["PATH"] = "/nonexistent"
    result = run("doctor", env=env)
    assert result.returncode == 1
    assert "[FAIL] ffmpeg" in result.stdout
    assert "fix: sudo apt install ffmpeg" in result.stdout


def test_player_refuses_to_start_without_ffmpeg_and_says_why() -> None:
    env = {**os.environ, "PATH": "/nonexistent"}
    proc = subprocess.Popen([*MOMENTS], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        line = ""
        while time.monotonic() < deadline and "ffmpeg" not in line:
            line += proc.stderr.readline() if proc.stderr else ""
        assert "Moments cannot start" in line or "ffmpeg" in line
    finally:
        proc.kill()
        proc.wait()


def test_bad_arguments_exit_2() -> None:
    result = run("--no-such-flag")
    assert result.returncode == 2
    assert "usage: moments" in result.stderr


def test_moments_file_opens_and_plays(coded_video: CodedVideo) -> None:
    """`moments FILE` opens the window on FILE and starts playing it."""
    proc = subprocess.Popen([*MOMENTS, str(coded_video.path)])
    log = AppDirs.from_environment().log_file
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if log.exists() and "player playing: " + str(coded_video.path) in log.read_text():
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"never played; log:\n{log.read_text() if log.exists() else '(none)'}")
        title = subprocess.run(
            ["xdotool", "search", "--name", "coded 50fps.mp4"], capture_output=True, text=True
        )
        assert title.returncode == 0, "no window titled after the file"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.returncode == 0


def test_doctor_reports_a_missing_keyring() -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = run("doctor", env=env)
    assert result.returncode == 0, result.stdout  # the player works; posting is limited
    assert "[warn] system keyring:" in result.stdout
    assert "for this session only" in result.stdout
    assert "All checks passed." not in result.stdout
