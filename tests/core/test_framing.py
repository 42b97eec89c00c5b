"""Framing: the crop window and the output size the preview and the export share."""

import pytest

from moments.core.framing import Framing, box_for, crop_rect, fit_rect, output_size


def test_source_framing_keeps_the_whole_picture() -> None:
    assert crop_rect(1920, 1080, Framing()) == (0, 0, 1920, 1080)
    assert crop_rect(1281, 721, Framing()) == (0, 0, 1280, 720)


@pytest.mark.parametrize(
    ("aspect", "rect"),
    [
        ("9:16", (656, 0, 606, 1080)),
        ("1:1", (420, 0, 1080, 1080)),
        ("4:5", (528, 0, 864, 1080)),
        ("16:9", (0, 0, 1920, 1080)),
    ],
)
def test_crop_is_centred_and_even(aspect: str, rect: tuple[int, int, int, int]) -> None:
    got = crop_rect(1920, 1080, Framing(aspect=aspect))  # type: ignore[arg-type]
    assert got == rect
    assert all(v % 2 == 0 for v in got)


def test_crop_follows_the_centre_and_stays_inside() -> None:
    left = crop_rect(1920, 1080, Framing(aspect="1:1", cx=0.0))
    right = crop_rect(1920, 1080, Framing(aspect="1:1", cx=1.0))
    middle = crop_rect(1920, 1080, Framing(aspect="1:1", cx=0.3))
    assert left == (0, 0, 1080, 1080)
    assert right == (840, 0, 1080, 1080)
    assert middle == (36, 0, 1080, 1080)
    tall = crop_rect(1080, 1920, Framing(aspect="16:9", cy=0.9))
    assert tall == (0, 1314, 1080, 606)


def test_output_size_fits_the_box_and_never_upscales() -> None:
    assert output_size(1920, 1080, Framing(), max_w=1280, max_h=720) == (1280, 720)
    assert output_size(640, 360, Framing(), max_w=1280, max_h=720) == (640, 360)
    assert output_size(1920, 1080, Framing(aspect="9:16"), max_w=1080, max_h=1920) == (606, 1080)
    assert output_size(3840, 2160, Framing(aspect="1:1"), max_w=1080, max_h=1080) == (1080, 1080)
    width, height = output_size(1280, 720, Framing(aspect="4:5"), max_w=480, max_h=480)
    assert (width, height) == (384, 480)


def test_fit_mode_pads_to_the_aspect_with_the_picture_centred() -> None:
    framing = Framing(aspect="9:16", mode="fit")
    assert crop_rect(1920, 1080, framing) == (0, 0, 1920, 1080)
    width, height = output_size(1920, 1080, framing, max_w=1080, max_h=1920)
    assert (width, height) == (1080, 1920)
    x, y, w, h = fit_rect(1920, 1080, width, height)
    assert (w, h) == (1080, 606)
    assert (x, y) == (0, 656)  # centred, rounded down to even


def test_box_for_orientation() -> None:
    assert box_for(Framing().ratio(1920, 1080), 1280, 720) == (1280, 720)
    assert box_for(Framing(aspect="9:16").ratio(1920, 1080), 1280, 720) == (720, 1280)


def test_json_round_trip_and_validation() -> None:
    framing = Framing(aspect="4:5", mode="fit", cx=0.25, cy=0.75)
    assert Framing.from_json(framing.to_json()) == framing
    assert Framing.from_json({}) == Framing()
    assert Framing(cx=7, cy=-1) == Framing(cx=1.0, cy=0.0)
    with pytest.raises(ValueError):
        Framing(aspect="3:2")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Framing(mode="stretch")  # type: ignore[arg-type]


def test_framed_output_size_puts_portrait_frames_in_a_portrait_box() -> None:
    from moments.core.framing import framed_output_size

    assert framed_output_size(1920, 1080, Framing(), 1280, 720) == (1280, 720)
    assert framed_output_size(1920, 1080, Framing(aspect="9:16"), 1920, 1080) == (606, 1080)
    assert framed_output_size(1920, 1080, Framing(aspect="9:16", mode="fit"), 1920, 1080) == (
        1080,
        1920,
    )
