"""Real footage from the shared corpus, and generated interlaced and 10-bit HDR sources: every
export comes out upright, square-pixel, constant-rate, 8-bit SDR; damaged files export what
decodes or fail cleanly."""

from fractions import Fraction
from pathlib import Path

import pytest

from moments.core.errors import MediaError
from moments.media.export.engine import ExportRequest, FolderTemplate, export
from moments.media.probe import probe
from tests.media.test_export_support import decodes_cleanly, files_in, video_stream
from tests.support.media import ffmpeg

HARD = [
    "1080p-portrait-derotated.mp4",
    "hevc.ts",
    "issue-134-rotate.mp4",
    "sample_with_srt.mkv",
    "sar_2x1.mp4",
    "test-mkv-multi.mkv",
    "traffic_camera_vfr.mp4",
    "trim-buck-bunny.webm",
]
BROKEN = [
    "100kB-garbage-prefix.mp3",
    "chunk_out_of_range.mp4",
    "crc_element_has_invalid_hash.mkv",
    "invalid_userdata.mp4",
    "no-initial-keyframe.ts",
    "sample.mkv",
]


def assert_clean_video(path: Path, display: tuple[int, int], asked: float, step: float) -> None:
    info = video_stream(path)
    width, height = int(info["width"]), int(info["height"])
    assert info.get("sample_aspect_ratio", "1:1") in ("1:1", "N/A")
    assert not info.get("side_data_list"), "a rotation flag is left for players to apply"
    assert width / height == pytest.approx(display[0] / display[1], rel=0.02)
    assert info["pix_fmt"] == "yuv420p" and info["codec_name"] == "h264"
    assert info.get("color_transfer") not in ("smpte2084", "arib-std-b67")
    assert Fraction(info["r_frame_rate"]) == Fraction(info["avg_frame_rate"])
    assert info.get("field_order", "progressive") in ("progressive", "unknown")
    assert info["format_duration"] == pytest.approx(asked, abs=2 * step + 0.03)
    assert decodes_cleanly(path)


@pytest.mark.corpus
@pytest.mark.parametrize("name", HARD)
def test_hard_sources_export_upright_square_and_timed(
    corpus: Path, tmp_path: Path, name: str
) -> None:
    source = corpus / "hard" / name
    info = probe(str(source))
    video = info.primary_video
    assert video is not None and info.duration
    start, end = 0.2, min(2.2, info.duration * 0.75)
    result = export(
        ExportRequest(
            source=str(source),
            start=start,
            end=end,
            destination=FolderTemplate(tmp_path),
            preset="original",
        )
    )
    assert_clean_video(result.path, video.display_size, end - start, info.frame_duration)
    assert (result.width, result.height) == video.display_size


@pytest.mark.corpus
def test_variable_frame_rate_source_keeps_its_timing(corpus: Path, tmp_path: Path) -> None:
    """traffic_camera_vfr: 25 fps for 11.52 s, then 12.5 fps; a clip across the change."""
    source = corpus / "hard" / "traffic_camera_vfr.mp4"
    result = export(
        ExportRequest(
            source=str(source),
            start=10.0,
            end=14.0,
            destination=FolderTemplate(tmp_path),
            preset="x",
        )
    )
    info = video_stream(result.path)
    assert Fraction(info["r_frame_rate"]) == 25
    assert info["format_duration"] == pytest.approx(4.0, abs=0.08)


@pytest.mark.corpus
@pytest.mark.parametrize("name", BROKEN)
def test_broken_sources_export_what_decodes_or_fail_cleanly(
    corpus: Path, tmp_path: Path, name: str
) -> None:
    source = corpus / "broken" / name
    out = tmp_path / "out"
    request = ExportRequest(
        source=str(source), start=0.1, end=2.0, destination=FolderTemplate(out), preset="x"
    )
    try:
        result = export(request)
    except MediaError as exc:
        assert name in str(exc) and "\n" not in str(exc)
        assert files_in(out) == []
        return
    assert files_in(out) == [result.path.name]
    assert decodes_cleanly(result.path)
    assert result.duration > 0


def test_interlaced_source_is_deinterlaced(tmp_path: Path) -> None:
    source = tmp_path / "interlaced.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=50:d=2",
        "-vf",
        "tinterlace=4,setfield=tff",
        "-c:v",
        "libx264",
        "-flags",
        "+ildct+ilme",
        "-x264opts",
        "tff=1",
        "-pix_fmt",
        "yuv420p",
        str(source),
    )
    assert video_stream(source)["field_order"] == "tt"
    result = export(
        ExportRequest(
            source=str(source), start=0.4, end=1.6, destination=FolderTemplate(tmp_path / "out")
        )
    )
    assert_clean_video(result.path, (320, 180), 1.2, 0.04)


def test_10_bit_hdr_source_becomes_8_bit_sdr(tmp_path: Path) -> None:
    source = tmp_path / "hdr10.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=25:d=2",
        "-vf",
        "format=yuv420p10le",
        "-c:v",
        "libx265",
        "-x265-params",
        "log-level=error",
        "-color_primaries",
        "bt2020",
        "-color_trc",
        "smpte2084",
        "-colorspace",
        "bt2020nc",
        "-pix_fmt",
        "yuv420p10le",
        str(source),
    )
    assert video_stream(source)["color_transfer"] == "smpte2084"
    result = export(
        ExportRequest(
            source=str(source),
            start=0.4,
            end=1.6,
            preset="x",
            destination=FolderTemplate(tmp_path / "out"),
        )
    )
    info = video_stream(result.path)
    assert info["pix_fmt"] == "yuv420p" and info["color_transfer"] == "bt709"
    assert_clean_video(result.path, (320, 180), 1.2, 0.04)
