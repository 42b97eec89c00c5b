"""The pure export planner: argument lists, sizes and bitrates, without running ffmpeg."""

from fractions import Fraction
from pathlib import Path

import pytest

from moments.core.framing import Framing
from moments.core.presets import MIB
from moments.media.export.encoders import CANDIDATES
from moments.media.export.engine import ExportRequest, FolderTemplate, Overlay, plan
from moments.media.export.source import SourceDetails, TrimWindow, window_from_times
from moments.media.probe import AudioStream, MediaInfo, VideoStream

HOSTILE = "a:b 'c' %{pts} \\ [x];[y] \n 🎬 -y"


def media(
    width: int = 1920,
    height: int = 1080,
    *,
    fps: float = 25.0,
    rotation: int = 0,
    sar: Fraction = Fraction(1),
    field_order: str = "progressive",
    audio: bool = True,
    duration: float = 60.0,
) -> MediaInfo:
    video = VideoStream(0, "h264", width, height, fps, rotation, sar, "yuv420p", field_order)
    sound = [AudioStream(1, "aac", 6, 96000)] if audio else []
    return MediaInfo("/videos/film.mkv", "matroska", duration, video=[video], audio=sound)


def request(**changes: object) -> ExportRequest:
    base: dict[str, object] = {
        "source": "/videos/-film: one.mkv",
        "start": 10.0,
        "end": 20.0,
        "destination": FolderTemplate(Path("/out")),
    }
    return ExportRequest(**{**base, **changes})  # type: ignore[arg-type]


def arg_after(args: tuple[str, ...], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_input_seek_comes_before_the_input_and_the_clip_is_cut_by_duration() -> None:
    job = plan(request(), media(), window=TrimWindow(10.0, 20.0, 0.04, 0.04))
    (args,) = job.passes
    assert args.index("-ss") < args.index("-i")
    assert float(arg_after(args, "-ss")) == pytest.approx(10.0 - 0.002)
    assert float(arg_after(args, "-t")) == pytest.approx(10.0 - 0.01)
    assert arg_after(args, "-i") == "/videos/-film: one.mkv"
    assert (job.width, job.height, job.duration) == (1920, 1080, 10.0)


def test_x264_high_aac_yuv420p_faststart_crf_and_metadata_as_arguments() -> None:
    job = plan(request(preset="x", title=HOSTILE, comment=HOSTILE), media())
    (args,) = job.passes
    for flag, value in [("-c:v", "libx264"), ("-profile:v", "high"), ("-pix_fmt", "yuv420p"),
                        ("-c:a", "aac"), ("-movflags", "+faststart"), ("-crf", "23"),
                        ("-ac", "2"), ("-ar", "48000"), ("-f", "mp4")]:  # fmt: skip
        assert arg_after(args, flag) == value
    assert f"title={HOSTILE}" in args and f"comment={HOSTILE}" in args
    assert "%{pts}" not in job.filter_graph and "'c'" not in job.filter_graph
    assert (job.width, job.height) == (1920, 1080)
    assert plan(request(preset="discord"), media()).width == 1280  # scaled into its box
    # The title names the file, made safe: no separators, no newlines.
    assert job.target == Path("/out/a-b 'c' %{pts} - [x];[y] - 🎬 -y 00-00-10.000.mp4")
    assert plan(request(preset="x"), media()).target == Path("/out/-film- one 00-00-10.000.mp4")


def test_caption_pngs_are_single_frame_inputs_overlaid_at_the_origin() -> None:
    overlays = [Overlay(Path("/tmp/a.png")), (Path("/tmp/b.png"), 1.5, 4.0)]
    job = plan(request(overlays=overlays), media())
    (args,) = job.passes
    assert "-loop" not in args
    inputs = [args[i + 1] for i, a in enumerate(args) if a == "-i"]
    assert inputs[1:] == ["/tmp/a.png", "/tmp/b.png"]
    assert "[base][1:v]overlay=0:0[ov1]" in job.filter_graph
    assert "[ov1][2:v]overlay=0:0:enable='gte(t,1.500000)*lt(t,4.000000)'[ov2]" in job.filter_graph


def test_crop_scale_and_blur_pad() -> None:
    crop = plan(request(framing=Framing(aspect="9:16"), preset="tiktok"), media())
    assert "crop=606:1080:656:0" in crop.filter_graph
    assert (crop.width, crop.height) == (606, 1080)
    fit = plan(request(framing=Framing(aspect="9:16", mode="fit"), preset="tiktok"), media())
    assert "split=2[bgsrc][fgsrc]" in fit.filter_graph and "boxblur" in fit.filter_graph
    assert "[bg][fg]overlay=0:656[base]" in fit.filter_graph
    assert (fit.width, fit.height) == (1080, 1920)


def test_rotated_and_anamorphic_sources_are_cropped_in_stored_pixels() -> None:
    rotated = plan(request(framing=Framing(aspect="1:1")), media(1280, 720, rotation=90))
    assert (rotated.width, rotated.height) == (720, 720)
    assert "crop=720:720:0:280" in rotated.filter_graph
    wide = plan(request(), media(640, 360, sar=Fraction(2)))
    assert (wide.width, wide.height) == (1280, 360)
    assert "crop" not in wide.filter_graph and "setsar=1" in wide.filter_graph
    square = plan(request(framing=Framing(aspect="1:1")), media(640, 360, sar=Fraction(2)))
    assert "crop=180:360:230:0" in square.filter_graph
    assert (square.width, square.height) == (360, 360)


def test_interlaced_hdr_and_variable_rate_sources_are_normalised() -> None:
    interlaced = plan(request(), media(field_order="tt"))
    assert "bwdif=mode=send_frame" in interlaced.filter_graph
    hdr = SourceDetails(rate=Fraction(25), transfer="smpte2084", primaries="bt2020")
    tonemapped = plan(request(), media(), details=hdr)
    assert "zscale=tin=smpte2084:pin=bt2020" in tonemapped.filter_graph
    assert "tonemap=tonemap=hable" in tonemapped.filter_graph
    vfr = SourceDetails(rate=Fraction(25), avg_rate=Fraction(4800, 287))
    window = TrimWindow(10.0, 20.0, 0.08, 0.08)
    constant = plan(request(), media(), details=vfr, window=window)
    assert "fps=25" in constant.filter_graph and constant.rate == 25
    odd = SourceDetails(rate=Fraction(90000), avg_rate=Fraction(30000, 1001))
    step = 1 / 30
    phone = plan(request(preset="x"), media(), details=odd, window=TrimWindow(10, 20, step, step))
    assert phone.rate == 30 and "fps=30" in phone.filter_graph
    assert "bwdif" not in plan(request(), media()).filter_graph
    assert "fps=" not in plan(request(), media()).filter_graph


def test_size_cap_two_pass_when_it_binds_else_capped_crf() -> None:
    binding = plan(request(preset="discord", end=130.0), media(duration=200))
    assert binding.two_pass and len(binding.passes) == 2
    first, second = binding.passes
    kbps = binding.video_kbps
    assert kbps is not None and binding.audio_kbps is not None
    expected = 10 * MIB * 8 * 0.95 / 120 / 1000 - binding.audio_kbps
    assert kbps == pytest.approx(expected, abs=1)
    assert arg_after(first, "-pass") == "1" and arg_after(first, "-f") == "null"
    assert arg_after(second, "-pass") == "2" and arg_after(second, "-b:v") == f"{kbps}k"
    assert arg_after(first, "-passlogfile") == arg_after(second, "-passlogfile")
    easy = plan(request(preset="discord", end=15.0), media())
    (args,) = easy.passes
    assert not easy.two_pass and "-crf" in args and arg_after(args, "-maxrate:v").endswith("k")
    forced = plan(request(preset="discord", end=15.0), media(), force_kbps=900)
    assert forced.two_pass and arg_after(forced.passes[1], "-b:v") == "900k"


def test_gif_webp_and_still() -> None:
    gif = plan(request(preset="gif"), media())
    assert (gif.width, gif.height) == (480, 270) and gif.rate == 15
    assert "palettegen=stats_mode=diff" in gif.filter_graph
    assert "paletteuse=dither=bayer" in gif.filter_graph
    assert arg_after(gif.passes[0], "-f") == "gif" and "-an" in gif.passes[0]
    webp = plan(request(preset="webp"), media())
    assert arg_after(webp.passes[0], "-c:v") == "libwebp_anim"
    still = plan(request(preset="still"), media())
    assert arg_after(still.passes[0], "-frames:v") == "1" and still.target.suffix == ".png"
    jpeg = plan(request(preset="still", destination=Path("/out/shot.JPG")), media())
    assert arg_after(jpeg.passes[0], "-c:v") == "mjpeg"


def test_hardware_encoder_arguments() -> None:
    vaapi = next(c for c in CANDIDATES if c.name == "h264_vaapi")
    job = plan(request(), media(), hardware=vaapi)
    (args,) = job.passes
    assert args.index("-vaapi_device") < args.index("-i")
    assert job.filter_graph.endswith(",format=nv12,hwupload[vout]")
    assert arg_after(args, "-c:v") == "h264_vaapi" and "-qp:v" in args and "-pix_fmt" not in args


def test_trim_window_from_packet_times() -> None:
    times = [(t / 50, 0.02) for t in range(100, 300)]
    window = window_from_times(times, 3.51, 5.005)
    assert window is not None
    assert window.first == pytest.approx(3.5) and window.end == pytest.approx(5.02)
    vfr = [(0.0, None), (0.04, None), (0.12, None), (0.2, None), (0.28, None)]
    gappy = window_from_times(vfr, 0.15, 0.25)
    assert gappy is not None
    assert (gappy.first, gappy.end) == pytest.approx((0.12, 0.28))
    assert gappy.gap_before == pytest.approx(0.08)
    assert window_from_times([], 1, 2) is None


def test_a_gif_stops_reading_the_source_at_the_clip_end() -> None:
    """palettegen only answers at the end of its input: without an input -t it would wait
    for the whole rest of the source."""
    (args,) = plan(request(preset="gif"), media()).passes
    assert args.index("-t") < args.index("-i")
    assert float(arg_after(args, "-t")) == pytest.approx(10.0, abs=0.1)
