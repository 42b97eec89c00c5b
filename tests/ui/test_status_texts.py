"""Every status text ends in a final state: none stays "looking…" or "…ing" forever."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from moments.core.library import Library
from moments.ui.editor.quotes import SubtitleHint
from tests.support.framecode import CodedVideo
from tests.ui.test_editor import EditorFactory, library, open_editor, stored

__all__ = ["library", "open_editor"]  # fixtures


def test_quote_the_moment_says_when_a_video_has_no_subtitles(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 9.0))
    label = editor.captions.quote_label
    qtbot.waitUntil(lambda: "looking" not in label.text(), timeout=15_000)
    assert label.text() == "Quote the moment — no subtitles for this video."
    editor.model.set_trim(3.0, 8.0)  # a new trim keeps the final word
    assert label.text() == "Quote the moment — no subtitles for this video."


def test_quote_the_moment_says_why_subtitles_cannot_be_read(
    qtbot: QtBot,
    open_editor: EditorFactory,
    library: Library,
    coded_video: CodedVideo,
    tmp_path: Path,
) -> None:
    huge = tmp_path / "huge.srt"
    with huge.open("wb") as out:
        out.truncate(21 * 1024 * 1024)  # sparse: larger than any subtitle file
    editor = open_editor(stored(library, coded_video, 2.0, 9.0), hint=SubtitleHint(file=huge))
    label = editor.captions.quote_label
    qtbot.waitUntil(lambda: "looking" not in label.text(), timeout=15_000)
    assert "too large to be a subtitle file" in label.text()
