"""One decode per file into per-frame and per-100 ms signals: times, windows, the sidecar,
pause and cancel, VFR, broken files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from moments.core.cancel import CancelToken, PauseGate
from moments.core.errors import CancelledError, MediaError
from moments.core.scene.signals import SceneSignals
from moments.media.analysis import AnalysisCache, AnalysisProgress, LiveAnalysis, file_identity
from moments.media.analysis import runner as analyse_module
from moments.media.tools import idle_priority_hook
from tests.support.media import ffmpeg
from tests.support.scenes import SceneFilm

pytestmark = pytest.mark.timeout(120)


def analyse(source: str, **options: object) -> SceneSignals:
    """The analysis at normal priority: at idle priority a busy test machine starves it."""
    return analyse_module.analyse(source, idle=False, **options)  # type: ignore[arg-type]


@pytest.fixture
def cache(tmp_path: Path) -> AnalysisCache:
    return AnalysisCache(tmp_path / "analysis")


@pytest.fixture
def film(scene_film: SceneFilm, tmp_path: Path) -> Path:
    """A private copy: tests that touch or damage it leave the shared one alone."""
    copy = tmp_path / "film 1.mp4"
    shutil.copyfile(scene_film.path, copy)
    return copy


def _count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    starts: list[float] = []
    real = analyse_module.decode_stretch

    def counting(source: str, stretch, **kwargs):  # type: ignore[no-untyped-def]
        starts.append(stretch.start)
        return real(source, stretch, **kwargs)

    monkeypatch.setattr(analyse_module, "decode_stretch", counting)
    return starts


def test_every_frame_once_with_its_own_time(scene_film: SceneFilm) -> None:
    signals = analyse(str(scene_film.path), cache=False)
    assert signals.complete
    assert len(signals.frames) == scene_film.frames
    assert np.allclose(signals.frames.t, np.arange(scene_film.frames) / scene_film.fps)
    assert signals.effective_fps == pytest.approx(25)
    assert signals.frames.values.shape == (scene_film.frames, 10)
    assert np.isnan(signals.frames.values[0, 2])  # no frame before the first
    assert not np.isnan(signals.frames.values[1:, :5]).any()


def test_window_first_then_the_rest_gives_the_same_signals(
    scene_film: SceneFilm, cache: AnalysisCache
) -> None:
    whole = analyse(str(scene_film.path), cache=False)
    seen: list[AnalysisProgress] = []
    parts = analyse(str(scene_film.path), focus=12.0, window=(2.0, 2.0), chunk_s=5.0,
                    cache=cache, progress=seen.append)  # fmt: skip
    stretches = [p for p in seen if p.signals is not None]
    assert stretches[0].phase == "window"
    first = stretches[0].signals
    assert first is not None and first.coverage.spans == ((10.0, 14.0),)
    assert stretches[-1].phase == "done" and stretches[-1].fraction == 1.0
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions)
    assert np.array_equal(whole.frames.t, parts.frames.t)
    assert np.array_equal(whole.frames.values, parts.frames.values, equal_nan=True)
    assert np.array_equal(whole.frames.signature, parts.frames.signature)


def test_only_the_window(scene_film: SceneFilm, cache: AnalysisCache) -> None:
    signals = analyse(str(scene_film.path), focus=5.0, window=(1.0, 1.0), only_window=True,
                      cache=cache)  # fmt: skip
    assert not signals.complete
    assert signals.frames.t[0] == pytest.approx(4.0) and signals.frames.t[-1] < 6.0
    assert signals.fraction_done() == pytest.approx(2.0 / 23.6, abs=0.01)


def test_second_open_costs_nothing(
    film: Path, cache: AnalysisCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = analyse(str(film), cache=cache)
    decodes = _count_decodes(monkeypatch)
    seen: list[AnalysisProgress] = []
    again = analyse(str(film), cache=cache, progress=seen.append)
    assert decodes == []
    assert [p.phase for p in seen] == ["cached"]
    assert np.array_equal(first.frames.values, again.frames.values, equal_nan=True)
    moved = film.with_name("renamed film.mp4")  # the identity is the content, not the name
    film.rename(moved)
    analyse(str(moved), cache=cache)
    assert decodes == []


def test_a_changed_file_is_analysed_again(
    film: Path, cache: AnalysisCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyse(str(film), cache=cache)
    stat = film.stat()
    os.utime(film, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    decodes = _count_decodes(monkeypatch)
    analyse(str(film), cache=cache)
    assert decodes == [0.0]


def test_a_damaged_sidecar_is_ignored_and_rebuilt(
    film: Path, cache: AnalysisCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyse(str(film), cache=cache)
    sidecar = cache.path(file_identity(film))
    data = sidecar.read_bytes()
    sidecar.write_bytes(data[: len(data) // 2])
    decodes = _count_decodes(monkeypatch)
    rebuilt = analyse(str(film), cache=cache)
    assert decodes == [0.0] and rebuilt.complete
    assert cache.load(file_identity(film)) is not None
    sidecar.write_bytes(b"not a sidecar at all")
    assert cache.load(file_identity(film)) is None
    assert not sidecar.exists()


def test_cancel_keeps_what_was_done_and_resumes(
    film: Path, cache: AnalysisCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = CancelToken()

    def stop_after_first(item: AnalysisProgress) -> None:
        if item.signals is not None:
            token.cancel()

    with pytest.raises(CancelledError):
        analyse(str(film), focus=12.0, window=(2.0, 2.0), chunk_s=5.0, cache=cache,
                progress=stop_after_first, cancel=token)  # fmt: skip
    partial = cache.load(file_identity(film))
    assert partial is not None and not partial.complete
    assert partial.coverage.covers(10.0, 14.0)
    decodes = _count_decodes(monkeypatch)
    analyse(str(film), focus=12.0, window=(2.0, 2.0), chunk_s=5.0, cache=cache)
    assert 10.0 not in decodes and decodes


def test_cancel_stops_ffmpeg_promptly(film: Path) -> None:
    token = CancelToken()
    threading.Timer(0.3, token.cancel).start()
    began = time.monotonic()
    with pytest.raises(CancelledError):
        analyse(str(film), cache=False, cancel=token, chunk_s=1000)
    assert time.monotonic() - began < 3


def test_pause_holds_ffmpeg_until_resumed(film: Path) -> None:
    gate = PauseGate()
    resumed: list[float] = []

    def on_progress(item: AnalysisProgress) -> None:
        if not resumed and item.fraction > 0:
            gate.pause()
            threading.Timer(1.0, lambda: (resumed.append(time.monotonic()), gate.resume())).start()

    began = time.monotonic()
    signals = analyse(str(film), cache=False, pause=gate, progress=on_progress)
    assert signals.complete and resumed
    assert time.monotonic() - began >= 1.0


def test_idle_priority_hook_sets_the_lowest_priority() -> None:
    hook = idle_priority_hook()
    if hook is None:
        pytest.skip("not POSIX")
    code = "import os; print(os.nice(0), os.sched_getscheduler(0) == os.SCHED_IDLE)"
    result = subprocess.run([sys.executable, "-c", code], preexec_fn=hook, check=True,
                            capture_output=True, text=True)  # fmt: skip
    assert result.stdout.split() == ["19", "True"]


def test_loudness_every_100_ms(tmp_path: Path) -> None:
    film = tmp_path / "talk.mkv"
    tone = "sine=f=440:d=2,volume=0.5[a];anullsrc=d=1,atrim=0:1[b];sine=f=660:d=2,volume=0.05[c]"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=5", "-filter_complex",
           f"{tone};[a][b][c]concat=n=3:v=0:a=1[out]", "-map", "0:v", "-map", "[out]",
           "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac", str(film))  # fmt: skip
    signals = analyse(str(film), cache=False)
    audio = signals.audio
    assert np.allclose(np.diff(audio.t), 0.1, atol=0.002)
    assert audio.t[0] == pytest.approx(0.1, abs=0.01) and audio.t[-1] == pytest.approx(5.0, 0.05)
    loud = audio.momentary[(audio.t > 0.6) & (audio.t < 2.0)]
    quiet = audio.momentary[(audio.t > 2.5) & (audio.t < 3.0)]
    soft = audio.momentary[(audio.t > 3.6) & (audio.t < 5.0)]
    assert loud.min() > soft.max() + 10 and quiet.max() <= -60


def test_variable_frame_rate_uses_frame_times(corpus: Path) -> None:
    signals = analyse(str(corpus / "hard" / "traffic_camera_vfr.mp4"), cache=False)
    t = signals.frames.t
    assert len(t) == 576
    steps = np.diff(t)
    assert np.allclose(steps[:287], 0.04, atol=1e-3) and np.allclose(steps[-280:], 0.08, 1e-3)
    assert t[-1] == pytest.approx(34.48, abs=0.05)


@pytest.mark.parametrize(
    "name",
    ["100kB-garbage-prefix.mp3", "chunk_out_of_range.mp4", "crc_element_has_invalid_hash.mkv",
     "invalid_userdata.mp4", "no-initial-keyframe.ts", "sample.mkv"],
)  # fmt: skip
def test_broken_files_end_in_a_clear_state(corpus: Path, name: str, cache: AnalysisCache) -> None:
    began = time.monotonic()
    try:
        signals = analyse(str(corpus / "broken" / name), cache=cache)
    except MediaError as exc:
        assert str(exc).startswith("“")
    else:
        assert signals.complete and len(signals.frames) > 0
    assert time.monotonic() - began < 60


def test_missing_file_and_no_picture(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        analyse(str(tmp_path / "gone.mp4"), cache=False)
    song = tmp_path / "song.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", str(song))
    with pytest.raises(MediaError, match="no picture"):
        analyse(str(song), cache=False)


def test_live_segments_continue_one_another(scene_film: SceneFilm, tmp_path: Path) -> None:
    """A ring's TS segments (ring time = source + 10 s, as media/ring.py writes them) give
    the same frame signals as the whole file, frame for frame."""
    listing = tmp_path / "segments.csv"
    ffmpeg("-i", str(scene_film.path), "-c", "copy", "-f", "segment", "-segment_time", "2",
           "-segment_format", "mpegts", "-segment_format_options",
           "mpegts_copyts=1:output_ts_offset=10", "-segment_list", str(listing),
           "-segment_list_type", "csv", str(tmp_path / "seg%03d.ts"))  # fmt: skip
    live = LiveAnalysis(keep_s=60, idle=False)
    for line in listing.read_text().splitlines():
        name, start, end = line.split(",")
        signals = live.add_segment(tmp_path / name, 10 + float(start), 10 + float(end))
    whole = analyse(str(scene_film.path), cache=False)
    offset = signals.frames.t[0] - 10  # the TS muxer's own delay: ring time is the pts
    assert 0 <= offset < 0.2
    assert np.allclose(signals.frames.t, whole.frames.t + 10 + offset, atol=1e-3)
    assert np.allclose(signals.frames.values[1:], whole.frames.values[1:], atol=1e-3,
                       equal_nan=True)  # fmt: skip
    assert live.signals is signals
