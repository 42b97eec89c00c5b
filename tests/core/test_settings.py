import json
from pathlib import Path

from moments.core.settings import Preferences, load_preferences, save_preferences


def test_round_trip(tmp_path: Path) -> None:
    prefs = Preferences(volume=55, muted=True, resume_playback=False)
    save_preferences(prefs, tmp_path / "s.json")
    assert load_preferences(tmp_path / "s.json") == prefs
    assert json.loads((tmp_path / "s.json").read_text())["schema_version"] == 1


def test_missing_corrupt_and_wrong_types_give_defaults(tmp_path: Path) -> None:
    assert load_preferences(tmp_path / "none.json") == Preferences()
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2", encoding="utf-8")
    assert load_preferences(bad) == Preferences()
    odd = tmp_path / "odd.json"
    odd.write_text(
        json.dumps({"volume": "loud", "muted": 1, "unknown": 3, "resume_playback": False})
    )
    prefs = load_preferences(odd)
    assert prefs.volume == Preferences().volume
    assert prefs.muted is False
    assert prefs.resume_playback is False


def test_volume_is_clamped(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(json.dumps({"volume": 900}))
    assert load_preferences(tmp_path / "s.json").volume == 200


def test_capture_preferences_round_trip_and_clamp(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text(
        json.dumps({"moment_before_s": 20, "moment_after_s": -3, "capture_key": " "})
    )
    prefs = load_preferences(tmp_path / "s.json")
    assert prefs.moment_before_s == 20.0
    assert prefs.moment_after_s == 0.0
    assert prefs.capture_key == "C"
    assert prefs.pause_on_capture is True
