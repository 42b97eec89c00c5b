"""How a clip is framed: which part of the upright, square-pixel picture is kept, and how big
the output is. The editor preview and the export both call these functions, so they agree
to the pixel.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, TypeGuard

Aspect = Literal["source", "16:9", "1:1", "4:5", "9:16"]
FramingMode = Literal["crop", "fit"]

ASPECTS: dict[str, Fraction] = {
    "16:9": Fraction(16, 9),
    "1:1": Fraction(1, 1),
    "4:5": Fraction(4, 5),
    "9:16": Fraction(9, 16),
}
MODES = ("crop", "fit")


def is_aspect(value: object) -> TypeGuard[Aspect]:
    """Whether ``value`` names an output aspect ("source", "16:9", …)."""
    return value == "source" or (isinstance(value, str) and value in ASPECTS)


Rect = tuple[int, int, int, int]


@dataclass(frozen=True)
class Framing:
    """``aspect`` of the output; ``crop`` cuts the picture to it, ``fit`` shows the whole
    picture over a blurred copy of itself. (cx, cy) is the centre of the crop window as
    fractions of the display picture; it is clamped so the window stays inside."""

    aspect: Aspect = "source"
    mode: FramingMode = "crop"
    cx: float = 0.5
    cy: float = 0.5

    def __post_init__(self) -> None:
        if self.aspect != "source" and self.aspect not in ASPECTS:
            raise ValueError(f"unknown aspect {self.aspect!r} (use source, 16:9, 1:1, 4:5, 9:16)")
        if self.mode not in MODES:
            raise ValueError(f"unknown framing mode {self.mode!r} (use crop or fit)")
        object.__setattr__(self, "cx", min(1.0, max(0.0, float(self.cx))))
        object.__setattr__(self, "cy", min(1.0, max(0.0, float(self.cy))))

    def ratio(self, display_w: int, display_h: int) -> Fraction:
        """Width / height of the output picture."""
        if self.aspect == "source":
            return Fraction(max(2, display_w), max(2, display_h))
        return ASPECTS[self.aspect]

    def to_json(self) -> dict[str, Any]:
        return {"aspect": self.aspect, "mode": self.mode, "cx": self.cx, "cy": self.cy}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Framing:
        return cls(
            aspect=data.get("aspect", "source"),
            mode=data.get("mode", "crop"),
            cx=float(data.get("cx", 0.5)),
            cy=float(data.get("cy", 0.5)),
        )


def _even(value: float) -> int:
    """Round down to an even number, at least 2."""
    return max(2, int(value) // 2 * 2)


def crop_rect(display_w: int, display_h: int, framing: Framing) -> Rect:
    """The kept window ``(x, y, w, h)`` in display pixels (even numbers). ``fit`` keeps all."""
    full_w, full_h = _even(display_w), _even(display_h)
    if framing.mode == "fit" or framing.aspect == "source":
        return (0, 0, full_w, full_h)
    ratio = float(framing.ratio(display_w, display_h))
    if full_w / full_h > ratio:
        w, h = _even(full_h * ratio), full_h
    else:
        w, h = full_w, _even(full_w / ratio)
    w, h = min(w, full_w), min(h, full_h)
    x = _even_clamp(framing.cx * full_w - w / 2, full_w - w)
    y = _even_clamp(framing.cy * full_h - h / 2, full_h - h)
    return (x, y, w, h)


def _even_clamp(value: float, upper: int) -> int:
    clamped = min(max(value, 0.0), float(upper))
    even = round(clamped) // 2 * 2
    return min(even, upper - upper % 2)


def output_size(
    display_w: int, display_h: int, framing: Framing, *, max_w: int, max_h: int
) -> tuple[int, int]:
    """Output width and height (even): the framed picture, scaled down to fit ``max_w`` x
    ``max_h``, never scaled up."""
    natural_w: float
    natural_h: float
    if framing.mode == "fit":
        ratio = float(framing.ratio(display_w, display_h))
        if display_w / max(1, display_h) > ratio:
            natural_w, natural_h = float(display_w), display_w / ratio
        else:
            natural_w, natural_h = display_h * ratio, float(display_h)
    else:
        _, _, cw, ch = crop_rect(display_w, display_h, framing)
        natural_w, natural_h = float(cw), float(ch)
    scale = min(1.0, max_w / natural_w, max_h / natural_h)
    return _even(natural_w * scale + 1e-6), _even(natural_h * scale + 1e-6)


def fit_rect(display_w: int, display_h: int, out_w: int, out_h: int) -> Rect:
    """Where the whole picture sits inside an ``out_w`` x ``out_h`` frame in ``fit`` mode."""
    scale = min(out_w / display_w, out_h / display_h)
    w, h = min(out_w, _even(display_w * scale + 1e-6)), min(out_h, _even(display_h * scale + 1e-6))
    return ((out_w - w) // 4 * 2, (out_h - h) // 4 * 2, w, h)


def box_for(ratio: Fraction, long_side: int, short_side: int) -> tuple[int, int]:
    """``(max_w, max_h)`` for a picture of ``ratio``: landscape pictures get the long side as
    width, portrait ones as height."""
    return (long_side, short_side) if ratio >= 1 else (short_side, long_side)


def framed_output_size(
    display_w: int, display_h: int, framing: Framing, long_side: int, short_side: int
) -> tuple[int, int]:
    """The output size of an export: the framed picture inside a preset's long x short box
    (landscape or portrait by the framed shape). The preview and the export both use it."""
    max_w, max_h = box_for(framing.ratio(display_w, display_h), long_side, short_side)
    return output_size(display_w, display_h, framing, max_w=max_w, max_h=max_h)
