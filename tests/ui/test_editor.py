"""The Moment editor on the real libVLC and ffmpeg: preview, trim, captions, hashtags,
framing, undo, autosave and reopen, quote the moment, and preview = renderer pixels."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from moments.core.captions import Caption
from moments.core.edits import MomentEdits
from moments.core.framing import Framing
from moments.core.library import Library
from moments.core.moment import Moment, SourceRange
from moments.ui.common.overlay_render import render_overlay
from moments.ui.common.tasks import TaskRunner
from moments.ui.editor.filmstrip_strip import Handle
from moments.ui.editor.quotes import SubtitleHint
from moments.ui.editor.window import EditorWindow
from moments.ui.player.player import PlayerState
from tests.support.framecode import CodedVideo, decode_pixels

EditorFactory = Callable[..., EditorWindow]
NEIGHBOURS = [(dx, dy) for dx in (-2, 0, 2) for dy in (-2, 0, 2)]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library(tmp_path / "library.sqlite3")
    yield lib
    lib.close()


@pytest.fixture
def open_editor(qtbot: QtBot, library: Library) -> Iterator[EditorFactory]:
    runner = TaskRunner()
    editors: list[EditorWindow] = []

    def factory(moment: Moment, **kwargs: object) -> EditorWindow:
        editor = EditorWindow(moment, library, runner, **kwargs)  # type: ignore[arg-type]
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        qtbot.addWidget(editor)
        with qtbot.waitExposed(editor):
            editor.show()
        with qtbot.waitActive(editor):
            editor.activateWindow()
        editors.append(editor)
        return editor

    yield factory
    for editor in editors:
        if editor.isVisible():
            editor.close()
    assert runner.wait(20_000)


def stored(library: Library, video: CodedVideo, start: float, end: float) -> Moment:
    source = str(video.path)
    return library.add_moment(Moment.new(source, [SourceRange(source, start, end)], start + 1))


def frame_code(image: QImage | None) -> int | None:
    if image is None or image.isNull():
        return None

    def sample(fx: float, fy: float) -> int:
        x, y = int(fx * (image.width() - 1)), int(fy * (image.height() - 1))
        return image.pixelColor(x, y).lightness()

    return decode_pixels(sample)


def wait_preview(qtbot: QtBot, editor: EditorWindow, want: Callable[[int], bool]) -> int:
    seen: list[int] = []

    def check() -> None:
        code = frame_code(editor.preview.frame())
        assert code is not None and want(code), f"preview shows {code}"
        seen.append(code)

    qtbot.waitUntil(check, timeout=10_000)
    return seen[-1]


def test_preview_plays_the_moment_and_loops(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 5.0, 15.0))
    first = wait_preview(qtbot, editor, lambda c: c >= coded_video.frame_at(5.0) - 1)
    assert first <= coded_video.frame_at(6.0)
    editor.model.set_trim(5.0, 6.0)
    wait_preview(qtbot, editor, lambda c: c >= coded_video.frame_at(5.8))
    # It loops: back near the in point, never far past the out point.
    wait_preview(qtbot, editor, lambda c: c <= coded_video.frame_at(5.3))
    assert frame_code(editor.preview.frame()) <= coded_video.frame_at(6.1)


def test_the_share_tab_is_built_after_the_first_frame_or_when_chosen(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    moment = stored(library, coded_video, 5.0, 15.0)
    editor = open_editor(moment)
    assert editor._share is None  # opening does not wait for it
    wait_preview(qtbot, editor, lambda c: c >= 0)
    qtbot.waitUntil(lambda: editor._share is not None, timeout=3000)
    assert editor.tabs.indexOf(editor.share) == editor.tabs.count() - 1

    again = open_editor(moment)
    again.tabs.setCurrentIndex(again.tabs.count() - 1)  # chosen before the first frame
    assert again._share is not None and again.tabs.currentWidget() is again.share


def test_trim_by_drag_keys_and_typing_with_undo(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 5.0, 15.0))
    wait_preview(qtbot, editor, lambda c: c >= 0)  # probed: frame steps are 1/50 s
    strip = editor.timeline.strip
    out = strip.handle_rect(Handle.OUT).center().toPoint()
    target = QPoint(int(strip.x_at(12.0)), out.y())
    qtbot.mousePress(strip, Qt.MouseButton.LeftButton, pos=out)
    qtbot.mouseMove(strip, QPoint((out.x() + target.x()) // 2, out.y()))
    qtbot.mouseMove(strip, target)
    qtbot.mouseRelease(strip, Qt.MouseButton.LeftButton, pos=target)
    start, end = editor.model.edits.trim(editor.model.moment)
    assert start == 5.0 and end == pytest.approx(12.0, abs=0.1)
    assert editor.model.undo_stack.count() == 1  # one drag, one undo step

    strip.setFocus()
    qtbot.keyClick(strip, Qt.Key.Key_BracketLeft)  # the in handle
    qtbot.keyClick(strip, Qt.Key.Key_Period)
    qtbot.keyClick(strip, Qt.Key.Key_Period, Qt.KeyboardModifier.ShiftModifier)
    start, _ = editor.model.edits.trim(editor.model.moment)
    assert start == pytest.approx(5.0 + 0.02 + 1.0, abs=0.001)

    field = editor.timeline.in_field
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "0:00:07.500")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert editor.model.edits.trim(editor.model.moment)[0] == pytest.approx(7.5)
    assert "0:07.500" in field.text()

    for _ in range(4):
        editor.model.undo_stack.undo()
    assert editor.model.edits.trim(editor.model.moment) == (5.0, 15.0)
    assert (strip.in_point(), strip.out_point()) == (5.0, 15.0)


def test_captions_hashtags_framing_autosave_and_reopen(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    moment = stored(library, coded_video, 2.0, 9.0)
    editor = open_editor(moment)
    editor.captions.add_button.click()
    editor.captions.text.selectAll()
    qtbot.keyClicks(editor.captions.text, "Wait for it ")
    editor.captions.text.insertPlainText("✨")  # QTest types Latin-1 only; an input method would
    assert editor.model.edits.captions[0].text == "Wait for it ✨"
    # Move the caption by dragging it on the preview.
    wait_preview(qtbot, editor, lambda c: c >= 0)
    rect = editor.preview._caption_screen_rect(0, editor.preview.placement().output)
    assert rect is not None
    grab = rect.center().toPoint()
    lower = grab + QPoint(0, -int(editor.preview.placement().output.height() * 0.3))
    qtbot.mousePress(editor.preview, Qt.MouseButton.LeftButton, pos=grab)
    qtbot.mouseMove(editor.preview, lower)
    qtbot.mouseRelease(editor.preview, Qt.MouseButton.LeftButton, pos=lower)
    assert editor.model.edits.captions[0].y == pytest.approx(0.82 - 0.3, abs=0.03)

    editor.tabs.setCurrentIndex(1)
    field = editor.hashtags.editor
    field.setFocus()
    qtbot.keyClicks(field, "frame perfect ")
    qtbot.keyClicks(field, "caf")
    field.insert("é")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert editor.model.edits.hashtags == ("#frame", "#perfect", "#café")

    editor.tabs.setCurrentIndex(2)
    editor.framing.aspect_buttons["9:16"].click()
    editor.framing.fit_button.click()
    assert editor.model.edits.framing == Framing(aspect="9:16", mode="fit")
    assert editor.output_size() == (640, 1136)  # the whole 640 px width, never scaled up

    editor.model.undo_stack.undo()  # fit → crop
    assert editor.model.edits.framing.mode == "crop"
    editor.model.undo_stack.redo()
    edits = editor.model.edits
    with qtbot.waitSignal(editor.model.saved, timeout=5000):
        editor.close()
    assert MomentEdits.of(library.get(moment.id)) == edits  # type: ignore[arg-type]

    again = open_editor(library.get(moment.id))
    assert again.model.edits == edits
    assert again.hashtags.tags() == ["#frame", "#perfect", "#café"]
    assert again.framing.fit_button.isChecked()
    assert again.captions.list.count() == 1


def test_preview_pixels_under_a_caption_are_the_renderers(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 9.0))
    caption = Caption("SAME PIXELS", y=0.6, size=0.12)
    editor.model.add_caption(caption)
    wait_preview(qtbot, editor, lambda c: c >= 0)
    editor.player.pause()
    player = editor.player.player
    qtbot.waitUntil(lambda: player.state() == PlayerState.PAUSED and not player.is_settling())
    wait_preview(qtbot, editor, lambda c: c == coded_video.frame_at(editor.player.position()))
    shown = editor.preview.grab().toImage()
    out = editor.preview.output_rect()
    # The preview shows the renderer's image made at the output size, scaled onto the window.
    reference = render_overlay([caption], *editor.output_size()).scaled(
        out.size(), Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    differences = []
    for y in range(2, out.height() - 2, 3):
        for x in range(2, out.width() - 2, 3):
            around = (reference.pixelColor(x + dx, y + dy).alpha() for dx, dy in NEIGHBOURS)
            if min(around) < 255:
                continue  # only where the caption covers the video completely
            want, got = reference.pixelColor(x, y), shown.pixelColor(out.x() + x, out.y() + y)
            differences.append(max(abs(want.red() - got.red()), abs(want.green() - got.green())))
    assert len(differences) > 100
    assert sum(differences) / len(differences) <= 6  # the same pixels, up to scaling
    assert max(differences) <= 80


@pytest.mark.corpus
def test_quote_the_moment_from_friday(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, corpus: Path
) -> None:
    from moments.core.subtitles import cues_between, read_subtitle_file

    video = corpus / "subtitles" / "friday.mp4"
    vtt = corpus / "subtitles" / "friday.vtt"
    cues = read_subtitle_file(vtt)
    start, end = max(0.0, cues[0].start - 1), cues[0].end + 4
    moment = library.add_moment(
        Moment.new(str(video), [SourceRange(str(video), start, end)], start + 1)
    )
    editor = open_editor(moment, hint=SubtitleHint(file=vtt))
    spoken = [c.text for c in cues_between(cues, start, end)]
    qtbot.waitUntil(lambda: editor.captions.quotes.count() == len(spoken), timeout=10_000)
    assert [editor.captions.quotes.item(i).text() for i in range(len(spoken))] == spoken
    item = editor.captions.quotes.item(0)
    qtbot.mouseClick(
        editor.captions.quotes.viewport(),
        Qt.MouseButton.LeftButton,
        pos=editor.captions.quotes.visualItemRect(item).center(),
    )
    (quoted,) = editor.model.edits.captions
    assert quoted.text == spoken[0]
    # Trimming the first line away takes it off the list; a click adds what it shows.
    later = cues[0].end + 0.05
    editor.model.set_trim(later, end)
    remaining = [c.text for c in cues_between(cues, later, end)]
    assert [editor.captions.quotes.item(i).text() for i in range(len(remaining))] == remaining
    assert editor.captions.quotes.count() == len(remaining)
    editor.model.set_trim(start, end)
    assert quoted.start == pytest.approx(max(0.0, cues[0].start - start), abs=0.01)
    assert quoted.end == pytest.approx(cues[0].end - start, abs=0.01)


def test_the_editor_previews_the_kept_clip_from_the_trim_start_when_the_source_is_gone(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, tmp_path: Path
) -> None:
    from tests.support.kept import moment_with_source_gone

    video, kept = moment_with_source_gone(tmp_path)
    moment = library.add_moment(kept)
    editor = open_editor(moment)
    first = wait_preview(qtbot, editor, lambda c: c > 0)
    assert video.frame_at(16.0) - 1 <= first <= video.frame_at(16.0) + 12, first
    assert abs(editor.player.position() - 16.0) < 1.0  # source times, as the trim counts them
