"""join_ranges: ranges of frame-coded media joined exactly, with sound, never replacing."""

from __future__ import annotations

from pathlib import Path

import pytest

from moments.core.errors import StorageError
from moments.media.join import MediaRange, join_ranges
from moments.media.probe import probe
from tests.support.framecode import CodedVideo, decode_file, make_coded_video


def test_ranges_are_joined_frame_exact(tmp_path: Path, coded_video: CodedVideo) -> None:
    silent = make_coded_video(tmp_path / "silent.mp4", fps=50, seconds=4, audio=False)
    ranges = [
        MediaRange(coded_video.path, 1000, 2000),
        MediaRange(silent.path, 500, 900),
        MediaRange(coded_video.path, 5000, 5500),
    ]
    out = join_ranges(ranges, tmp_path / "joined clip.mkv")
    codes = decode_file(out)
    assert codes == [*range(50, 100), *range(25, 45), *range(250, 275)]
    info = probe(str(out))
    assert info.audio and info.audio[0].channels == 2
    assert info.duration == pytest.approx(1.9, abs=0.05)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    with pytest.raises(StorageError, match="already exists"):
        join_ranges(ranges, out)
