"""Scene snapping in the real window: a press keeps the scene (a shot change to a line's
end); a press before the analysis got there is padded and moved when it arrives (one undo
step, a note); the editor's filmstrip shows the cuts and its handles snap to them; the
background analysis waits while an editor is open."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from moments.core.edits import kept_range
from moments.ui.editor import EditorWindow
from moments.ui.editor.filmstrip_strip import Handle
from moments.ui.moments.capture import Capture
from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.media import make_subtitles
from tests.support.scenes import FPS, SceneFilm
from tests.ui.conftest import WindowFactory, wait_state

pytestmark = pytest.mark.timeout(300)

LINES = [(17.0, 18.5, "Over here."), (20.5, 21.0, "and then")]
PRESS = 16.0


def subtitled_film(scene_film: SceneFilm, folder: Path) -> Path:
    """The synthetic film (cuts at 2, 4, 6, 8 s…) with a subtitle file beside it."""
    film = folder / "scene film.mp4"
    shutil.copyfile(scene_film.path, film)
    make_subtitles(film.with_suffix(".srt"), LINES)
    return film


def open_paused_at(qtbot: QtBot, window: MainWindow, film: Path, t: float) -> None:
    window.open(str(film), start_at=t)
    wait_state(qtbot, window, PlayerState.PLAYING)
    window.player.pause()
    wait_state(qtbot, window, PlayerState.PAUSED)
    window.player.seek(t)
    qtbot.waitUntil(lambda: abs(window.player.playhead() - t) < 0.02, timeout=5000)


def scenes(window: MainWindow):  # type: ignore[no-untyped-def]
    link = window.moments.scenes
    assert link is not None
    return link


def cut_times(scene_film: SceneFilm) -> set[float]:
    return {round(t.frame / FPS, 3) for t in scene_film.truths if t.kind == "cut"}


def test_a_press_keeps_the_scene_from_a_cut_to_the_end_of_a_line(
    qtbot: QtBot, make_window: WindowFactory, scene_film: SceneFilm, tmp_path: Path
) -> None:
    window = make_window()
    film = subtitled_film(scene_film, tmp_path)
    open_paused_at(qtbot, window, film, PRESS)
    analysis = scenes(window).analysis
    qtbot.waitUntil(lambda: (analysis.facts() or None) is not None
                    and analysis.facts().ready_for(PRESS), timeout=60_000)  # fmt: skip
    controller = window.moments.controller
    assert controller is not None
    with qtbot.waitSignal(controller.saved, timeout=30_000) as saved:
        qtbot.keyClick(window, Qt.Key.Key_C)
    job = saved.args[0]
    assert isinstance(job, Capture) and job.stored is not None
    stored = job.stored
    start, end = kept_range(stored)
    assert round(start, 3) in cut_times(scene_film) and start == pytest.approx(6.0)
    assert end == pytest.approx(18.5)  # "Over here." ends; the clock's 21.0 is mid-scene
    assert (stored.start_why, stored.end_why) == ("cut", "sentence")
    again = window.moments.library.get(stored.id)  # type: ignore[union-attr]
    assert again is not None and (again.start_why, again.end_why) == ("cut", "sentence")
    assert kept_range(again) == (start, end)
    length = scene_film.frames / FPS
    assert stored.start == 0.0 and stored.end == pytest.approx(length, abs=0.1)  # room to move


def test_a_press_before_the_analysis_is_padded_then_moved_in_one_undo_step(
    qtbot: QtBot, make_window: WindowFactory, scene_film: SceneFilm, tmp_path: Path
) -> None:
    window = make_window(edit_on_capture=True)
    analysis = scenes(window).analysis
    analysis.hold("test: the background analysis gets nowhere")
    film = subtitled_film(scene_film, tmp_path)
    open_paused_at(qtbot, window, film, PRESS)
    assert analysis.facts() is None or not analysis.facts().ready_for(PRESS)
    controller = window.moments.controller
    assert controller is not None
    with qtbot.waitSignal(controller.pressed, timeout=5000) as pressed:
        qtbot.keyClick(window, Qt.Key.Key_C)
    job = pressed.args[0]
    (editor,) = window.moments._pending_editors.values()
    assert isinstance(editor, EditorWindow)
    moment = job.moment
    clock = (PRESS - 3.0, PRESS + 5.0)  # the clock's, from where the viewing began (3 s back)
    assert kept_range(moment) == pytest.approx(clock)  # for now
    assert moment.start == 0.0 and moment.end == pytest.approx(scene_film.frames / FPS, abs=0.1)
    assert "will move" in editor.scene.note.text()
    steps = editor.model.undo_stack.count()
    qtbot.waitUntil(lambda: editor.model.edits.trim(editor.model.moment) == (6.0, 18.5),
                    timeout=60_000)  # fmt: skip
    assert editor.model.undo_stack.count() == steps + 1  # one undo step
    assert editor.model.undo_stack.undoText() == "Snap to the scene"
    note = editor.scene.note
    assert note.isVisible() and "shot change" in note.text() and "line ends" in note.text()
    assert editor.timeline.trim() == (6.0, 18.5)
    qtbot.waitUntil(lambda: job.stored is not None, timeout=30_000)
    library = window.moments.library
    assert library is not None
    qtbot.waitUntil(lambda: library.get(job.stored.id).start_why == "cut", timeout=10_000)
    qtbot.waitUntil(lambda: kept_range(library.get(job.stored.id)) == (6.0, 18.5), timeout=10_000)
    assert library.get(job.stored.id).end_why == "sentence"
    editor.model.undo_stack.undo()  # back to the clock's ends, in one step
    assert editor.model.edits.trim(editor.model.moment) == pytest.approx(clock)
    editor.close()


def test_the_filmstrip_shows_the_cuts_and_its_handles_snap_to_them(
    qtbot: QtBot, make_window: WindowFactory, scene_film: SceneFilm, tmp_path: Path
) -> None:
    window = make_window(edit_on_capture=True)
    film = subtitled_film(scene_film, tmp_path)
    open_paused_at(qtbot, window, film, PRESS)
    analysis = scenes(window).analysis
    qtbot.waitUntil(lambda: analysis.facts() is not None and analysis.facts().complete,
                    timeout=60_000)  # fmt: skip
    window.moments.press()
    (editor,) = window.moments._pending_editors.values()
    qtbot.waitUntil(editor.isVisible, timeout=5000)
    strip = editor.timeline.strip
    qtbot.waitUntil(lambda: len(strip.marks()) > 3, timeout=10_000)
    cuts = [m.time for m in strip.marks() if m.kind == "cut"]
    assert {2.0, 4.0, 6.0, 8.0, 13.28, 15.28} <= {round(t, 2) for t in cuts}
    assert [m.time for m in strip.marks() if m.kind == "sentence"] == [18.5]
    assert editor.timeline.trim() == (6.0, 18.5)

    def drag_in_to(x: float, modifier: Qt.KeyboardModifier) -> float:
        """Drag the in handle so that its time would be at pixel ``x``."""
        handle = strip.handle_rect(Handle.IN).center().toPoint()
        qtbot.mousePress(strip, Qt.MouseButton.LeftButton, pos=handle)
        target = QPoint(round(x + handle.x() - strip.x_at(strip.in_point())), handle.y())
        where, screen = QPointF(target), QPointF(strip.mapToGlobal(target))
        buttons = Qt.MouseButton.LeftButton
        move = QMouseEvent(QEvent.Type.MouseMove, where, screen, Qt.MouseButton.NoButton, buttons,
                           modifier)  # fmt: skip
        QApplication.sendEvent(strip, move)
        qtbot.mouseRelease(strip, Qt.MouseButton.LeftButton, pos=target)
        return editor.model.edits.trim(editor.model.moment)[0]

    x_cut = strip.x_at(4.0)
    assert drag_in_to(x_cut + 4, Qt.KeyboardModifier.NoModifier) == 4.0  # snapped
    free = drag_in_to(x_cut + 4, Qt.KeyboardModifier.AltModifier)
    assert free == pytest.approx(strip.time_at(x_cut + 4), abs=0.05) and free != 4.0

    strip.setFocus()
    strip.set_focused_handle(Handle.IN)
    qtbot.keyClick(strip, Qt.Key.Key_Down)  # the next shot change
    assert editor.model.edits.trim(editor.model.moment)[0] == 6.0
    qtbot.keyClick(strip, Qt.Key.Key_Up)
    assert editor.model.edits.trim(editor.model.moment)[0] == 4.0
    qtbot.keyClick(strip, Qt.Key.Key_Period)  # , and . still step one frame
    assert editor.model.edits.trim(editor.model.moment)[0] == pytest.approx(4.0 + 1 / FPS)
    qtbot.keyClick(strip, Qt.Key.Key_BracketRight)
    qtbot.keyClick(strip, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)  # no line end before
    qtbot.keyClick(strip, Qt.Key.Key_Up)  # the dissolve before the line's end: out where it starts
    (dissolve,) = [m for m in strip.marks() if m.span is not None and 15.28 < m.end_time < 18.5]
    assert editor.model.edits.trim(editor.model.moment)[1] == pytest.approx(dissolve.end_time)
    qtbot.keyClick(strip, Qt.Key.Key_Up)  # the cut before it
    assert editor.model.edits.trim(editor.model.moment)[1] == pytest.approx(15.28, abs=0.01)
    editor.close()


def _stopped(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # gone
    return stat.rsplit(")", 1)[1].split()[0] == "T"


def _analysis_ffmpeg() -> list[int]:
    """The scene analysis's ffmpeg processes (children of this test)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and b"ffmpeg" in cmdline and b"ebur128" in cmdline:
            found.append(int(entry.name))
    return found


def test_the_analysis_waits_while_an_editor_is_open_and_goes_on_after(
    qtbot: QtBot, make_window: WindowFactory, long_video
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(edit_on_capture=True)
    window.prefs.snap_moments = False  # the urgent window would run through the pause
    window.open(str(long_video.path), start_at=30.0)
    wait_state(qtbot, window, PlayerState.PLAYING)
    analysis = scenes(window).analysis
    qtbot.waitUntil(lambda: bool(_analysis_ffmpeg()), timeout=30_000)
    window.moments.press()
    (editor,) = window.moments._pending_editors.values()
    qtbot.waitUntil(lambda: analysis.paused, timeout=10_000)  # the editor is open
    assert "paused" in analysis.status
    if not analysis.facts() or not analysis.facts().complete:
        qtbot.waitUntil(lambda: all(_stopped(p) for p in _analysis_ffmpeg()), timeout=5000)
    editor.close()
    qtbot.waitUntil(lambda: not analysis.paused, timeout=10_000)
    running = _analysis_ffmpeg()
    assert not any(_stopped(p) for p in running)
    assert "paused" not in analysis.status


def test_closing_the_window_mid_analysis_leaves_nothing_running(
    qtbot: QtBot, make_window: WindowFactory, long_video
) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    window.open(str(long_video.path))
    wait_state(qtbot, window, PlayerState.PLAYING)
    analysis = scenes(window).analysis
    qtbot.waitUntil(lambda: bool(_analysis_ffmpeg()) and analysis.is_running(), timeout=30_000)
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 5.0  # no hang
    # the pool is idle; each task's end reaches the GUI thread as a queued signal
    qtbot.waitUntil(lambda: not window.tasks.active(), timeout=5000)
    qtbot.waitUntil(lambda: not _analysis_ffmpeg(), timeout=5000)
    assert not analysis.is_running() or analysis.status.startswith("Scenes")
