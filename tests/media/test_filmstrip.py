"""Filmstrips from the real ffmpeg, read back by frame codes; the cache; cancel and errors."""

import io
import math
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, MediaError
from moments.media.filmstrip import (
    Thumbnail,
    filmstrip_args,
    filmstrip_times,
    make_filmstrip,
    split_jpegs,
)
from moments.media.filmstrip_cache import FilmstripCache
from tests.support.framecode import CodedVideo, decode_array
from tests.support.media import make_audio_only


def picture(jpeg: bytes) -> Image.Image:
    return Image.open(io.BytesIO(jpeg)).convert("RGB")


def codes(images: tuple[bytes, ...] | list[bytes]) -> list[int | None]:
    return [decode_array(np.asarray(picture(jpeg))) for jpeg in images]


def shown_at(video: CodedVideo, t: float) -> int:
    """The frame on screen at ``t``: the last one starting at or before it."""
    return min(video.frames - 1, math.floor(t * video.fps + 1e-9))


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [(3.013, 13.013, 20), (0.0, 20.0, 16), (2.999, 10.4, 20), (7.011, 11.011, 12), (0.5, 0.9, 20)],
)
def test_thumbnail_i_shows_the_frame_at_start_plus_i_steps(
    coded_video: CodedVideo, tmp_path: Path, start: float, end: float, count: int
) -> None:
    strip = make_filmstrip(str(coded_video.path), start, end, count, height=90,
                           cache=FilmstripCache(tmp_path))  # fmt: skip
    assert strip.times == pytest.approx([start + i * (end - start) / count for i in range(count)])
    expected = [shown_at(coded_video, t) for t in strip.times]
    got = codes(strip.images)
    assert all(g is not None and abs(g - e) <= 1 for g, e in zip(got, expected, strict=True)), (
        f"expected {expected}, got {got}"
    )
    assert not strip.cached


def test_size_follows_the_display_aspect(coded_video: CodedVideo, tmp_path: Path) -> None:
    strip = make_filmstrip(str(coded_video.path), 1.0, 3.0, 4, cache=False)
    assert strip.height == 160
    assert {picture(jpeg).size for jpeg in strip.images} == {(284, 160)}
    with pytest.raises(ValueError, match="even"):
        make_filmstrip(str(coded_video.path), 1.0, 3.0, 4, height=91, cache=False)


def test_progress_per_thumbnail_in_order(coded_video: CodedVideo, tmp_path: Path) -> None:
    seen: list[Thumbnail] = []
    cache = FilmstripCache(tmp_path)
    strip = make_filmstrip(str(coded_video.path), 4.0, 8.0, 10, height=60, progress=seen.append,
                           cache=cache)  # fmt: skip
    assert [t.index for t in seen] == list(range(10))
    assert all(t.count == 10 for t in seen)
    assert [t.time for t in seen] == list(strip.times)
    assert [t.jpeg for t in seen] == list(strip.images)
    again: list[Thumbnail] = []
    cached = make_filmstrip(str(coded_video.path), 4.0, 8.0, 10, height=60,
                            progress=again.append, cache=cache)  # fmt: skip
    assert cached.cached and again == seen


def test_cache_hit_runs_no_ffmpeg_and_is_keyed_by_the_file(
    coded_video: CodedVideo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "copy.mp4"
    source.write_bytes(coded_video.path.read_bytes())
    first = make_filmstrip(str(source), 2.0, 6.0, 8, height=60)  # the default cache
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "moments" / "filmstrips"
    assert len(list(folder.glob("*.strip"))) == 1
    monkeypatch.setenv("MOMENTS_FFMPEG", str(tmp_path / "no-ffmpeg-here"))
    hit = make_filmstrip(str(source), 2.0, 6.0, 8, height=60)
    assert hit.cached and hit.images == first.images
    for other in [(2.0, 6.0, 9, 60), (2.0, 6.5, 8, 60), (2.0, 6.0, 8, 80)]:
        with pytest.raises(MediaError):  # not in the cache: ffmpeg is needed, and missing
            make_filmstrip(str(source), *other[:3], height=other[3])
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    with pytest.raises(MediaError):  # the file changed: the stored strip is not used
        make_filmstrip(str(source), 2.0, 6.0, 8, height=60)


def test_cache_evicts_least_recently_used(tmp_path: Path) -> None:
    cache = FilmstripCache(tmp_path / "strips", max_bytes=2500)
    images = [b"x" * 1000]
    for name, when in (("a", 100), ("b", 200)):
        cache.put(name, images)
        os.utime(tmp_path / "strips" / f"{name}.strip", (when, when))
    assert cache.get("a", 1) == images  # touched: now the newest
    cache.put("c", images)
    assert cache.get("b", 1) is None
    assert cache.get("a", 1) == images and cache.get("c", 1) == images
    assert cache.size() <= 2500
    (tmp_path / "strips" / "a.strip").write_bytes(b'{"sizes": [1000]}\nshort')
    assert cache.get("a", 1) is None  # damaged: ignored
    huge = FilmstripCache(tmp_path / "tiny", max_bytes=10)
    huge.put("only", images)
    assert huge.get("only", 1) == images  # the newest strip is always kept


def test_cancel_stops_and_caches_nothing(coded_video: CodedVideo, tmp_path: Path) -> None:
    token = CancelToken()
    seen: list[int] = []

    def first_then_cancel(thumb: Thumbnail) -> None:
        seen.append(thumb.index)
        token.cancel()

    cache = FilmstripCache(tmp_path / "strips")
    with pytest.raises(CancelledError):
        make_filmstrip(str(coded_video.path), 0.0, 20.0, 20, height=60,
                       progress=first_then_cancel, cancel=token, cache=cache)  # fmt: skip
    assert seen == [0]
    assert not (tmp_path / "strips").exists()


def test_errors_are_media_errors(coded_video: CodedVideo, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        make_filmstrip(str(tmp_path / "gone.mp4"), 0, 1, 2, cache=False)
    audio = make_audio_only(tmp_path / "song.m4a")
    with pytest.raises(MediaError, match="no picture"):
        make_filmstrip(str(audio), 0, 4, 4, cache=False)
    (tmp_path / "junk.mp4").write_bytes(b"\0" * 4096)
    with pytest.raises(MediaError, match="could not be read"):
        make_filmstrip(str(tmp_path / "junk.mp4"), 0, 4, 4, cache=False)
    with pytest.raises(ValueError):
        filmstrip_times(5.0, 5.0, 4)
    with pytest.raises(ValueError):
        filmstrip_times(0.0, 5.0, 0)


def test_a_range_past_the_end_repeats_the_last_picture(coded_video: CodedVideo) -> None:
    strip = make_filmstrip(str(coded_video.path), 18.0, 24.0, 6, height=60, cache=False)
    got = codes(strip.images)
    assert got[:2] == [900, 950]
    assert len(set(strip.images[2:])) == 1


def test_filters_hold_numbers_only() -> None:
    args = filmstrip_args("-odd name,[x]:y.mp4", 1.5, 4.5, 6, 160)
    graph = args[args.index("-vf") + 1]
    assert "odd" not in graph
    assert not args[args.index("-i") + 1].startswith("-")


def test_split_jpegs_walks_segments(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (32, 16), (200, 30, 30)).save(out, "JPEG", comment=b"\xff\xd9 tricky")
    one = out.getvalue()
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 255)).save(out, "JPEG")
    two = out.getvalue()
    stream = one + two + one[:40]
    assert split_jpegs(stream) == ([one, two], len(one) + len(two))
    buffer, found = bytearray(), []
    for i in range(0, len(stream), 7):  # byte dribbles, as from a pipe
        buffer.extend(stream[i : i + 7])
        images, used = split_jpegs(buffer)
        found += images
        del buffer[:used]
    assert found == [one, two]
    with pytest.raises(ValueError):
        split_jpegs(b"not a jpeg at all")


@pytest.mark.corpus
def test_corpus_rotation_and_sample_aspect(corpus: Path) -> None:
    rotated = make_filmstrip(str(corpus / "hard" / "issue-134-rotate.mp4"), 0, 2, 2, cache=False)
    width, height = picture(rotated.images[0]).size
    assert height == 160 and width < height
    wide = make_filmstrip(str(corpus / "hard" / "sar_2x1.mp4"), 0, 2, 2, height=90, cache=False)
    assert picture(wide.images[0]).size == (320, 90)


@pytest.mark.corpus
def test_corpus_broken_files_fail_cleanly(corpus: Path) -> None:
    for path in sorted((corpus / "broken").iterdir()):
        try:
            strip = make_filmstrip(str(path), 0.0, 2.0, 4, height=60, cache=False, timeout=60)
        except MediaError as exc:
            assert str(exc)
        else:
            assert len(strip.images) == 4
