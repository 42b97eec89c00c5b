"""`moments --self-test`: exit 0 when the demo film really plays, else 1 with one line why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from moments.core.paths import AppDirs
from moments.media.demo import demo_film_path, make_demo
from moments.ui.self_test import START_AT_S

MOMENTS = [sys.executable, "-m", "moments"]


@pytest.fixture(scope="session")
def short_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A quarter-length, quarter-size demo film: the self-test starts 8 s in, on colour."""
    folder = tmp_path_factory.mktemp("demo")
    film = make_demo(folder, scale=0.25, size=(640, 360))
    assert START_AT_S + 4 < 30
    return film


@pytest.fixture
def demo_ready(short_demo: Path) -> Path:
    folder = AppDirs.from_environment().demo
    folder.mkdir(parents=True)
    for part in (short_demo, short_demo.with_suffix(".srt")):
        shutil.copy(part, folder / part.name)
    return demo_film_path(folder)


def self_test(env: dict[str, str] | None = None, timeout: float = 90):
    started = time.monotonic()
    result = subprocess.run(
        [*MOMENTS, "--self-test"], capture_output=True, text=True, timeout=timeout, env=env
    )
    return result, time.monotonic() - started


def test_self_test_plays_the_demo_and_exits_0(demo_ready: Path) -> None:
    result, seconds = self_test()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("moments self-test: ok — played the demo film from 0:0")
    assert "picture on screen (xcb)" in result.stdout
    assert seconds < 30
    dirs = AppDirs.from_environment()
    assert not dirs.history_file.exists(), "the self-test leaves the user's history alone"
    assert not dirs.library_file.exists(), "and captures nothing"


def one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("moments self-test: FAILED: ")
    return lines[0]


def test_without_ffmpeg_it_says_so(demo_ready: Path) -> None:
    result, _ = self_test({**os.environ, "PATH": "/nonexistent"})
    line = one_line_failure(result)
    assert "ffmpeg" in line and "Fix: sudo apt install ffmpeg" in line


def test_without_a_display_it_says_so(demo_ready: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result, _ = self_test(env)
    assert "no display" in one_line_failure(result)


def test_no_picture_is_a_failure(demo_ready: Path) -> None:
    env = {**os.environ, "MOMENTS_VLC_ARGS": "--aout=adummy --no-video"}
    result, _ = self_test(env)
    assert "stayed black" in one_line_failure(result)


def test_a_film_that_cannot_play_is_a_failure(demo_ready: Path) -> None:
    demo_ready.write_bytes(b"not a film at all" * 1000)
    result, seconds = self_test()
    line = one_line_failure(result)
    assert "could not be played" in line or "no playback" in line or "stopped early" in line
    assert seconds < 60


def test_the_timeout_is_hard(demo_ready: Path) -> None:
    """A timeout shorter than the film takes to start: it gives up and says where it was."""
    demo_ready.unlink()  # the film must be made first, which takes longer than 10 s
    env = {**os.environ, "MOMENTS_SELF_TEST_TIMEOUT": "10"}
    result, seconds = self_test(env)
    assert "gave up after 10 s while making the demo film" in one_line_failure(result)
    assert seconds < 40
