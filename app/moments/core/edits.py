"""What the editor changes on a Moment: the trim, the captions, the hashtags, the framing and
the platform the user has in mind. Stored as JSON in ``Moment.edits``; the export turns it
into ffmpeg requests and the share panel into post text.

Times are source seconds, like the Moment's ranges; caption times are seconds from the
trimmed clip's start (``core/captions.py``), and a quoted caption also keeps its line's
source times, so ``with_trim`` keeps it on its line.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any

from moments.core.captions import Caption
from moments.core.framing import Framing
from moments.core.moment import Moment

log = logging.getLogger(__name__)

EDITS_VERSION = 1
DEFAULT_PRESET = "x"


@dataclass(frozen=True)
class MomentEdits:
    """The editor's state for one moment. ``trim_start``/``trim_end`` None: the moment's own
    start/end. ``preset`` is the platform whose limits the editor draws."""

    trim_start: float | None = None
    trim_end: float | None = None
    captions: tuple[Caption, ...] = ()
    hashtags: tuple[str, ...] = ()
    framing: Framing = field(default_factory=Framing)
    """The framing of every platform that has none of its own."""
    platform_framing: tuple[tuple[str, Framing], ...] = ()
    """Platforms framed their own way (Reels at 9:16 while X keeps 16:9), by preset id."""
    preset: str = DEFAULT_PRESET
    title: str | None = None
    """The title (file names, metadata); None keeps the Moment's."""
    description: str = ""
    """The text posted beside the video (the title when empty), hashtags apart."""

    def trim(self, moment: Moment) -> tuple[float, float]:
        """``(start, end)`` in source seconds, clamped inside the moment and at least 1 ms."""
        start = moment.start if self.trim_start is None else self.trim_start
        end = moment.end if self.trim_end is None else self.trim_end
        start = min(max(start, moment.start), moment.end - 0.001)
        end = min(max(end, start + 0.001), moment.end)
        return start, end

    def duration(self, moment: Moment) -> float:
        start, end = self.trim(moment)
        return end - start

    def with_trim(self, start: float | None, end: float | None, moment: Moment) -> MomentEdits:
        """The trim moved: quoted captions stay on their lines (``Caption.placed_in``), and a
        line the clip no longer holds is not shown until the trim brings it back."""
        trimmed = self.replace(trim_start=start, trim_end=end)
        return trimmed.replace(captions=trimmed.placed_captions(moment))

    def placed_captions(self, moment: Moment) -> tuple[Caption, ...]:
        clip_start, clip_end = self.trim(moment)
        return tuple(c.placed_in(clip_start, clip_end) for c in self.captions)

    def clip_captions(self, moment: Moment) -> tuple[Caption, ...]:
        """The captions the clip shows (those whose line the trim left out are not)."""
        return tuple(c for c in self.placed_captions(moment) if not c.outside_clip)

    def framing_for(self, preset_id: str) -> Framing:
        """The framing a platform's file gets: its own, else the shared one."""
        return dict(self.platform_framing).get(preset_id, self.framing)

    def has_own_framing(self, preset_id: str) -> bool:
        return preset_id in dict(self.platform_framing)

    def with_framing(self, framing: Framing, preset_id: str | None = None) -> MomentEdits:
        """Change ``preset_id``'s own framing (it gets one), or with None the shared one
        (or, when the platform being edited has its own, that one)."""
        own = dict(self.platform_framing)
        target = preset_id if preset_id is not None else self.preset
        if preset_id is not None or target in own:
            own[target] = framing
            return self.replace(platform_framing=tuple(sorted(own.items())))
        return self.replace(framing=framing)

    def without_own_framing(self, preset_id: str) -> MomentEdits:
        own = {k: v for k, v in self.platform_framing if k != preset_id}
        return self.replace(platform_framing=tuple(sorted(own.items())))

    def post_text(self, moment: Moment | None = None) -> str:
        """The text posted beside the video: the description (else a title the user gave;
        never the automatic "film.mkv at 1:23") and the hashtags."""
        parts = [self.description.strip() or (self.title or "").strip()]
        if self.hashtags:
            parts.append(" ".join(self.hashtags))
        return "\n\n".join(p for p in parts if p)

    def replace(self, **changes: Any) -> MomentEdits:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": EDITS_VERSION,
            "trim_start": self.trim_start,
            "trim_end": self.trim_end,
            "captions": [c.to_json() for c in self.captions],
            "hashtags": list(self.hashtags),
            "framing": self.framing.to_json(),
            "platform_framing": {k: v.to_json() for k, v in self.platform_framing},
            "preset": self.preset,
            "title": self.title,
            "description": self.description,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> MomentEdits:
        """Read stored edits; a field that cannot be read keeps its default (and is logged),
        the others are kept."""
        if not isinstance(data, dict):
            return cls()
        readers: dict[str, Any] = {
            "trim_start": lambda v: _seconds(v),
            "trim_end": lambda v: _seconds(v),
            "captions": lambda v: tuple(Caption.from_json(c) for c in v or ()),
            "hashtags": lambda v: tuple(str(t) for t in v or ()),
            "framing": lambda v: Framing.from_json(v or {}),
            "platform_framing": lambda v: tuple(
                sorted((str(k), Framing.from_json(f)) for k, f in (v or {}).items())
            ),
            "preset": lambda v: str(v or DEFAULT_PRESET),
            "title": lambda v: str(v) if v else None,
            "description": lambda v: str(v or ""),
        }
        values: dict[str, Any] = {}
        for name, read in readers.items():
            if name not in data:
                continue
            try:
                values[name] = read(data[name])
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                log.warning("stored edit %s unreadable (%s); using the default", name, exc)
        return cls(**values)

    @classmethod
    def of(cls, moment: Moment) -> MomentEdits:
        return cls.from_json(moment.edits)


def kept_range(moment: Moment) -> tuple[float, float]:
    """What a Moment keeps, in source seconds: its trim inside its ranges. A press keeps a
    wider raw range than the clip (``ui/moments/scene_link``: room to move the ends), so
    this, not ``moment.start``/``end``, is the clip the user sees, plays and exports."""
    return MomentEdits.of(moment).trim(moment)


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"not a time: {value!r}")
    return number
