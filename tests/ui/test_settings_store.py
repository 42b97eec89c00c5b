"""The two settings stores as the window uses them: what the user wrote by hand survives
opening and closing the window and is applied; the older QSettings files move into the one
UI-state store."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from pytestqt.qtbot import QtBot

from moments.core.moment import Moment, SourceRange
from moments.core.paths import AppDirs
from moments.core.settings import load_preferences
from moments.ui.common.ui_state import legacy_bare_settings_file
from tests.support.framecode import CodedVideo
from tests.ui.conftest import WindowFactory


def test_preset_overrides_and_unknown_keys_survive_the_window_and_apply(
    qtbot: QtBot, make_window: WindowFactory, coded_video: CodedVideo
) -> None:
    dirs = AppDirs.from_environment().ensure()
    written = {
        "edit_on_capture": False,
        "preset_overrides": {"x": {"max_duration": 3, "caption_limit": 100}},
        "from_a_newer_moments": {"keep": ["me"]},
    }
    dirs.settings_file.write_text(json.dumps(written), encoding="utf-8")
    window = make_window(prefs=load_preferences(dirs.settings_file))
    library = window.moments.library
    assert library is not None
    source = str(coded_video.path)
    moment = library.add_moment(Moment.new(source, [SourceRange(source, 2.0, 9.0)], 3.0))
    editor = window.moments.edit(moment)  # deleted on close
    editor.model.set_preset("x")
    assert editor.timeline.strip.length_limit() == 3.0  # the user's limit, not X's 2:20
    panel = editor.share
    panel.set_checked(["x"])
    codes = [problem.code for problem in panel.problems_for("x")]
    assert "too-long" in codes
    assert not panel.export_button.isEnabled()
    editor.close()
    window.close()

    saved = json.loads(dirs.settings_file.read_text(encoding="utf-8"))
    assert saved["preset_overrides"] == written["preset_overrides"]
    assert saved["from_a_newer_moments"] == {"keep": ["me"]}
    assert load_preferences(dirs.settings_file).preset_overrides["x"]["max_duration"] == 3


def test_older_ui_state_moves_into_the_one_store(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    dirs = AppDirs.from_environment().ensure()
    first = make_window()
    first.setGeometry(90, 70, 820, 510)
    qtbot.waitUntil(lambda: first.size().width() == 820)
    geometry = first.saveGeometry()
    first.close()
    dirs.ui_state_file.unlink()  # as before this version: two QSettings files instead
    ini = QSettings(str(dirs.config / "ui-state.ini"), QSettings.Format.IniFormat)
    ini.setValue("window/geometry", QByteArray(geometry))
    ini.sync()
    bare_path = legacy_bare_settings_file(dirs)
    assert bare_path is not None
    bare = QSettings(str(bare_path), QSettings.Format.IniFormat)
    bare.setValue("share/folder", str(tmp_path / "my clips"))
    bare.setValue("share/template", "{title} clip")
    bare.setValue("share/targets", ["tiktok", "discord"])
    bare.sync()
    del ini, bare

    second = make_window(size=None)
    assert (second.width(), second.height()) == (820, 510)
    state = second.settings.ui
    assert state.share_folder == str(tmp_path / "my clips")
    assert state.share_template == "{title} clip"
    assert state.share_targets == ["tiktok", "discord"]
    assert json.loads(dirs.ui_state_file.read_text())["share_targets"] == ["tiktok", "discord"]
    assert not (dirs.config / "ui-state.ini").exists()
    assert not bare_path.exists()
