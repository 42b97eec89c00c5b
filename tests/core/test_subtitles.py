"""Subtitle parsing: SubRip, WebVTT, ASS/SSA, encodings, broken blocks, cues in a moment."""

from pathlib import Path

import pytest

from moments.core.captions import Caption, CaptionStyle
from moments.core.errors import MediaError
from moments.core.subtitles import (
    Cue,
    captions_from_cues,
    clean_markup,
    cues_between,
    decode_subtitle_bytes,
    parse_ass,
    parse_srt,
    parse_subtitles,
    parse_vtt,
    read_subtitle_file,
)

SRT = """1
00:00:01,000 --> 00:00:02,500
<i>Hello</i> there,
<font color="#ff0000">General</font> &amp; friends

2
00:00:03,000 --> 00:00:04,000 X1:10 X2:100 Y1:10 Y2:50
{\\an8}Top line

3
00:01:02.5 --> 00:01:03,250
Dot and short fraction
"""


def test_srt_cues_with_markup_stripped() -> None:
    cues = parse_srt(SRT)
    assert cues == [
        Cue(1.0, 2.5, "Hello there,\nGeneral & friends"),
        Cue(3.0, 4.0, "Top line"),
        Cue(62.5, 63.25, "Dot and short fraction"),
    ]


def test_srt_crlf_bom_and_missing_blank_lines() -> None:
    text = "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nOne\r\n"
    text += "2\r\n00:00:03,000 --> 00:00:04,000\r\nTwo\r\n\r\n\r\n"
    text += "3\r\n00:00:05,000 --> 00:00:06,000\r\n1984\r\n"
    cues = parse_srt(text)
    assert [c.text for c in cues] == ["One", "Two", "1984"]


def test_srt_broken_blocks_are_skipped_not_raised() -> None:
    text = """1
00:00:01,000 --> 00:00:02,000
Good

2
00:00:0x,000 --> 00:00:04,000
Bad timing

3
00:00:09,000 --> 00:00:05,000
Backwards

4
00:00:06,000 --> 00:00:07,000

5
garbage line without a timing

6
00:00:08,000 --> 00:00:09,000
Also good
"""
    cues = parse_srt(text)
    assert [c.text for c in cues] == ["Good", "Also good"]


def test_srt_numbers_as_text_and_sorting() -> None:
    text = "2\n00:00:05,000 --> 00:00:06,000\n42\n\n1\n00:00:01,000 --> 00:00:02,000\nfirst\n"
    assert parse_srt(text) == [Cue(1.0, 2.0, "first"), Cue(5.0, 6.0, "42")]


VTT = """WEBVTT - a title
Kind: captions
Language: en

NOTE this is a comment
spanning lines --> with an arrow

STYLE
::cue { color: yellow }

REGION
id:fred width:40%

intro
00:01.000 --> 00:02.500 align:start line:80%
<v.loud Roger Bingham>We are in New York City</v>

00:00:03.000 --> 00:00:04.000
<c.yellow>Coloured</c> &lt;tags&gt; <b>bold</b> &nbsp;spaced &lrm;mark
<00:00:03.500>karaoke <ruby>漢<rt>kan</rt></ruby>

00:05.000 --> broken
Skipped
"""


def test_vtt_header_notes_styles_settings_and_voices() -> None:
    cues = parse_vtt(VTT)
    assert cues[0] == Cue(1.0, 2.5, "We are in New York City", "Roger Bingham")
    assert cues[1] == Cue(3.0, 4.0, "Coloured <tags> bold spaced \u200emark\nkaraoke 漢")
    assert len(cues) == 2


def test_vtt_cue_glued_to_header_and_no_final_newline() -> None:
    assert parse_vtt("WEBVTT\n00:00.500 --> 00:01.000\nHi") == [Cue(0.5, 1.0, "Hi")]


ASS = """[Script Info]
Title: test
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour
Style: Default,Arial,20,&H00FFFFFF

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Comment: 0,0:00:00.00,0:00:05.00,Default,,0,0,0,,not shown
Dialogue: 0,0:00:01.02,0:00:03.52,Default,Alice,0,0,0,,{\\i1}Hello{\\i0}, world!\\NSecond, line
Dialogue: 1,0:00:01.02,0:00:03.52,Default,Alice,0,0,0,,{\\i1}Hello{\\i0}, world!\\NSecond, line
Dialogue: 0,0:00:04.00,0:00:05.00,Default,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100{\\p0}After\\hdrawing
Dialogue: 0,0:00:0x.00,0:00:05.00,Default,,0,0,0,,bad time
Dialogue: 0,0:00:06.00
"""


def test_ass_dialogue_overrides_breaks_layers_and_drawings() -> None:
    cues = parse_ass(ASS)
    assert cues == [
        Cue(1.02, 3.52, "Hello, world!\nSecond, line", "Alice"),
        Cue(4.0, 5.0, "After drawing"),
    ]


def test_ass_format_line_order_is_followed() -> None:
    text = "[Events]\nFormat: Start, End, Text\nDialogue: 0:00:02.00,0:00:03.50,Only, three\n"
    assert parse_ass(text) == [Cue(2.0, 3.5, "Only, three")]
    ssa = "[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, "
    ssa += "Effect, Text\nDialogue: Marked=0,0:00:01.00,0:00:02.00,Default,,0,0,0,,SSA line\n"
    assert parse_ass(ssa) == [Cue(1.0, 2.0, "SSA line")]


def test_format_is_recognised_from_content_then_hint() -> None:
    assert parse_subtitles(VTT)[0].speaker == "Roger Bingham"
    assert parse_subtitles(ASS)[0].speaker == "Alice"
    assert parse_subtitles(SRT)[0].text.startswith("Hello")
    bare_ass = "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,x"
    assert parse_subtitles(bare_ass) == [Cue(1.0, 2.0, "x")]
    assert parse_subtitles("00:01.000 --> 00:02.000\nno header", hint=".vtt")[0].text


def test_decoding_utf8_cp1252_latin1_and_utf16() -> None:
    assert decode_subtitle_bytes("café\r\n".encode()) == "café\n"
    assert decode_subtitle_bytes("Ça “va”".encode("cp1252")) == "Ça “va”"
    assert decode_subtitle_bytes(b"\x81\xe9") == "\x81é"  # not cp1252: latin-1
    assert decode_subtitle_bytes("\ufeffhé".encode("utf-16-le")) == "hé"
    assert decode_subtitle_bytes(b"\xef\xbb\xbfbom") == "bom"


def test_read_subtitle_file_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "film.fr.srt"
    path.write_bytes("1\r\n00:00:01,000 --> 00:00:02,000\r\nDéjà vu\r\n".encode("cp1252"))
    assert read_subtitle_file(path) == [Cue(1.0, 2.0, "Déjà vu")]
    with pytest.raises(MediaError, match="does not exist"):
        read_subtitle_file(tmp_path / "missing.srt")
    with pytest.raises(MediaError, match="folder"):
        read_subtitle_file(tmp_path)
    (tmp_path / "empty.vtt").write_text("WEBVTT\n")
    assert read_subtitle_file(tmp_path / "empty.vtt") == []
    (tmp_path / "junk.srt").write_bytes(bytes(range(256)) * 10)
    assert read_subtitle_file(tmp_path / "junk.srt") == []


def test_clean_markup_keeps_text_that_only_looks_like_markup() -> None:
    assert clean_markup("a < b > c, AT&T &notanentity {not an override}") == (
        "a < b > c, AT&T &notanentity {not an override}"
    )


CUES = [Cue(0.0, 2.0, "a"), Cue(1.5, 3.0, "b"), Cue(3.0, 4.0, "c"), Cue(9.0, 12.0, "d", "Bo")]


def test_cues_between_is_overlap() -> None:
    assert [c.text for c in cues_between(CUES, 2.0, 3.0)] == ["b"]
    assert [c.text for c in cues_between(CUES, 1.9, 3.01)] == ["a", "b", "c"]
    assert cues_between(CUES, 4.0, 9.0) == []


def test_captions_relative_to_clip_and_clamped() -> None:
    template = Caption("", y=0.1, style=CaptionStyle.BOXED)
    captions = captions_from_cues(CUES, 1.0, 10.0, template=template, with_speaker=True)
    assert [(c.text, c.start, c.end) for c in captions] == [
        ("a", 0.0, 1.0),
        ("b", 0.5, 2.0),
        ("c", 2.0, 3.0),
        ("Bo: d", 8.0, 9.0),
    ]
    assert all(c.style is CaptionStyle.BOXED and c.y == 0.1 for c in captions)
    first = captions_from_cues(CUES, 9.5, 10.0)[0]
    assert (first.text, first.start, first.end) == ("d", 0.0, 0.5)
    # Each caption knows its line in the source: moving the trim keeps it there.
    assert [(c.source_start, c.source_end) for c in captions] == [
        (cue.start, cue.end) for cue in cues_between(CUES, 1.0, 10.0)
    ]


@pytest.mark.corpus
def test_corpus_webvtt_files(corpus: Path) -> None:
    friday = read_subtitle_file(corpus / "subtitles" / "friday.vtt")
    assert friday[0] == Cue(0.0, 0.999, "Hildy!")
    assert len(friday) == 5
    english = read_subtitle_file(corpus / "subtitles" / "captions.en.vtt")
    assert len(english) == 78
    assert english[3].text == "Everything is safe.\nPerfectly safe."
    arabic = read_subtitle_file(corpus / "subtitles" / "captions.ar.vtt")
    assert len(arabic) == 77
    assert arabic[2].text == "طاحنات الرؤوس..."
    moment = cues_between(arabic, 20.0, 25.0)
    assert [c.start for c in moment] == [18.75, 21.0, 23.208]
