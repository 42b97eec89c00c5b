from pathlib import Path

import pytest

from moments.core.source import (
    display_name,
    ffmpeg_input,
    is_unicast_push,
    is_url,
    looks_live,
    normalize_location,
)


@pytest.mark.parametrize(
    ("location", "url", "live"),
    [
        ("/films/a b.mp4", False, False),
        ("file:///films/a.mp4", False, False),
        ("https://example.org/v.mp4", True, False),
        ("https://example.org/live/index.m3u8", True, True),
        ("udp://@:1234", True, True),
        ("rtsp://cam.local/stream", True, True),
        ("C:/films/a.mp4", False, False),
    ],
)
def test_classify(location: str, url: bool, live: bool) -> None:
    assert is_url(location) is url
    assert looks_live(location) is live


def test_normalize_and_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert normalize_location("-odd name é.mp4") == str(tmp_path / "-odd name é.mp4")
    assert normalize_location("file:///tmp/a%20b.mp4") == "/tmp/a b.mp4"
    assert display_name("/x/y/Film (2020).mkv") == "Film (2020).mkv"
    assert display_name("https://h.example/a/b%20c.mp4?x=1") == "b c.mp4"
    assert display_name("udp://@:1234") == "@:1234"


def test_ffmpeg_input_never_reads_as_an_option(tmp_path: Path) -> None:
    assert not ffmpeg_input(str(tmp_path / "-v.mp4")).startswith("-")
    assert ffmpeg_input("https://h/x.mp4") == "https://h/x.mp4"


@pytest.mark.parametrize(
    ("location", "for_ffmpeg", "unicast"),
    [
        ("udp://@:5004", "udp://0.0.0.0:5004", True),
        ("udp://@127.0.0.1:5004", "udp://127.0.0.1:5004", True),
        ("rtp://@:5004?ttl=1", "rtp://0.0.0.0:5004?ttl=1", True),
        ("udp://@239.0.0.1:1234", "udp://239.0.0.1:1234", False),
        ("udp://[ff02::1]:1234", "udp://[ff02::1]:1234", False),
        ("https://example.org/live.m3u8", "https://example.org/live.m3u8", False),
    ],
)
def test_vlc_listen_urls_read_as_ffmpeg_reads_them(location, for_ffmpeg, unicast):
    assert ffmpeg_input(location) == for_ffmpeg
    assert is_unicast_push(location) is unicast


def test_a_stream_is_named_by_what_tells_it_apart() -> None:
    assert display_name("https://cdn.example.com/live/channel4/index.m3u8") == "channel4"
    assert display_name("https://news.example.tv/hls/playlist.m3u8") == "news.example.tv"
    assert display_name("https://v.example/stream/") == "v.example"
    assert display_name("https://v.example/films/night.m3u8") == "night.m3u8"
