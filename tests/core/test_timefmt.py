import pytest

from moments.core.timefmt import format_time, format_timecode, parse_time


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (5.9, "0:05"), (83.5, "1:23"), (3600, "1:00:00"), (-3, "0:00")],
)
def test_format_time(seconds: float, text: str) -> None:
    assert format_time(seconds) == text


def test_format_time_with_millis_and_timecode() -> None:
    assert format_time(83.5, millis=True) == "1:23.500"
    assert format_timecode(3723.25) == "01:02:03.250"
    assert format_timecode(0.04) == "00:00:00.040"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("12.5", 12.5),
        ("1:02", 62),
        ("01:02:03.250", 3723.25),
        (" 7 ", 7),
        ("0:59.9", 59.9),
        ("12,5", 12.5),
        ("00:01:02,500", 62.5),
        (".5", 0.5),
        ("12.", 12.0),
        ("1:02.", 62.0),
    ],
)
def test_parse_time(text: str, seconds: float) -> None:
    assert parse_time(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text", ["", "abc", "1:60", "1:61:00", "-5", "1::2", ".", "1.2.3", "1,2,3", "1:.5", "1e3"]
)
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


def test_timecode_round_trips() -> None:
    for seconds in (0.0, 0.02, 59.999, 61.5, 7325.125):
        assert parse_time(format_timecode(seconds)) == pytest.approx(seconds)
