"""The share panel in the editor: several targets in one go, per-platform framing from a
one-click fix, captions burned in as previewed, results to open, copy or drag, cancel."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from moments.core.captions import Caption
from moments.core.library import Library
from moments.core.presets import MIB
from moments.ui.common.overlay_render import render_overlay
from moments.ui.share.panel import SharePanel
from tests.support.framecode import CodedVideo, decode_array
from tests.ui.test_editor import EditorFactory, library, open_editor, stored, wait_preview

__all__ = ["library", "open_editor"]  # fixtures


def probe_video(path: Path) -> dict[str, object]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=codec_name,width,height,pix_fmt,sample_aspect_ratio:format=duration",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    data = json.loads(out)
    stream = data["streams"][0]
    stream["duration"] = float(data["format"]["duration"])
    return stream


def frame_at(path: Path, seconds: float, size: tuple[int, int]) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", f"{seconds}", "-i", str(path), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, np.uint8).reshape(size[1], size[0], 3)


def test_three_platforms_in_one_go_with_a_caption_and_reels_at_9_16(
    qtbot: QtBot,
    open_editor: EditorFactory,
    library: Library,
    coded_video: CodedVideo,
    tmp_path: Path,
) -> None:
    moment = stored(library, coded_video, 2.0, 9.0)
    editor = open_editor(moment)
    wait_preview(qtbot, editor, lambda c: c >= 0)
    caption = Caption("BIG MOMENT", y=0.75, size=0.1)
    editor.model.add_caption(caption)
    editor.model.set_trim(3.0, 7.0)
    panel = editor.share
    editor.tabs.setCurrentWidget(panel)
    panel.folder.setText(str(tmp_path / "clips ✨"))
    panel.set_checked(["x", "instagram-reels", "discord"])
    (switch,) = fix_buttons(panel, "Switch to 9:16")  # Reels shows 9:16 full-screen
    switch.click()
    edits = editor.model.edits
    assert edits.framing_for("instagram-reels").aspect == "9:16"
    assert edits.framing_for("x").aspect == "source"  # the others keep their shape
    assert editor.output_size() == (202, 360)  # the preview shows the Reels framing now
    assert panel.export_button.isEnabled() and panel.export_button.text() == "Export 3 files"

    panel.export_button.click()
    rows = panel.rows()
    assert len(rows) == 3
    qtbot.waitUntil(lambda: all(row.path is not None for row in rows), timeout=120_000)
    files = {row.name: row.path for row in rows}
    x, reels, discord = files["X"], files["Instagram Reels"], files["Discord (10 MiB)"]
    assert x.parent == tmp_path / "clips ✨"
    assert x.name == "coded 50fps 00-00-03.000 x.mp4"
    assert reels.name == "coded 50fps 00-00-03.000 instagram-reels.mp4"
    for path, size in ((x, (640, 360)), (reels, (202, 360)), (discord, (640, 360))):
        info = probe_video(path)
        assert (info["width"], info["height"]) == size, path.name
        assert info["codec_name"] == "h264" and info["pix_fmt"] == "yuv420p"
        assert info["duration"] == pytest.approx(4.0, abs=0.05)
        if path is not reels:  # Reels' 9:16 window crops the frame code away
            # Exact trim: the first frame is the one at 3.0 s of the source.
            assert decode_array(frame_at(path, 0, size)) == coded_video.frame_at(3.0)
    assert discord.stat().st_size <= 10 * MIB
    assert {e.preset for e in library.list_exports(moment.id)} == {
        "x",
        "instagram-reels",
        "discord",
    }

    # What was burned in is what the preview showed: the renderer's image at output size.
    overlay = render_overlay([caption], 640, 360)
    alpha = np.array([[overlay.pixelColor(x_, y_).alpha() for x_ in range(640)]
                      for y_ in range(0, 360)])  # fmt: skip
    exported = frame_at(x, 1.0, (640, 360)).astype(int)
    solid = alpha == 255
    ref = np.array([[overlay.pixelColor(x_, y_).red() for x_ in range(640)] for y_ in range(360)])
    assert solid.sum() > 500
    assert np.abs(exported[..., 0][solid] - ref[solid]).mean() < 25

    row = rows[0]
    row.copy_file_button.click()
    urls = QGuiApplication.clipboard().mimeData().urls()
    assert [u.toLocalFile() for u in urls] == [str(row.path)]
    row.copy_text_button.click()
    assert QGuiApplication.clipboard().text() == editor.model.edits.post_text(editor.model.moment)


def test_cancel_leaves_nothing_and_an_existing_name_is_kept(
    qtbot: QtBot,
    open_editor: EditorFactory,
    library: Library,
    coded_video: CodedVideo,
    tmp_path: Path,
) -> None:
    moment = stored(library, coded_video, 0.0, 20.0)
    editor = open_editor(moment)
    panel = editor.share
    folder = tmp_path / "out"
    folder.mkdir()
    panel.folder.setText(str(folder))
    panel.set_checked(["original"])
    panel.template.setText("keep")
    (folder / "keep.mp4").write_bytes(b"the user's own file")
    (row,) = panel.export_checked()
    qtbot.waitUntil(lambda: row.path is not None, timeout=60_000)
    assert row.path == folder / "keep (2).mp4"
    assert (folder / "keep.mp4").read_bytes() == b"the user's own file"

    (slow,) = panel.export_checked()
    qtbot.waitUntil(lambda: slow.bar.value() > 0, timeout=30_000)
    slow.cancel_button.click()
    qtbot.waitUntil(lambda: "Cancelled" in slow.status.text(), timeout=30_000)
    assert sorted(p.name for p in folder.iterdir()) == ["keep (2).mp4", "keep.mp4"]
    assert slow.path is None


def test_blocking_problems_disable_export_until_fixed(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 9.0))
    panel = editor.share
    editor.model.set_trim(2.0, 3.0)  # 1 s: too short for Reels (3 s at least)
    panel.set_checked(["instagram-reels"])
    assert not panel.export_button.isEnabled()
    (lengthen,) = fix_buttons(panel, "Lengthen")
    lengthen.click()
    start, end = editor.model.edits.trim(editor.model.moment)
    assert end - start == pytest.approx(3.0)
    assert all(p.severity == "warning" for p in panel.problems_for("instagram-reels"))
    assert panel.export_button.isEnabled()


def test_a_blocked_target_is_held_back_and_the_others_still_export(
    qtbot: QtBot,
    open_editor: EditorFactory,
    library: Library,
    coded_video: CodedVideo,
    tmp_path: Path,
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 9.0))
    panel = editor.share
    editor.tabs.setCurrentWidget(panel)
    editor.model.set_trim(3.0, 4.0)
    panel.folder.setText(str(tmp_path))
    panel.set_checked(["x", "youtube-shorts"])  # 16:9: Shorts refuses it, X takes it
    assert panel.export_button.isEnabled() and panel.export_button.text() == "Export"
    assert panel.held_note.text() == "Held back: YouTube Shorts (see below)"
    (row,) = panel.export_checked()
    assert row.name == "X"
    qtbot.waitUntil(lambda: row.path is not None, timeout=60_000)
    assert panel.settings.ui.share_targets == ["x", "youtube-shorts"]


def test_one_switch_frames_every_platform_that_asks_and_no_row_moves_the_buttons(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 9.0))
    panel = editor.share
    editor.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.export_button.isVisible())
    panel.set_checked(["x"])
    qtbot.wait(100)  # laid out
    where = panel.export_button.mapTo(panel, panel.export_button.rect().topLeft())
    panel.set_checked(["x", "instagram-reels", "tiktok", "youtube-shorts"])
    assert len(fix_buttons(panel, "Switch to 9:16")) == 3
    qtbot.wait(100)
    assert panel.export_button.mapTo(panel, panel.export_button.rect().topLeft()) == where
    fix_buttons(panel, "Switch to 9:16")[0].click()
    edits = editor.model.edits
    for preset in ("instagram-reels", "tiktok", "youtube-shorts"):
        assert edits.framing_for(preset).aspect == "9:16", preset
    assert edits.framing_for("x").aspect == "source"
    assert fix_buttons(panel, "Switch to 9:16") == []
    assert panel.held_note.text() == ""
    editor.model.undo_stack.undo()  # one step for all
    assert all(
        editor.model.edits.framing_for(p).aspect != "9:16" for p in ("tiktok", "youtube-shorts")
    )


def test_lengthen_is_not_offered_when_there_is_nothing_more(
    qtbot: QtBot, open_editor: EditorFactory, library: Library, coded_video: CodedVideo
) -> None:
    editor = open_editor(stored(library, coded_video, 2.0, 4.17))  # all there is: 2.17 s
    panel = editor.share
    panel.set_checked(["instagram-reels"])
    (problem,) = [p for p in panel.problems_for("instagram-reels") if p.code == "too-short"]
    assert problem.fixes == () and "all there is is 0:02.170" in problem.message
    assert fix_buttons(panel, "Lengthen") == []
    assert not panel.export_button.isEnabled()


def fix_buttons(panel: SharePanel, text: str) -> list[QPushButton]:
    return [
        button
        for button in panel.problems.findChildren(QPushButton)
        if button.text().startswith(text) and not button.isHidden()
    ]
