"""Embedded subtitle tracks read with the real ffmpeg, and subtitle files found beside a video."""

import contextlib
import time
from pathlib import Path

import pytest

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, MediaError
from moments.core.subtitles import Cue
from moments.media.probe import probe
from moments.media.subtitle_tracks import (
    SubtitleTrack,
    extract_subtitle_cues,
    extract_subtitle_text,
    find_external_subtitles,
    list_subtitle_tracks,
    parse_tracks,
    tracks_from_info,
)
from tests.support.media import ffmpeg, make_subtitles

LINES = [(i * 2 + 0.5, i * 2 + 1.9, f"line {i}") for i in range(30)]
ASS = """[Script Info]
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour
Style: Default,Arial,20,&H00FFFFFF

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:03.00,Default,Ana,0,0,0,,{\\an8\\i1}Hola{\\i0}\\Nmundo
Dialogue: 0,0:00:31.00,0:00:33.00,Default,,0,0,0,,{\\p1}m 0 0 l 9 9{\\p0}Adiós
"""


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """60 s of video with an SRT (eng) and an ASS (spa) track; MP4 with mov_text; an MKV
    whose timeline starts at 10 s."""
    folder = tmp_path_factory.mktemp("subtitle-tracks")
    srt = make_subtitles(folder / "lines.srt", LINES)
    ass = folder / "lines.ass"
    ass.write_text(ASS, encoding="utf-8")
    video = ["-f", "lavfi", "-i", "testsrc2=s=160x90:r=25:d=60"]
    out = {"mkv": folder / "two tracks.mkv", "mp4": folder / "-dash.mp4"}
    ffmpeg(*video, "-i", str(srt), "-i", str(ass), "-map", "0", "-map", "1", "-map", "2",
           "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:s:0", "srt", "-c:s:1",
           "ass", "-metadata:s:s:0", "language=eng", "-metadata:s:s:0", "title=English",
           "-metadata:s:s:1", "language=spa", "-disposition:s:1", "forced",
           str(out["mkv"]))  # fmt: skip
    ffmpeg("-i", str(out["mkv"]), "-map", "0:v", "-map", "0:s:0", "-c:v", "copy",
           "-c:s", "mov_text", "file:" + str(out["mp4"]))  # fmt: skip
    out["offset"] = folder / "offset.mkv"
    ffmpeg("-i", str(out["mkv"]), "-map", "0", "-c", "copy", "-output_ts_offset", "10",
           str(out["offset"]))  # fmt: skip
    return out


def test_lists_tracks_with_language_title_and_dispositions(media: dict[str, Path]) -> None:
    tracks = list_subtitle_tracks(str(media["mkv"]))
    assert [(t.index, t.codec, t.language, t.is_text) for t in tracks] == [
        (1, "subrip", "eng", True),
        (2, "ass", "spa", True),
    ]
    assert tracks[0].title == "English" and not tracks[0].forced
    assert tracks[1].forced and tracks[1].label == "spa · ASS (forced)"
    assert tracks[0].label == "English · SRT"  # "eng" is in the title already
    info_tracks = tracks_from_info(probe(str(media["mkv"])))
    assert [t.index for t in info_tracks] == [1, 2]
    assert list_subtitle_tracks(str(media["mp4"]))[0].codec == "mov_text"


def test_extracts_whole_tracks_as_clean_cues(media: dict[str, Path]) -> None:
    srt, ass = list_subtitle_tracks(str(media["mkv"]))
    cues = extract_subtitle_cues(str(media["mkv"]), srt)
    assert [(c.start, c.end, c.text) for c in cues] == LINES
    assert extract_subtitle_cues(str(media["mkv"]), ass) == [
        Cue(1.0, 3.0, "Hola\nmundo", "Ana"),
        Cue(31.0, 33.0, "Adiós"),
    ]
    assert "Dialogue:" in extract_subtitle_text(str(media["mkv"]), ass)
    mov_text = list_subtitle_tracks(str(media["mp4"]))[0]
    assert len(extract_subtitle_cues(str(media["mp4"]), mov_text)) == len(LINES)


def test_window_reads_only_the_lines_of_a_moment(media: dict[str, Path]) -> None:
    srt, ass = list_subtitle_tracks(str(media["mkv"]))
    cues = extract_subtitle_cues(str(media["mkv"]), srt, start=41.0, end=45.0)
    assert [c.text for c in cues] == ["line 20", "line 21", "line 22"]
    assert cues[0] == Cue(40.5, 41.9, "line 20")
    raw = extract_subtitle_text(str(media["mkv"]), srt, start=41.0, end=45.0)
    assert "line 5\n" not in raw and "line 29" not in raw  # seeks in and stops reading
    ass_cues = extract_subtitle_cues(str(media["mkv"]), ass, start=32.5, end=40.0)
    assert ass_cues == [Cue(31.0, 33.0, "Adiós")]


def test_times_are_in_the_sources_own_timeline(media: dict[str, Path]) -> None:
    """A file whose first packet is at 10 s: cue times count from there, as the player's."""
    track = list_subtitle_tracks(str(media["offset"]))[0]
    assert extract_subtitle_cues(str(media["offset"]), track)[0] == Cue(0.5, 1.9, "line 0")
    window = extract_subtitle_cues(str(media["offset"]), track, start=30.0, end=31.0)
    assert window == [Cue(30.5, 31.9, "line 15")]


def test_picture_tracks_cannot_be_quoted(media: dict[str, Path]) -> None:
    data = {"streams": [{"index": 3, "codec_name": "hdmv_pgs_subtitle",
                         "tags": {"language": "und"}, "disposition": {"default": 1}}]}  # fmt: skip
    (pgs,) = parse_tracks(data)
    assert not pgs.is_text and pgs.default and pgs.language == ""
    with pytest.raises(MediaError, match=r"pictures \(PGS\).*cannot be quoted"):
        extract_subtitle_cues(str(media["mkv"]), pgs)
    assert not SubtitleTrack(4, "dvd_subtitle").is_text


def test_missing_broken_and_cancelled(media: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        list_subtitle_tracks(str(tmp_path / "gone.mkv"))
    junk = tmp_path / "junk.mkv"
    junk.write_bytes(b"\x1a\x45\xdf\xa3" + bytes(5000))
    with pytest.raises(MediaError, match="could not be read"):
        list_subtitle_tracks(str(junk))
    with pytest.raises(MediaError, match="could not be read"):
        extract_subtitle_cues(str(junk), SubtitleTrack(0, "subrip"))
    track = list_subtitle_tracks(str(media["mkv"]))[0]
    token = CancelToken()
    token.cancel()
    began = time.monotonic()
    with pytest.raises(CancelledError):
        extract_subtitle_cues(str(media["mkv"]), track, cancel=token)
    assert time.monotonic() - began < 2


def test_finds_subtitle_files_beside_a_video(tmp_path: Path) -> None:
    video = tmp_path / "The.Film.2014.mkv"
    names = ["The.Film.2014.srt", "The.Film.2014.en.srt", "the.film.2014.pt-BR.forced.vtt",
             "The.Film.2014.fr.sdh.ASS", "The.Film.2014.mkv", "The.Film.2014.nfo",
             "The.Film.2014.extended.srt", "Other.srt", "The.Film.20145.srt"]  # fmt: skip
    for name in names:
        (tmp_path / name).write_text("x")
    (tmp_path / "The.Film.2014.de.srt").mkdir()
    found = [(s.path.name, s.language, s.tags) for s in find_external_subtitles(video)]
    assert found == [
        ("The.Film.2014.srt", "", ()),
        ("The.Film.2014.extended.srt", "", ("extended",)),
        ("The.Film.2014.en.srt", "en", ()),
        ("The.Film.2014.fr.sdh.ASS", "fr", ("sdh",)),
        ("the.film.2014.pt-BR.forced.vtt", "pt-BR", ("forced",)),
    ]
    assert find_external_subtitles("https://example.com/film.mkv") == []
    assert find_external_subtitles(tmp_path / "nowhere" / "film.mkv") == []


@pytest.mark.corpus
def test_corpus_embedded_subrip(corpus: Path) -> None:
    source = str(corpus / "hard" / "sample_with_srt.mkv")
    (track,) = list_subtitle_tracks(source)
    assert (track.codec, track.language, track.title) == ("subrip", "eng", "Subs Label")
    assert extract_subtitle_cues(source, track) == [Cue(0.0, 1.234, "This is the first subtitle.")]


@pytest.mark.corpus
def test_corpus_srt_and_ass_tracks(corpus: Path) -> None:
    source = str(corpus / "hard" / "test-mkv-multi.mkv")
    srt, ass = list_subtitle_tracks(source)
    assert (srt.codec, srt.language, ass.codec, ass.language) == ("subrip", "eng", "ass", "spa")
    assert [c.text for c in extract_subtitle_cues(source, srt)] == [
        "Hello world!",
        "This is a test.",
        "Goodbye!",
    ]
    assert extract_subtitle_cues(source, ass, start=6.0, end=9.0) == [
        Cue(5.02, 7.02, "This is a test."),
        Cue(8.52, 10.02, "Goodbye!"),
    ]


@pytest.mark.corpus
def test_corpus_files_without_subtitles_and_broken_ones(corpus: Path) -> None:
    assert list_subtitle_tracks(str(corpus / "subtitles" / "friday.mp4")) == []
    found = find_external_subtitles(corpus / "subtitles" / "friday.mp4")
    assert [s.path.name for s in found] == ["friday.vtt"]
    for path in sorted((corpus / "broken").iterdir()):
        try:
            tracks = list_subtitle_tracks(str(path))
        except MediaError:
            continue
        for track in tracks:
            with contextlib.suppress(MediaError):
                extract_subtitle_cues(str(path), track, timeout=60)
