"""The editor's times all read the same way: the playhead in source time, as From and To."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from moments.core.library import Library
from tests.support.framecode import CodedVideo
from tests.ui.test_editor import EditorFactory, library, open_editor, stored

__all__ = ["library", "open_editor"]  # fixtures


def test_the_playhead_reads_in_source_time_like_from_and_to(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 9.0))
    timeline = editor.timeline
    timeline.set_playhead(5.5)
    assert timeline.in_field.text().strip() == "0:02.000"
    assert timeline.time_label.text() == "at 0:05.500"
    assert timeline.time_label.toolTip() == "0:03.500 into the clip of 0:07.000"
