"""Captions where a user expects them: a quoted line stays on its line when the trim moves
(and leaves the picture when the line leaves the clip); a new caption never lands on top of
another. Checked on the preview's pixels."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from moments.core.captions import Caption
from moments.core.library import Library
from moments.ui.common import caption_rect, render_overlay
from moments.ui.editor.quotes import SubtitleHint
from moments.ui.editor.window import EditorWindow
from tests.support.framecode import CodedVideo
from tests.ui.test_editor import EditorFactory, library, open_editor, stored, wait_preview

__all__ = ["library", "open_editor"]  # fixtures

SRT = """1
00:00:05,300 --> 00:00:06,800
FIRST LINE

2
00:00:07,000 --> 00:00:08,500
SECOND LINE
"""


def caption_on_screen(editor: EditorWindow, caption: Caption) -> float:
    """The share of ``caption``'s solid white text pixels the preview shows white now."""
    shown = editor.preview.grab().toImage()
    out = editor.preview.output_rect()
    reference = render_overlay([caption], *editor.output_size()).scaled(
        out.size(), Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation
    )
    solid = white = 0
    for y in range(0, out.height(), 2):
        for x in range(0, out.width(), 2):
            want = reference.pixelColor(x, y)
            if want.alpha() < 255 or want.lightness() < 250:
                continue
            solid += 1
            white += shown.pixelColor(out.x() + x, out.y() + y).lightness() >= 235
    assert solid > 30, "the caption has no white text to look for"
    return white / solid


def show_clip_time(qtbot: QtBot, editor: EditorWindow, seconds: float) -> None:
    """Pause the preview on ``seconds`` into the clip and wait until it is painted there."""
    start, _ = editor.model.edits.trim(editor.model.moment)
    editor.player.pause()
    qtbot.waitUntil(lambda: not editor.player.is_playing())
    editor.player.seek(start + seconds)
    qtbot.waitUntil(lambda: abs(editor._position - (start + seconds)) < 0.05)
    qtbot.wait(400)  # the paused frame settles


def type_time(qtbot: QtBot, editor: EditorWindow, text: str) -> None:
    field = editor.timeline.in_field
    qtbot.mouseDClick(field, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is field
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_a_quoted_line_stays_on_its_line_when_the_trim_moves(
    qtbot: QtBot,
    open_editor: EditorFactory,
    library: Library,
    coded_video: CodedVideo,
    tmp_path: Path,
) -> None:
    srt = tmp_path / "lines.srt"
    srt.write_text(SRT, encoding="utf-8")
    editor = open_editor(stored(library, coded_video, 5.0, 15.0), hint=SubtitleHint(file=srt))
    wait_preview(qtbot, editor, lambda c: c >= 0)
    quotes = editor.captions.quotes
    qtbot.waitUntil(lambda: quotes.count() == 2, timeout=10_000)
    item = quotes.item(0)
    qtbot.mouseClick(
        quotes.viewport(), Qt.MouseButton.LeftButton, pos=quotes.visualItemRect(item).center()
    )
    (quoted,) = editor.model.edits.captions
    assert (quoted.start, quoted.end) == pytest.approx((0.3, 1.8))

    type_time(qtbot, editor, "6.3")  # In moved by 1.3 s
    (moved,) = editor.model.edits.captions
    assert (moved.start, moved.end) == pytest.approx((0.0, 0.5))  # still on its line
    show_clip_time(qtbot, editor, 0.25)  # FIRST LINE is spoken
    assert caption_on_screen(editor, moved) > 0.6
    show_clip_time(qtbot, editor, 1.2)  # SECOND LINE is spoken: the first is not shown
    assert caption_on_screen(editor, moved) < 0.2

    type_time(qtbot, editor, "6.9")  # the first line has left the clip
    (gone,) = editor.model.edits.captions
    assert gone.outside_clip
    assert "outside the clip" in editor.captions.list.item(0).text()
    show_clip_time(qtbot, editor, 0.0)
    assert caption_on_screen(editor, moved) < 0.2
    editor.model.undo_stack.undo()  # bring it back
    assert (editor.model.edits.captions[0].start, editor.model.edits.captions[0].end) == (
        pytest.approx((0.0, 0.5))
    )


def test_a_new_caption_never_lands_on_another(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 9.0))
    wait_preview(qtbot, editor, lambda c: c >= 0)
    for _ in range(3):
        qtbot.mouseClick(editor.captions.add_button, Qt.MouseButton.LeftButton)
    first, second, third = editor.model.edits.captions
    size = editor.output_size()
    rects = [caption_rect(c, *size) for c in (first, second, third)]
    for a in range(3):
        for b in range(a + 1, 3):
            assert not rects[a].intersects(rects[b]), (rects[a], rects[b])
    assert all(r.top() >= 0 and r.bottom() <= size[1] for r in rects)
    # The newest is the one selected and being typed into.
    assert editor.captions.current() == 2
    qtbot.keyClicks(QApplication.focusWidget(), "third")
    assert editor.model.edits.captions[2].text == "third"
    # On screen: clicking the second one on the preview selects it.
    out = editor.preview.placement().output
    rect = editor.preview._caption_screen_rect(1, out)
    assert rect is not None
    qtbot.mouseClick(editor.preview, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert editor.captions.current() == 1
