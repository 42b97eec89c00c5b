from pathlib import Path

from moments.core.history import MAX_RECENT, PlaybackHistory


def test_recent_is_ordered_unique_and_bounded(tmp_path: Path) -> None:
    history = PlaybackHistory(tmp_path / "h.json")
    for n in range(MAX_RECENT + 5):
        history.add_recent(f"/films/{n}.mp4")
    history.add_recent("/films/3.mp4")
    recent = PlaybackHistory(tmp_path / "h.json").recent()
    assert recent[0] == "/films/3.mp4"
    assert len(recent) == MAX_RECENT
    assert len(set(recent)) == len(recent)


def test_resume_points_persist_and_forget_start_and_end(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    history = PlaybackHistory(path)
    history.remember_position("/a.mp4", 63.5, 600.0)
    history.remember_position("/b.mp4", 3.0, 600.0)
    history.remember_position("/c.mp4", 595.0, 600.0)
    reloaded = PlaybackHistory(path)
    point = reloaded.resume_point("/a.mp4")
    assert point is not None and point.position == 63.5
    assert reloaded.resume_point("/b.mp4") is None
    assert reloaded.resume_point("/c.mp4") is None
    reloaded.remember_position("/a.mp4", 599.0, 600.0)
    assert PlaybackHistory(path).resume_point("/a.mp4") is None


def test_corrupt_history_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_text("{not json", encoding="utf-8")
    history = PlaybackHistory(path)
    assert history.recent() == []
    history.add_recent("/x.mp4")
    assert PlaybackHistory(path).recent() == ["/x.mp4"]


def test_a_location_that_failed_leaves_recent(tmp_path: Path) -> None:
    history = PlaybackHistory(tmp_path / "history.json")
    history.add_recent("/films/good.mkv")
    history.add_recent("/films/broken.mkv")
    history.forget_recent("/films/broken.mkv")
    assert PlaybackHistory(tmp_path / "history.json").recent() == ["/films/good.mkv"]
