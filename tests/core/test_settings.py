import json
from pathlib import Path

from moments.core.presets import get_preset
from moments.core.settings import (
    Preferences,
    Settings,
    UiState,
    effective_preset,
    export_overrides,
    load_preferences,
    load_ui_state,
    save_preferences,
    save_ui_state,
)


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


def test_saving_keeps_what_it_does_not_know_and_the_preset_overrides(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    overrides = {"x": {"max_duration": 10800, "max_size": 8_000_000_000}, "mastodon": {"oops": 1}}
    path.write_text(
        json.dumps({"volume": 40, "preset_overrides": overrides, "from_the_future": {"a": [1]}})
    )
    prefs = load_preferences(path)
    assert prefs.preset_overrides == overrides
    prefs.volume = 70
    save_preferences(prefs, path)
    saved = json.loads(path.read_text())
    assert saved["volume"] == 70
    assert saved["preset_overrides"] == overrides  # the bad key too: the user's to mend
    assert saved["from_the_future"] == {"a": [1]}


def test_effective_preset_applies_valid_overrides_and_skips_bad_ones() -> None:
    prefs = Preferences(
        preset_overrides={
            "x": {"max_duration": 10800, "max_size": "8000000000"},
            "mastodon": {"max_size": 41943040, "max_sise": 5, "caption_limit": "lots"},
            "discord": "not a table",
        }
    )
    x = effective_preset("x", prefs)
    assert (x.max_duration, x.max_size) == (10800.0, 8_000_000_000)
    mastodon = effective_preset("mastodon", prefs)
    assert mastodon.max_size == 41943040
    assert mastodon.caption_limit == get_preset("mastodon").caption_limit
    assert effective_preset("discord", prefs) == get_preset("discord")
    assert effective_preset("x") == get_preset("x")
    # a fix accepted for one export wins over the user's own override
    assert effective_preset("x", prefs, {"max_duration": 60}).max_duration == 60
    assert export_overrides("mastodon", prefs) == {"max_size": 41943040}


def test_an_unreadable_file_is_set_aside_before_it_is_saved_over(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"volume": 40,,}')
    prefs = load_preferences(path)
    assert prefs == Preferences()
    assert path.read_text() == '{"volume": 40,,}'  # reading changes nothing
    save_preferences(prefs, path)
    assert (tmp_path / "settings.json.unreadable").read_text() == '{"volume": 40,,}'
    assert json.loads(path.read_text())["volume"] == Preferences().volume


def test_ui_state_round_trip_keeps_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "ui-state.json"
    path.write_text(json.dumps({"share_targets": ["tiktok"], "story_zoom": 2}))
    state = load_ui_state(path)
    assert state.share_targets == ["tiktok"]
    assert state.share_folder == ""
    state.share_folder = "/clips"
    save_ui_state(state, path)
    saved = json.loads(path.read_text())
    assert saved["story_zoom"] == 2
    assert load_ui_state(path) == UiState(share_folder="/clips", share_targets=["tiktok"])


def test_settings_without_files_write_nothing(tmp_path: Path) -> None:
    settings = Settings()
    settings.save_prefs()
    settings.save_ui()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert settings.preset("x") == get_preset("x")
