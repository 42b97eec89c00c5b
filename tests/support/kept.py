"""A moment whose source is gone: only its raw clip is left to play."""

from __future__ import annotations

from pathlib import Path

from moments.core.moment import Moment, SourceRange
from moments.media.capture import capture
from tests.support.framecode import CodedVideo, make_coded_video

START, END = 16.0, 22.0


def moment_with_source_gone(folder: Path) -> tuple[CodedVideo, Moment]:
    """16–22 s of a 25 fps video with a keyframe every 10 s, kept, then its source moved.

    The raw clip starts on the keyframe at 10 s, six seconds before the moment.
    """
    video = make_coded_video(folder / "long gop.mp4", fps=25, seconds=30, size=(320, 180),
                             gop=250)  # fmt: skip
    rng = SourceRange(str(video.path), START, END)
    kept = capture(rng, folder / "kept")
    assert kept.raw_offset < 10.5
    moment = Moment.new(rng.source, [rng], 18.0)
    video.path.rename(folder / "moved away.mp4")
    return video, moment.with_capture(str(kept.raw_clip), kept.raw_offset, None)
