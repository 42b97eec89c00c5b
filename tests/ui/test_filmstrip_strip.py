"""The trim timeline, driven by the mouse and the keyboard and read back from its pixels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from moments.media.filmstrip import Filmstrip, Thumbnail, make_filmstrip
from moments.ui.common.tasks import TaskContext, TaskRunner
from moments.ui.editor.filmstrip_strip import FilmstripStrip, Handle
from tests.support.framecode import CodedVideo, decode_array

LEFT = Qt.MouseButton.LeftButton
SHIFT = Qt.KeyboardModifier.ShiftModifier
FRAME = 0.04


@dataclass
class Form:
    window: QWidget
    strip: FilmstripStrip
    after: QLineEdit
    """The next widget in the tab chain."""


@pytest.fixture
def form(qtbot: QtBot) -> Form:
    """A 20 s strip trimmed to 2-12 s, playhead at 5 s, focused on the in handle."""
    window = QWidget()
    qtbot.addWidget(window)
    strip = FilmstripStrip()
    after = QLineEdit()
    layout = QVBoxLayout(window)
    layout.addWidget(strip)
    layout.addWidget(after)
    strip.setFixedSize(640, 64)
    strip.set_range(0.0, 20.0)
    strip.set_frame_duration(FRAME)
    strip.set_trim(2.0, 12.0)
    strip.set_playhead(5.0)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    strip.setFocus()
    qtbot.waitUntil(strip.hasFocus)
    return Form(window, strip, after)


def at(strip: FilmstripStrip, seconds: float, y: float = 32) -> QPoint:
    return QPointF(strip.x_at(seconds), y).toPoint()


def as_rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    rows = data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3]
    return rows.reshape(image.height(), image.width(), 3).copy()  # the QImage dies here


def pixels(widget: QWidget) -> np.ndarray:
    return as_rgb(widget.grab().toImage()).astype(int)


def solid(color: str, size: tuple[int, int] = (96, 54)) -> QImage:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    return image


def pixel_seconds(strip: FilmstripStrip) -> float:
    """How much time one pixel of the strip stands for."""
    return (strip.range()[1] - strip.range()[0]) / strip.track().width()


def test_dragging_the_in_handle_trims(qtbot: QtBot, form: Form) -> None:
    strip = form.strip
    grip = strip.handle_rect(Handle.IN).center().toPoint()
    moved = grip + QPoint(62, 0)  # the handle follows the pointer, without jumping to it
    with qtbot.waitSignal(strip.in_changed) as signal:
        qtbot.mousePress(strip, LEFT, pos=grip)
        qtbot.mouseMove(strip, moved)
        qtbot.mouseRelease(strip, LEFT, pos=moved)
    assert signal.args[0] == pytest.approx(2.0 + 62 * pixel_seconds(strip), abs=0.01)
    assert strip.in_point() == signal.args[0] and strip.out_point() == 12.0
    assert strip.playhead() == 5.0  # a trim drag does not scrub
    assert strip.focused_handle() is Handle.IN


def test_handles_never_cross(qtbot: QtBot, form: Form) -> None:
    strip = form.strip
    grip = strip.handle_rect(Handle.OUT).center().toPoint()
    outs: list[float] = []
    strip.out_changed.connect(outs.append)
    qtbot.mousePress(strip, LEFT, pos=grip)
    qtbot.mouseMove(strip, at(strip, 0.5))
    qtbot.mouseRelease(strip, LEFT, pos=at(strip, 0.5))
    assert strip.out_point() == pytest.approx(2.0 + FRAME)
    assert outs[-1] == strip.out_point() and strip.focused_handle() is Handle.OUT
    strip.set_focused_handle(Handle.IN)
    for _ in range(3):
        qtbot.keyClick(strip, Qt.Key.Key_Period)
    assert strip.in_point() == pytest.approx(2.0)  # one frame short of the out point
    assert strip.out_point() - strip.in_point() == pytest.approx(FRAME)


def test_click_and_drag_on_the_strip_scrub(qtbot: QtBot, form: Form) -> None:
    strip = form.strip
    seen: list[float] = []
    strip.scrubbed.connect(seen.append)
    qtbot.mousePress(strip, LEFT, pos=at(strip, 8.0))
    qtbot.mouseMove(strip, at(strip, 9.0))
    qtbot.mouseMove(strip, at(strip, 30.0))  # past the end: clamped
    qtbot.mouseRelease(strip, LEFT, pos=at(strip, 30.0))
    assert seen[0] == pytest.approx(8.0, abs=pixel_seconds(strip))
    assert seen[1] == pytest.approx(9.0, abs=pixel_seconds(strip))
    assert seen[-1] == 20.0 and strip.playhead() == 20.0
    assert (strip.in_point(), strip.out_point()) == (2.0, 12.0)


def test_keys_move_the_selected_handle(qtbot: QtBot, form: Form) -> None:
    strip = form.strip
    with qtbot.waitSignal(strip.in_changed) as signal:
        qtbot.keyClick(strip, Qt.Key.Key_Period)
    assert signal.args == [pytest.approx(2.0 + FRAME)]
    qtbot.keyClick(strip, Qt.Key.Key_Comma)
    qtbot.keyClick(strip, Qt.Key.Key_Comma)
    assert strip.in_point() == pytest.approx(2.0 - FRAME)
    qtbot.keyClick(strip, Qt.Key.Key_Greater, SHIFT)  # Shift+. on most keyboards
    assert strip.in_point() == pytest.approx(3.0 - FRAME)
    qtbot.keyClick(strip, Qt.Key.Key_Comma, SHIFT)
    assert strip.in_point() == pytest.approx(2.0 - FRAME)
    qtbot.keyClick(strip, Qt.Key.Key_BracketRight)
    assert strip.focused_handle() is Handle.OUT
    with qtbot.waitSignal(strip.out_changed) as signal:
        qtbot.keyClick(strip, Qt.Key.Key_Period, SHIFT)
    assert signal.args == [pytest.approx(13.0)]
    qtbot.keyClick(strip, Qt.Key.Key_BracketLeft)
    assert strip.focused_handle() is Handle.IN
    for _ in range(5):
        qtbot.keyClick(strip, Qt.Key.Key_Less, SHIFT)
    assert strip.in_point() == 0.0  # the start of the range


def test_keys_win_over_the_windows_shortcuts(qtbot: QtBot, form: Form) -> None:
    """The player's window binds , and . to frame steps; the focused strip keeps them."""
    fired: list[str] = []
    for key in (",", ".", "["):
        action = QAction(key, form.window)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False, k=key: fired.append(k))
        form.window.addAction(action)
    strip = form.strip
    qtbot.keyClick(strip, Qt.Key.Key_Period)
    qtbot.keyClick(strip, Qt.Key.Key_Period)
    qtbot.keyClick(strip, Qt.Key.Key_Comma)
    qtbot.keyClick(strip, Qt.Key.Key_BracketLeft)
    assert strip.in_point() == pytest.approx(2.0 + FRAME) and fired == []
    strip.clearFocus()
    qtbot.keyClick(form.window, Qt.Key.Key_BracketLeft)
    assert fired == ["["]  # without the strip's focus the shortcuts work


def test_tab_goes_from_the_in_to_the_out_handle_then_on(qtbot: QtBot, form: Form) -> None:
    strip = form.strip
    assert strip.focused_handle() is Handle.IN
    qtbot.keyClick(strip, Qt.Key.Key_Tab)
    assert strip.hasFocus() and strip.focused_handle() is Handle.OUT
    qtbot.keyClick(strip, Qt.Key.Key_Tab)
    qtbot.waitUntil(form.after.hasFocus)
    qtbot.keyClick(form.after, Qt.Key.Key_Backtab, SHIFT)
    qtbot.waitUntil(strip.hasFocus)
    assert strip.focused_handle() is Handle.OUT  # coming back, the last handle first
    qtbot.keyClick(strip, Qt.Key.Key_Backtab, SHIFT)
    assert strip.hasFocus() and strip.focused_handle() is Handle.IN


def test_outside_the_trim_is_dimmed(qtbot: QtBot, form: Form) -> None:
    strip = form.strip
    strip.set_thumbnails([solid("#c8c8c8")] * 10)
    strip.set_playhead(19.0)
    image = pixels(strip)
    row = 32

    def luminance(seconds: float) -> float:
        x = round(strip.x_at(seconds))
        return float(image[row - 3 : row + 4, x - 3 : x + 4].mean())

    inside = luminance(7.0)
    assert inside > 180
    for outside in (1.0, 15.0):
        assert luminance(outside) < 0.5 * inside


def test_thumbnails_arrive_one_by_one(qtbot: QtBot, form: Form) -> None:
    strip = form.strip
    strip.set_trim(0.0, 20.0)
    strip.set_playhead(0.0)
    strip.set_thumbnail(2, solid("#00ff00"), count=4)  # slot 2 of 4: 10-15 s
    image = pixels(strip)
    x_green, x_empty = round(strip.x_at(11.0)), round(strip.x_at(16.0))
    assert tuple(image[32, x_green]) == (0, 255, 0)
    assert image[32, x_empty][1] < 80
    strip.set_thumbnail(3, solid("#0000ff"))
    assert tuple(pixels(strip)[32, x_empty]) == (0, 0, 255)


def test_length_limit_marker(qtbot: QtBot, form: Form) -> None:
    strip = form.strip
    strip.set_thumbnails([solid("#808080")] * 4)
    strip.set_length_limit(5.0, "X 0:05")
    image = pixels(strip)
    x_limit = round(strip.x_at(7.0))
    red = image[:, x_limit - 1 : x_limit + 1]
    assert ((red[..., 0] > 200) & (red[..., 1] < 90)).mean() > 0.8
    assert "Longer than the X 0:05 limit" in strip.accessibleDescription()
    strip.set_length_limit(None)
    assert strip.length_limit() is None and "Longer" not in strip.accessibleDescription()


def test_setters_do_not_emit_and_clamp(qtbot: QtBot, form: Form) -> None:
    strip = form.strip
    emitted: list[float] = []
    for signal in (strip.in_changed, strip.out_changed, strip.scrubbed):
        signal.connect(emitted.append)
    strip.set_trim(-5.0, 50.0)
    assert (strip.in_point(), strip.out_point()) == (0.0, 20.0)
    strip.set_trim(9.0, 3.0)
    assert (strip.in_point(), strip.out_point()) == (9.0, pytest.approx(9.0 + FRAME))
    strip.set_range(10.0, 15.0)
    assert strip.in_point() == 10.0 and strip.playhead() == 10.0
    assert emitted == []
    assert strip.accessibleName() == "Trim timeline"
    with pytest.raises(ValueError):
        strip.set_range(3.0, 3.0)


def test_filled_by_a_real_filmstrip_run_by_the_task_runner(
    qtbot: QtBot, form: Form, coded_video: CodedVideo
) -> None:
    """The parts together: ``make_filmstrip`` in a worker, each thumbnail shown on arrival."""
    strip = form.strip
    runner = TaskRunner(form.window)  # as the app's: it outlives its tasks' queued signals
    arrived: list[int] = []
    results: list[Filmstrip] = []

    def work(ctx: TaskContext) -> Filmstrip:
        return make_filmstrip(str(coded_video.path), 0.0, 20.0, 8, height=64,
                              progress=ctx.progress, cancel=ctx.cancel, cache=False)  # fmt: skip

    def show(thumb: Thumbnail) -> None:
        arrived.append(thumb.index)
        strip.set_thumbnail(thumb.index, QImage.fromData(thumb.jpeg), count=thumb.count)

    task = runner.run(work, name="filmstrip", on_success=results.append, on_progress=show)
    qtbot.waitUntil(lambda: task.done, timeout=30_000)  # set by a connection made before start
    assert runner.wait() and results
    assert arrived == list(range(8))
    images = strip.thumbnails()
    assert all(image is not None and image.height() == 64 for image in images)
    codes = [decode_array(as_rgb(image)) for image in images if image is not None]
    assert codes == [round(t * coded_video.fps) for t in results[0].times]
