"""A live stream the player cannot reach: the ring stops trying when the player gives up,
and the Moments button says the stream failed (not that it "has only just started")."""

from __future__ import annotations

import socket

from pytestqt.qtbot import QtBot

from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow


def free_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_stream_stops_its_ring_and_c_says_it_failed(
    qtbot: QtBot, window: MainWindow
) -> None:
    url = f"http://127.0.0.1:{free_tcp_port()}/live/channel4/index.m3u8"
    window.open(url)
    controller = window.moments.controller
    assert controller is not None
    recorder = controller.recorder
    assert recorder is not None
    qtbot.waitUntil(lambda: window.player.state() == PlayerState.ERROR, timeout=20_000)
    qtbot.waitUntil(lambda: recorder.state == "stopped" and recorder.pid is None, timeout=10_000)
    runs = recorder.runs
    qtbot.wait(3000)  # the backoff would have tried again by now
    assert recorder.runs == runs and recorder.state == "stopped"

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.moments.capture_action.trigger()
    qtbot.waitUntil(window.toast.isVisible)
    text = window.toast.text.text()
    assert "channel4" in text and "could not be played" in text, text
    assert "only just started" not in text
