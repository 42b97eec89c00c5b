"""Pressing the Moments button opens the editor on the moment at once; its edits are saved
under the moment once the capture stores it; Undo closes it; My Moments opens it again."""

from __future__ import annotations

import time

from pytestqt.qtbot import QtBot

from moments.core.edits import MomentEdits
from moments.ui.player.player import PlayerState
from tests.support.framecode import CodedVideo
from tests.ui.conftest import WindowFactory, wait_code, wait_state
from tests.ui.test_editor import frame_code


def test_the_press_opens_the_editor_which_saves_under_the_moment(
    qtbot: QtBot, make_window: WindowFactory, coded_video: CodedVideo
) -> None:
    window = make_window(edit_on_capture=True)
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    wait_code(qtbot, window, lambda c: c >= coded_video.frame_at(6.0), timeout=12_000)
    pressed = time.monotonic()
    job = window.moments.press()
    assert job is not None
    (editor,) = window.moments._pending_editors.values()
    assert job.task is None  # the cut waits for the preview's first picture (two cores)
    qtbot.waitUntil(editor.isVisible, timeout=1000)  # shown on the next turn of the loop
    assert time.monotonic() - pressed < 1.0
    start = job.moment.start
    qtbot.waitUntil(lambda: editor.preview.frame() is not None, timeout=10_000)
    assert (frame_code(editor.preview.frame()) or -1) >= coded_video.frame_at(start) - 1
    assert job.task is not None
    editor.model.set_hashtags(["#fast"])  # before the moment is stored
    qtbot.waitUntil(lambda: job.stored is not None, timeout=30_000)
    assert editor.model.moment.id == job.stored.id
    library = window.moments.library
    assert library is not None
    qtbot.waitUntil(
        lambda: MomentEdits.of(library.get(job.stored.id)).hashtags == ("#fast",), timeout=5000
    )
    editor.close()
    assert window.moments.editors == {}

    window.moments.show_panel()
    panel = window.moments.panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.list.count() == 1)
    panel.list.setCurrentRow(0)
    panel.edit_button.click()
    (again,) = window.moments.editors.values()
    assert again.model.edits.hashtags == ("#fast",)
    again.close()


def test_undo_in_the_toast_closes_the_editor(
    qtbot: QtBot, make_window: WindowFactory, coded_video: CodedVideo
) -> None:
    window = make_window(edit_on_capture=True)
    window.open(str(coded_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    wait_code(qtbot, window, lambda c: c >= coded_video.frame_at(4.0), timeout=12_000)
    job = window.moments.press()
    assert job is not None
    (editor,) = window.moments._pending_editors.values()
    with qtbot.waitSignal(editor.closed, timeout=5000):
        window.toast.button.click()  # Undo
    library = window.moments.library
    assert library is not None
    qtbot.waitUntil(lambda: library.list_moments() == [], timeout=30_000)
