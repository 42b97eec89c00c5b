"""The one caption renderer: golden images (with tolerance), emoji, right-to-left, timing."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from moments.core.captions import Caption, CaptionStyle, time_windows
from moments.ui.common.overlay_render import caption_rect, render_overlay, render_overlay_png

GOLDENS = Path(__file__).parent / "goldens"
W, H = 480, 270

CASES = {
    "outline-emoji": [Caption("Best scene ever 🎉🍿\nsecond line", y=0.78)],
    "boxed-arabic": [Caption("مرحبا بالعالم 👋", y=0.5, style=CaptionStyle.BOXED)],
    "meme": [
        Caption("when the plot twist hits", style=CaptionStyle.MEME_TOP, y=0.12, size=0.09),
        Caption("and you saw it coming", style=CaptionStyle.MEME_BOTTOM, y=0.88, size=0.09),
    ],
}


def as_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    rows = data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return rows.reshape(image.height(), image.width(), 4).copy()  # the QImage dies here


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_golden(qapp, name: str, tmp_path: Path) -> None:
    golden = GOLDENS / f"{name}.png"
    out = render_overlay_png(CASES[name], W, H, tmp_path / f"{name}.png")
    if os.environ.get("MOMENTS_UPDATE_GOLDENS") or not golden.exists():
        golden.write_bytes(out.read_bytes())
        pytest.fail(f"golden {golden.name} written; review it and run again")
    got = as_array(QImage(str(out))).astype(int)
    want = as_array(QImage(str(golden))).astype(int)
    diff = np.abs(got - want)
    assert diff.mean() <= 2.0, f"mean difference {diff.mean():.2f}"
    assert (diff.max(axis=2) > 96).mean() <= 0.01


def test_emoji_are_drawn_in_colour(qapp) -> None:
    pixels = as_array(render_overlay([Caption("🎉🍿😂", y=0.5, size=0.3)], W, H))
    rgb = pixels[..., :3].astype(int)
    saturated = (rgb.max(axis=2) - rgb.min(axis=2)) > 80
    assert saturated.sum() > 500, "emoji came out as monochrome boxes or not at all"


def test_arabic_is_laid_out_right_to_left(qapp) -> None:
    """The first logical letter of an RTL line sits at the right end."""
    one = as_array(render_overlay([Caption("ب", x=0.5, y=0.5, size=0.2)], W, H))
    line = as_array(render_overlay([Caption("ب ـــــــــــ", x=0.5, y=0.5, size=0.2)], W, H))

    def ink_columns(pixels: np.ndarray) -> np.ndarray:
        return np.nonzero(pixels[..., 3].max(axis=0) > 128)[0]

    assert ink_columns(one).size and ink_columns(line).size
    assert ink_columns(line).max() > ink_columns(one).max() + 20  # the line grew leftwards…
    assert ink_columns(line).min() < ink_columns(one).min() - 40  # …and rightwards: centred


def test_position_size_and_clamping(qapp) -> None:
    rect = caption_rect(Caption("centre", x=0.5, y=0.5), 1000, 500)
    assert abs(rect.center().x() - 500) < 2 and abs(rect.center().y() - 250) < 2
    corner = caption_rect(Caption("far corner text", x=1.0, y=1.0, size=0.1), 1000, 500)
    assert corner.right() <= 1000 and corner.bottom() <= 500
    big = caption_rect(Caption("big", size=0.2), 1000, 500)
    small = caption_rect(Caption("big", size=0.05), 1000, 500)
    assert big.height() > 3 * small.height()


@pytest.mark.parametrize(
    "text", ["a:b 'c' %{pts} \\n \\\\ ${x} [in]", "line one\nline two\n\nline four", "x" * 5000]
)
def test_hostile_text_renders_inside_the_picture(qapp, text: str) -> None:
    pixels = as_array(render_overlay([Caption(text)], W, H))
    assert pixels[..., 3].max() == 255
    assert pixels.shape == (H, W, 4)


def test_captions_follow_their_times(qapp) -> None:
    captions = [Caption("early", end=2.0), Caption("late", start=2.0, y=0.2)]
    early = as_array(render_overlay(captions, W, H, at=1.0))
    late = as_array(render_overlay(captions, W, H, at=3.0))
    assert early[: H // 2, :, 3].max() == 0 and early[H // 2 :, :, 3].max() == 255
    assert late[: H // 2, :, 3].max() == 255 and late[H // 2 :, :, 3].max() == 0
    assert time_windows(captions, 5.0) == [(0.0, 2.0), (2.0, 5.0)]


def test_caption_round_trips_json() -> None:
    caption = Caption("hi 👋", x=0.3, y=0.7, size=0.1, style=CaptionStyle.MEME_TOP, start=1.5)
    assert Caption.from_json(caption.to_json()) == caption
