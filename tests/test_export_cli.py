"""``moments export`` / ``moments presets``: exit codes, one-line errors, captions burned in.

Anything that draws captions runs in a subprocess: the renderer needs a QGuiApplication, and
one created here would stand in the way of the widget tests that run later in this session.
"""

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from moments.core.paths import AppDirs
from moments.export_cli import export_main, presets_main
from tests.media.test_export_support import decodes_cleanly, files_in, frame_at, video_stream
from tests.support.framecode import CodedVideo, decode_file, make_coded_video

RUN_EXPORT = (
    "import sys; from moments.export_cli import export_main; sys.exit(export_main(sys.argv[1:]))"
)
HOSTILE = [
    "colon: here",
    "it's 'quoted'",
    "%{pts} %{n} %%",
    "back\\slash \\n",
    "two\nlines",
    "🎬🔥 emoji 👨‍👩‍👧",
    "word " * 1000,
]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_EXPORT, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got: {text!r}"
    return lines[0]


def test_export_prints_the_path_then_the_hashtags(
    coded_video: CodedVideo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = export_main(
        [
            str(coded_video.path),
            "--start",
            "00:00:03.500",
            "--end",
            "5",
            "--hashtag",
            "Good vibes!",
            "--hashtag",
            "#good_vibes",
            "--hashtag",
            "goodvibes",
            "--preset",
            "x",
            "-o",
            str(tmp_path),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    path, tags = out.splitlines()
    assert Path(path) == tmp_path / "coded 50fps 00-00-03.500.mp4"
    assert tags == "#Goodvibes #good_vibes"
    assert decode_file(Path(path))[:2] == [175, 176]
    meta = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_entries", "format_tags", path],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(meta.stdout)["format"]["tags"]["comment"] == tags


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--end", "5"], "--start"),
        (["--start", "1:75", "--end", "5"], "not a time"),
        (["--start", "5", "--end", "4"], "--end must come after --start"),
        (["--start", "1", "--end", "2", "--preset", "myspace"], "invalid choice"),
        (["--start", "1", "--end", "2", "--aspect", "3:2"], "invalid choice"),
        (["--start", "1", "--end", "2", "--preset", "gif", "-o", "x.mp4"], "writes .gif"),
        (["--start", "30", "--end", "40"], "after the end"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    coded_video: CodedVideo,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert export_main([str(coded_video.path), *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in one_line(err)
    assert err.startswith("moments export: error: ")
    assert files_in(work) == []


def test_a_clip_the_preset_refuses_exits_2_with_the_fix(
    coded_video: CodedVideo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = export_main(
        [
            str(coded_video.path),
            "--start",
            "0",
            "--end",
            "2",
            "--preset",
            "youtube-shorts",
            "-o",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "YouTube Shorts does not take a 16:9 picture. (fix: Switch to 9:16)" in one_line(err)
    assert files_in(out) == []
    ok = export_main(
        [
            str(coded_video.path),
            "--start",
            "0",
            "--end",
            "2",
            "--preset",
            "youtube-shorts",
            "--aspect",
            "9:16",
            "-o",
            str(out) + "/",
        ]
    )
    assert ok == 0


def test_unreadable_source_exits_3_and_unwritable_output_exits_4(
    coded_video: CodedVideo, tmp_path: Path
) -> None:
    missing = run_cli(str(tmp_path / "gone.mp4"), "--start", "0", "--end", "1")
    assert missing.returncode == 3 and "does not exist" in one_line(missing.stderr)
    garbage = tmp_path / "garbage.mkv"
    garbage.write_bytes(b"\x1a\x45\xdf\xa3 not really" * 50)
    broken = run_cli(str(garbage), "--start", "0", "--end", "1", "-o", str(tmp_path / "o"))
    assert broken.returncode == 3 and "garbage.mkv" in one_line(broken.stderr)
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    unwritable = run_cli(
        str(coded_video.path), "--start", "0", "--end", "1", "-o", str(blocker / "clip.mp4")
    )
    assert unwritable.returncode == 4 and one_line(unwritable.stderr)
    assert files_in(tmp_path / "o") == []


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    [
        "100kB-garbage-prefix.mp3",
        "chunk_out_of_range.mp4",
        "crc_element_has_invalid_hash.mkv",
        "invalid_userdata.mp4",
        "no-initial-keyframe.ts",
        "sample.mkv",
    ],
)
def test_broken_corpus_files_export_cleanly_or_exit_3(
    corpus: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "out"
    result = run_cli(str(corpus / "broken" / name), "--start", "0.1", "--end", "2", "-o", f"{out}/")
    if result.returncode == 0:
        (produced,) = [out / n for n in files_in(out)]
        assert result.stdout.strip() == str(produced) and decodes_cleanly(produced)
    else:
        assert result.returncode == 3, result.stderr
        assert name in one_line(result.stderr)
        assert files_in(out) == []


def test_odd_source_and_output_names(tmp_path: Path) -> None:
    source = tmp_path / "-ünï côdé 🎬.mp4"
    make_coded_video(source, fps=25, seconds=3, size=(320, 180))
    result = run_cli(
        "--start", "1", "--end", "2", "--output=-out ✨/", "--", source.name, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    produced = tmp_path / "-out ✨" / "-ünï côdé 🎬 00-00-01.000.mp4"
    assert result.stdout.strip() == str(produced)
    assert decode_file(produced) == list(range(25, 50))


def render_reference(texts: list[str], width: int, height: int, folder: Path) -> np.ndarray:
    """The caption PNG the CLI draws, made by the same code in a subprocess."""
    script = (
        "import sys, json; from pathlib import Path; from moments.export_cli import "
        "_render_captions; _render_captions(json.loads(sys.argv[1]), int(sys.argv[2]), "
        "int(sys.argv[3]), Path(sys.argv[4]))"
    )
    subprocess.run(
        [sys.executable, "-c", script, json.dumps(texts), str(width), str(height), str(folder)],
        check=True,
        timeout=60,
    )
    return np.asarray(Image.open(folder / "captions.png").convert("RGBA"))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_captions_are_burned_in_literally(
    coded_video: CodedVideo, tmp_path: Path, text: str
) -> None:
    result = run_cli(
        str(coded_video.path),
        "--start",
        "3",
        "--end",
        "4",
        "--preset",
        "x",
        f"--caption={text}",
        "--caption=second block",
        "-o",
        str(tmp_path / "out"),
    )
    assert result.returncode == 0, result.stderr
    produced = Path(result.stdout.strip())
    assert decodes_cleanly(produced)
    reference = render_reference([text, "second block"], 640, 360, tmp_path)
    frame = frame_at(produced, 0.5).astype(int)
    white = (reference[..., 3] == 255) & (reference[..., :3].min(axis=2) > 240)
    black = (reference[..., 3] > 230) & (reference[..., :3].max(axis=2) < 20)
    assert white.sum() > 200 and black.sum() > 200
    assert frame[white].mean() > 200  # white text where the renderer drew it
    assert frame[black].mean() < 60  # and its outline
    untouched = reference[..., 3] == 0
    plain = frame_at_source(coded_video, 3.5).astype(int)
    assert np.abs(frame[untouched] - plain[untouched]).mean() < 6


def frame_at_source(video: CodedVideo, seconds: float) -> np.ndarray:
    return frame_at(video.path, seconds)


def test_progress_is_shown_on_a_terminal(coded_video: CodedVideo, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUN_EXPORT,
            str(coded_video.path),
            "--start",
            "0",
            "--end",
            "20",
            "--preset",
            "original",
            "-o",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    assert b"Exporting" in shown and b"100%" in shown and b"left" in shown
    assert proc.stdout is not None and proc.stdout.read().strip().endswith(".mp4")


def test_presets_lists_every_preset_with_settings_overrides(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert presets_main([]) == 0
    table = capsys.readouterr().out
    for preset_id in ("original", "x", "instagram-reels", "discord", "gif", "webp", "still"):
        assert f"\n{preset_id} " in table
    settings = AppDirs.from_environment().settings_file
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(json.dumps({"preset_overrides": {"mastodon": {"max_size": 41943040}}}))
    assert presets_main(["--json"]) == 0
    listed = {p["id"]: p for p in json.loads(capsys.readouterr().out)}
    assert len(listed) == 13
    assert listed["mastodon"]["max_size"] == 40 * 1024 * 1024
    assert listed["discord"]["max_size"] == 10 * 1024 * 1024


def test_exit_codes_from_a_real_process(coded_video: CodedVideo, tmp_path: Path) -> None:
    ok = run_cli(str(coded_video.path), "--start", "1", "--end", "2", "-o", str(tmp_path / "a.mp4"))
    assert ok.returncode == 0 and ok.stderr == "" and ok.stdout.strip() == str(tmp_path / "a.mp4")
    again = run_cli(
        str(coded_video.path), "--start", "1", "--end", "2", "-o", str(tmp_path / "a.mp4")
    )
    assert again.stdout.strip() == str(tmp_path / "a (2).mp4")
    usage = run_cli(str(coded_video.path), "--start", "x", "--end", "2")
    assert usage.returncode == 2 and one_line(usage.stderr).startswith("moments export: error:")
    assert video_stream(tmp_path / "a.mp4")["codec_name"] == "h264"
