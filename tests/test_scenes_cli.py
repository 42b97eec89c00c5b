"""``moments scenes``, ``moments suggest`` and ``moments list``: output, exit codes, and the
same answers (and the same cache) as the player's own calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moments.cli import main
from moments.core.library import Library
from moments.core.moment import Moment, SourceRange
from moments.core.paths import AppDirs
from moments.core.scene.transitions import detect_transitions
from moments.media.analysis import AnalysisCache, analyse, file_identity, runner
from tests.support.scenes import SceneFilm

pytestmark = pytest.mark.timeout(180)


def test_scenes_json_is_one_object_with_every_transition(
    scene_film: SceneFilm, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["scenes", "--json", str(scene_film.path)]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert set(data) == {"fps", "frames", "transitions"}
    assert data["fps"] == 25.0 and data["frames"] == scene_film.frames
    assert err == ""  # no progress when stderr is not a terminal
    for item in data["transitions"]:
        assert set(item) == {"kind", "start", "end", "frame"}
        assert item["kind"] in ("cut", "fade", "dissolve")
        assert item["start"] == pytest.approx(item["frame"] / 25, abs=1e-6)
        if item["kind"] == "cut":
            assert item["start"] == item["end"]
        else:
            assert item["end"] > item["start"]
    cuts = [t["frame"] for t in data["transitions"] if t["kind"] == "cut"]
    assert cuts == [t.frame for t in scene_film.truths if t.kind == "cut"]
    # The GUI's call gives the same answer, from the sidecar the CLI left.
    monkeypatch.setattr(runner, "decode_stretch", _no_decoding)
    signals = analyse(str(scene_film.path))
    assert [t.to_json() for t in detect_transitions(signals.frames)] == data["transitions"]
    assert AnalysisCache.default().load(file_identity(scene_film.path)) is not None


def _no_decoding(*args: object, **kwargs: object) -> None:
    raise AssertionError("decoded again")


def test_scenes_text_and_suggest(scene_film: SceneFilm, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenes", str(scene_film.path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("cut")
    assert "shot changes in 590 frames (25.000 fps)" in out
    assert main(["suggest", "--json", "--count", "2", str(scene_film.path)]) == 0
    found = json.loads(capsys.readouterr().out)
    assert 1 <= len(found) <= 2
    assert set(found[0]) == {"start", "end", "score", "reasons"} and found[0]["reasons"]
    assert main(["suggest", str(scene_film.path)]) == 0
    assert capsys.readouterr().out.startswith(" 1. 0:")


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str], corpus: Path) -> None:
    assert main(["scenes"]) == 2
    assert main(["suggest", "x.mp4", "--count", "0"]) == 2
    assert main(["scenes", str(tmp_path / "gone.mp4")]) == 3
    assert main(["scenes", str(corpus / "broken" / "chunk_out_of_range.mp4")]) == 3
    err = capsys.readouterr().err.splitlines()
    assert all(line.startswith(("moments scenes: error:", "moments suggest: error:"))
               for line in err)  # fmt: skip
    assert len(err) == 4


def test_list_shows_why_each_end_is_there(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    dirs = AppDirs.from_environment()
    library = Library(dirs.library_file, dirs.moments_dir)
    moment = Moment.new("/films/a b.mkv", [SourceRange("/films/a b.mkv", 91.5, 104.0)], 100.0,
                        start_why="cut", end_why="sentence")  # fmt: skip
    stored = library.add_moment(moment)
    library.close()
    assert main(["list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row == {"id": stored.id, "title": "a b.mkv at 1:40", "source": "/films/a b.mkv",
                   "start": 91.5, "end": 104.0, "press_time": 100.0, "start_why": "cut",
                   "end_why": "sentence"}  # fmt: skip
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "1:31.500 (cut) – 1:44.000 (sentence), pressed at 1:40.000" in out


def test_suggest_ranks_with_the_viewers_rewatches(
    scene_film: SceneFilm, capsys: pytest.CaptureFixture[str]
) -> None:
    from moments.core.settings import Preferences, save_preferences
    from moments.core.viewing import ViewingRecord

    source = str(scene_film.path)
    assert main(["suggest", source, "--json", "--count", "3"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert not any("replayed" in r for s in before for r in s["reasons"])
    dirs = AppDirs.from_environment().ensure()
    library = Library(dirs.library_file, dirs.moments_dir)
    record = ViewingRecord.new(source, 24.0)
    record.views[:] = 1
    record.views[17:20] = 4  # the last scenes, watched four times
    library.write_viewing(record)
    library.close()
    assert main(["suggest", source, "--json", "--count", "3"]) == 0
    top = json.loads(capsys.readouterr().out)[0]
    assert "you replayed this 3×" in top["reasons"] and top["start"] <= 17.0 < top["end"]
    save_preferences(Preferences(remember_viewing=False), dirs.settings_file)
    assert main(["suggest", source, "--json", "--count", "3"]) == 0
    assert json.loads(capsys.readouterr().out) == before  # the history is not used when off
