"""MomentEdits: the editor's state, clamped to the moment and stored as JSON."""

from __future__ import annotations

from moments.core.captions import Caption, CaptionStyle
from moments.core.edits import MomentEdits
from moments.core.framing import Framing
from moments.core.moment import Moment, SourceRange


def moment() -> Moment:
    return Moment.new("/films/a.mkv", [SourceRange("/films/a.mkv", 10.0, 25.0)], 20.0)


def test_defaults_keep_the_whole_moment() -> None:
    assert MomentEdits().trim(moment()) == (10.0, 25.0)
    assert MomentEdits().duration(moment()) == 15.0


def test_trim_is_clamped_inside_the_moment() -> None:
    assert MomentEdits(trim_start=2.0, trim_end=99.0).trim(moment()) == (10.0, 25.0)
    start, end = MomentEdits(trim_start=30.0, trim_end=12.0).trim(moment())
    assert 10.0 <= start < end <= 25.0


def test_round_trip_through_json() -> None:
    edits = MomentEdits(
        trim_start=11.5,
        trim_end=19.25,
        captions=(Caption("when the 🎬 drops", y=0.2, style=CaptionStyle.BOXED, start=1.0),),
        hashtags=("#cinema", "#café"),
        framing=Framing(aspect="9:16", cx=0.3),
        platform_framing=(("x", Framing(aspect="1:1")),),
        preset="instagram-reels",
        title="The drop",
        description="When it drops.\nEvery time.",
    )
    assert MomentEdits.from_json(edits.to_json()) == edits


def test_unreadable_parts_are_dropped_not_raised() -> None:
    edits = MomentEdits.from_json({"trim_start": "soon", "hashtags": ["#a"]})
    assert edits.trim_start is None and edits.hashtags == ("#a",)
    assert MomentEdits.from_json(None) == MomentEdits()
    assert MomentEdits.from_json({"framing": {"aspect": "7:3"}}).framing == Framing()


def test_post_text_joins_title_and_hashtags() -> None:
    edits = MomentEdits(hashtags=("#a", "#b"), title="Wow")
    assert edits.post_text(moment()) == "Wow\n\n#a #b"
    assert edits.replace(title=None).post_text() == "#a #b"  # never "a.mkv at 0:20"
    assert edits.replace(description="Look!").post_text() == "Look!\n\n#a #b"


def test_a_platform_can_have_its_own_framing() -> None:
    edits = MomentEdits(preset="x").with_framing(Framing(aspect="1:1"))
    assert edits.framing.aspect == "1:1" and edits.platform_framing == ()
    reels = edits.with_framing(Framing(aspect="9:16", cx=0.2), "instagram-reels")
    assert reels.framing_for("instagram-reels").aspect == "9:16"
    assert reels.framing_for("x").aspect == "1:1"
    editing_reels = reels.replace(preset="instagram-reels").with_framing(Framing(aspect="4:5"))
    assert editing_reels.framing_for("instagram-reels").aspect == "4:5"
    assert editing_reels.framing.aspect == "1:1"
    assert editing_reels.without_own_framing("instagram-reels").framing_for(
        "instagram-reels"
    ) == Framing(aspect="1:1")


def test_a_quoted_caption_stays_on_its_line_when_the_trim_moves() -> None:
    # The line is spoken 10.30–11.80 s in the source: 0.30–1.80 s into the whole moment.
    quoted = Caption("Hello there", start=0.3, end=1.8, source_start=10.3, source_end=11.8)
    edits = MomentEdits(captions=(quoted, Caption("mine", start=0.5, end=2.0)))
    later = edits.with_trim(11.3, 25.0, moment())  # In moved by 1.3 s
    line, own = later.captions
    assert (line.start, line.end) == (0.0, 0.5)  # still under its line, cut where the clip starts
    assert (own.start, own.end) == (0.5, 2.0)  # a caption placed by hand keeps its clip times
    assert later.clip_captions(moment()) == later.captions
    gone = edits.with_trim(12.0, 25.0, moment())  # the line is no longer in the clip
    assert gone.captions[0].outside_clip and not gone.captions[0].visible_at(0.0)
    assert gone.clip_captions(moment()) == (gone.captions[1],)
    back = gone.with_trim(10.0, 25.0, moment())  # bring the line back: the caption returns
    assert (back.captions[0].start, back.captions[0].end) == (0.3, 1.8)
    assert back.captions[0].text == "Hello there"


def test_anchors_survive_json_and_old_edits_still_load() -> None:
    quoted = Caption("Hi", start=0.3, end=1.8, source_start=10.3, source_end=11.8)
    assert MomentEdits.from_json(MomentEdits(captions=(quoted,)).to_json()).captions == (quoted,)
    old = {  # saved before captions knew their line: clip times only
        "version": 1,
        "captions": [
            {
                "text": "Hi",
                "x": 0.5,
                "y": 0.82,
                "size": 0.065,
                "style": "outline",
                "start": 0.3,
                "end": 1.8,
            }
        ],
    }
    (caption,) = MomentEdits.from_json(old).captions
    assert (caption.start, caption.end, caption.source_start) == (0.3, 1.8, None)
    moved = MomentEdits.from_json(old).with_trim(11.0, 25.0, moment())
    assert (moved.captions[0].start, moved.captions[0].end) == (0.3, 1.8)
