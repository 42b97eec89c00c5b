"""The private viewing history in the real window: a scene replayed three times raises the
curve over the seek bar and tops the suggested moments with "you replayed this 3×" — the
answer ``moments suggest`` gives too; "Forget viewing history" clears it; the preference
turns it off."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from moments.cli import main
from moments.core.library import Library
from moments.core.paths import AppDirs
from moments.ui.player.player import PlayerState
from moments.ui.player.window import MainWindow
from tests.support.media import make_subtitles
from tests.support.scenes import SceneFilm
from tests.ui.conftest import WindowFactory, wait_state

pytestmark = pytest.mark.timeout(300)

SCENE = (12.0, 15.5)


def play_until(qtbot: QtBot, window: MainWindow, t: float) -> None:
    qtbot.waitUntil(lambda: window.player.playhead() >= t, timeout=30_000)


def curve_at(window: MainWindow, fraction: float) -> int:
    """Pixels in the top third of the seek bar (above its groove) at ``fraction`` of its
    length that differ from the bar's background: the curve drawn there."""
    slider = window.transport.slider
    image = slider.grab().toImage()
    left, right = slider._groove_span()
    x = round((left + fraction * (right - left)) * image.width() / slider.width())
    background = image.pixelColor(0, 0)

    def differs(y: int) -> bool:
        c = image.pixelColor(x, y)
        return abs(c.red() - background.red()) + abs(c.blue() - background.blue()) > 40

    return sum(differs(y) for y in range(image.height() // 3))


def test_a_scene_replayed_three_times_shows_and_tops_the_suggestions(
    qtbot: QtBot,
    make_window: WindowFactory,
    scene_film: SceneFilm,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    film = tmp_path / "scene film.mp4"
    shutil.copyfile(scene_film.path, film)
    make_subtitles(film.with_suffix(".srt"), [(13.5, 14.5, "Look at this."),
                                             (20.5, 21.0, "and then")])  # fmt: skip
    window = make_window()
    link = window.moments.scenes
    assert link is not None
    window.open(str(film), start_at=SCENE[0] - 1.0)
    wait_state(qtbot, window, PlayerState.PLAYING)
    window.player.set_rate(2.0)
    play_until(qtbot, window, SCENE[1])  # seen once…
    for _ in range(3):  # …and replayed three times
        window.player.seek(SCENE[0])
        qtbot.waitUntil(lambda: window.player.playhead() < SCENE[0] + 1.0, timeout=5000)
        play_until(qtbot, window, SCENE[1])
    window.player.pause()
    slider = window.transport.slider
    duration = window.player.duration()
    bins = range(int(SCENE[0] / duration * 100), int(SCENE[1] / duration * 100) + 1)
    qtbot.waitUntil(lambda: slider.heat() is not None and max(slider.heat()) == 1.0,
                    timeout=10_000)  # fmt: skip
    heat = slider.heat()
    assert heat is not None and heat.index(1.0) in bins
    assert heat[5] == 0.0  # never watched
    assert curve_at(window, heat.index(1.0) / 100) > curve_at(window, 0.05)

    panel = link.suggestions
    qtbot.waitUntil(lambda: bool(panel.suggestions())
                    and "you replayed this 3×" in panel.suggestions()[0].reasons,
                    timeout=90_000)  # fmt: skip
    top = panel.suggestions()[0]
    assert top.start <= SCENE[0] + 1.0 and top.end >= SCENE[1] - 1.0
    assert panel.status.text() == "Scenes ready"
    assert panel.list.count() == len(panel.suggestions())

    with qtbot.waitSignal(link.viewing.saved, timeout=10_000):  # what the library holds…
        link.viewing.save()
    with qtbot.waitSignal(panel.shown, timeout=30_000) as shown:
        panel.refresh()
    gui = [s.to_json() for s in shown.args[0]]
    assert main(["suggest", str(film), "--json"]) == 0  # …is what the command ranks with
    assert json.loads(capsys.readouterr().out) == gui

    box = link.ask_forget(window)
    (forget,) = [b for b in box.buttons() if b.text() == "Forget"]
    with qtbot.waitSignal(link.viewing.forgotten, timeout=10_000):
        forget.click()
    assert slider.heat() is None
    library = window.moments.library
    assert library is not None and library.read_viewing(str(film)) is None
    qtbot.waitUntil(lambda: not any("replayed" in r for s in panel.suggestions()
                                    for r in s.reasons), timeout=30_000)  # fmt: skip


def test_remembering_can_be_turned_off(
    qtbot: QtBot, make_window: WindowFactory, scene_film: SceneFilm
) -> None:
    window = make_window()
    link = window.moments.scenes
    assert link is not None
    window.prefs.remember_viewing = False
    link.preferences_changed()
    window.open(str(scene_film.path), start_at=2.0)
    wait_state(qtbot, window, PlayerState.PLAYING)
    window.player.set_rate(2.0)
    play_until(qtbot, window, 6.0)
    window.player.seek(2.0)
    play_until(qtbot, window, 6.0)
    window.player.pause()
    qtbot.wait(2500)
    assert window.transport.slider.heat() is None and link.viewing.record() is None
    window.close()
    dirs = AppDirs.from_environment()
    library = Library(dirs.library_file, dirs.moments_dir)
    assert library.read_viewing(str(scene_film.path)) is None
    library.close()
