"""``moments story check|walk|graph|prepare``: output, one-line problems, exit codes."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from moments.cli import main
from tests.support.framecode import make_coded_video
from tests.support.stories import branching, write_story


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["story", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_clean_and_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_story(tmp_path, branching())
    assert _run(capsys, "check", "--no-media", str(path)) == (0, "", "0 errors, 0 warnings\n")
    doc = branching()
    doc["choices"]["path"]["default"] = 7
    doc["choices"]["spare"] = doc["choices"]["last"]
    broken = write_story(tmp_path / "b", doc)
    code, out, err = _run(capsys, "check", "--no-media", str(broken))
    assert code == 1 and err == "1 error, 1 warning\n"
    assert out.splitlines() == [
        "error BAD_DEFAULT: choice “path”: default 7 is not one of its options 0–1",
        "warning UNUSED: choice “spare” is never used",
    ]
    code, out, err = _run(capsys, "check", str(tmp_path / "none.story.json"))
    assert code == 1 and out == ""
    assert err == "moments story: error: The story “none.story.json” does not exist.\n"


def test_walk_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_story(tmp_path, branching())
    code, out, err = _run(capsys, "walk", str(path), "--choose", "1,default")
    assert code == 0 and err == ""
    assert [line.replace(" torch=true", "").replace(" endings_seen=0", "") for line in
            out.splitlines()] == [
        "  1. intro       0:00.000–0:10.000  brave=false score=0 mood=calm",
        "  2. hall        0:10.000–0:20.000  brave=false score=0 mood=calm",
        "     path: “Which way?” → 1 Cave",
        "  3. cave        0:30.000–0:40.000  brave=true score=3 mood=scared",
        "  4. camp_brave  0:40.000–0:50.000  brave=true score=3 mood=scared",
        "     last: “Go home?” → 1 Wander (timer ran out)",
        "  5. bad         1:10.000–1:15.000  brave=true score=3 mood=scared",
        "ending bad: “Lost” (go_back)",
    ]  # fmt: skip
    first = "  1. intro       0:00.000–0:10.000  brave=false torch=true score=0 mood=calm"
    assert out.splitlines()[0] == first + " endings_seen=0"
    code, out, _ = _run(capsys, "walk", str(path), "--choose", "0", "--json")
    data = json.loads(out)
    assert code == 0 and data["ending"] is None
    assert data["waiting"]["choice"] == "last" and len(data["steps"]) == 4
    code, out, err = _run(capsys, "walk", str(path), "--choose", "0,9")
    assert code == 2 and out == ""
    assert "choice “last” shows 2 options; 9 is not one of them" in err


def test_walk_refuses_a_broken_story(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.story.json"
    path.write_text("not json")
    code, out, err = _run(capsys, "walk", str(path))
    assert code == 1 and out == ""
    assert err.startswith("moments story: error: This story cannot play: “x.story.json” is not")
    assert err.count("\n") == 1


def test_graph_writes_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = branching()
    doc["segments"]["intro"]["title"] = "<Intro & “more”>"
    path = write_story(tmp_path, doc)
    code, out, _ = _run(capsys, "graph", str(path), "-o", str(tmp_path / "map.svg"))
    assert code == 0 and out.strip() == str(tmp_path / "map.svg")
    root = ET.parse(tmp_path / "map.svg").getroot()
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "<Intro & “more”>" in texts and "Cave" in texts and "ending: Home" in texts
    assert _run(capsys, "graph", str(path), "-o", str(tmp_path / "map.png"))[0] == 2
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "map.svg").stat().st_mode & 0o777 == 0o666 & ~umask  # as any new file
    code, _, err = _run(capsys, "graph", str(path), "-o", str(tmp_path / "map.svg"))
    assert code == 4 and "already exists; --force replaces it" in err
    assert _run(capsys, "graph", str(path), "-o", str(tmp_path / "map.svg"), "--force")[0] == 0


def test_prepare_puts_keyframes_at_segment_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video = make_coded_video(tmp_path / "film.mp4", fps=25, seconds=6, size=(320, 180), gop=100)
    doc = {
        "format": 1,
        "media": "film.mp4",
        "segments": {
            "a": {"start": 0, "end": 2000, "choice": "c"},
            "b": {"start": 2000, "end": 4040, "ending": {}},
            "d": {"start": 4040, "end": 6000, "ending": {}},
        },
        "choices": {"c": {"prompt": "?", "options": [{"label": "B", "target": "b"},
                                                     {"label": "D", "target": "d"}]}},
    }  # fmt: skip
    path = tmp_path / "s.story.json"
    path.write_text(json.dumps(doc))
    before = video.path.read_bytes()
    code, out, _ = _run(capsys, "check", str(path))
    assert code == 0 and [line.split(":")[0] for line in out.splitlines()] == [
        "warning NO_KEYFRAME",
        "warning NO_KEYFRAME",
    ]
    code, out, err = _run(capsys, "prepare", str(path))
    assert code == 0, err
    prepared = Path(out.strip())
    assert prepared == tmp_path / "s (keyframes).story.json"
    assert (tmp_path / "film (keyframes).mp4").is_file()
    assert _run(capsys, "check", str(prepared))[:2] == (0, "")
    assert video.path.read_bytes() == before and json.loads(path.read_text()) == doc
    code, _, err = _run(capsys, "prepare", str(path))
    assert code == 4 and "already exists" in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [
        "film (keyframes).mp4",
        "film.mp4",
        "s (keyframes).story.json",
        "s.story.json",
    ]
