"""One player: a second `moments FILE` hands FILE to the running window and exits."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from moments.core.paths import AppDirs
from moments.ui import single_instance
from moments.ui.player.player import PlayerState
from tests.support.framecode import CodedVideo
from tests.ui.conftest import WindowFactory, wait_state

MOMENTS = [sys.executable, "-m", "moments"]


def wait_for_log(text: str, timeout: float = 30) -> str:
    log = AppDirs.from_environment().log_file
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = log.read_text() if log.exists() else ""
        if text in content:
            return content
        time.sleep(0.1)
    pytest.fail(f"{text!r} never logged; log:\n{log.read_text() if log.exists() else '(none)'}")


def test_a_second_moments_hands_its_file_to_the_first(
    coded_video: CodedVideo, long_video: CodedVideo
) -> None:
    """Two real processes: the second exits 0 at once and the first plays its file."""
    first = subprocess.Popen([*MOMENTS, str(coded_video.path)])
    try:
        wait_for_log("single instance: listening on")
        wait_for_log(f"player playing: {coded_video.path}")
        started = time.monotonic()
        second = subprocess.run(
            [*MOMENTS, str(long_video.path)], capture_output=True, text=True, timeout=30
        )
        assert second.returncode == 0, second.stderr
        assert time.monotonic() - started < 15
        wait_for_log(f"opening {long_video.path} for another instance")
        wait_for_log(f"player playing: {long_video.path}")
        windows = subprocess.run(
            ["xdotool", "search", "--name", "long film.mp4"], capture_output=True, text=True
        )
        assert len(windows.stdout.split()) == 1, "one window, titled after the handed file"
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(timeout=20)
    assert first.returncode == 0
    assert not Path(single_instance.server_name()).exists(), "the socket goes with the process"


def test_the_running_window_opens_what_a_later_process_sends(
    qtbot: QtBot, make_window: WindowFactory, coded_video: CodedVideo, tmp_path: Path
) -> None:
    window = make_window()
    server = single_instance.claim([])
    assert server is not None and server.is_listening()
    server.open_requested.connect(lambda found: single_instance.present(window, found))
    try:
        window.showMinimized()
        # A relative path, from another folder: the sender makes it absolute.
        relative = os.path.relpath(coded_video.path, tmp_path)
        with qtbot.waitSignal(server.open_requested, timeout=20_000) as received:
            proc = subprocess.Popen([*MOMENTS, relative], cwd=tmp_path)
        assert received.args == [[str(coded_video.path)]]
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20_000)
        assert proc.returncode == 0
        wait_state(qtbot, window, PlayerState.PLAYING)
        assert window.player.location() == str(coded_video.path)
        assert not window.isMinimized() and window.isVisible()
    finally:
        server.close()


def test_no_location_just_brings_the_window_forward(qtbot: QtBot) -> None:
    server = single_instance.claim([])
    assert server is not None
    try:
        with qtbot.waitSignal(server.open_requested, timeout=20_000) as received:
            proc = subprocess.Popen(MOMENTS)
        assert received.args == [[]]
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20_000)
        assert proc.returncode == 0
    finally:
        server.close()


def test_a_stale_socket_from_a_crashed_instance_is_taken_over() -> None:
    name = single_instance.server_name()
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(name)  # bound, never listening, then dropped: what a crash leaves
    stale.close()
    assert Path(name).exists()
    server = single_instance.claim(["/nowhere.mp4"])
    try:
        assert server is not None and server.is_listening()
    finally:
        server.close()


def test_unreadable_requests_are_dropped_and_the_server_keeps_serving(qtbot: QtBot) -> None:
    server = single_instance.claim([])
    assert server is not None
    seen: list[list[str]] = []
    server.open_requested.connect(seen.append)
    try:
        for junk in (b"not json\n", b'{"open": [1, 2]}\n', b"x" * 70_000):
            raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            raw.connect(single_instance.server_name())
            raw.sendall(junk)
            raw.setblocking(False)
            closed: list[bool] = []

            def hung_up(raw: socket.socket = raw, closed: list[bool] = closed) -> bool:
                try:
                    closed.append(raw.recv(16) == b"")
                except BlockingIOError:
                    return False
                return closed[-1]

            qtbot.waitUntil(hung_up, timeout=5000)
            raw.close()
        assert seen == []
        with qtbot.waitSignal(server.open_requested, timeout=20_000) as received:
            proc = subprocess.Popen([*MOMENTS, "https://example.invalid/live.m3u8"])
        assert received.args == [["https://example.invalid/live.m3u8"]]
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20_000)
        assert proc.returncode == 0
    finally:
        server.close()


def test_an_instance_that_does_not_answer_is_reported_not_waited_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    name = str(tmp_path / "busy")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(name)
    listener.listen(1)  # accepts connections, never answers: a hung Moments
    monkeypatch.setenv("MOMENTS_INSTANCE_NAME", name)
    monkeypatch.setattr(single_instance, "ANSWER_MS", 500)
    try:
        started = time.monotonic()
        with pytest.raises(single_instance.InstanceBusyError, match="--new-window"):
            single_instance.claim(["/some/file.mp4"])
        assert time.monotonic() - started < 5
    finally:
        listener.close()


def test_new_window_skips_the_hand_off(coded_video: CodedVideo) -> None:
    server = single_instance.claim([])
    assert server is not None
    try:
        proc = subprocess.Popen([*MOMENTS, "--new-window", str(coded_video.path)])
        try:
            wait_for_log(f"player playing: {coded_video.path}")
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        assert proc.returncode == 0
    finally:
        server.close()


def test_file_urls_from_the_desktop_arrive_as_paths(qtbot: QtBot, coded_video: CodedVideo) -> None:
    """`Exec=moments %U`: file managers pass file:// URLs, spaces percent-encoded."""
    server = single_instance.claim([])
    assert server is not None
    try:
        with qtbot.waitSignal(server.open_requested, timeout=20_000) as received:
            proc = subprocess.Popen([*MOMENTS, coded_video.path.as_uri()])
        assert "%20" in coded_video.path.as_uri()
        assert received.args == [[str(coded_video.path)]]
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20_000)
        assert proc.returncode == 0
    finally:
        server.close()
