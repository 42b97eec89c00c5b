"""The SQLite library: persistence, migrations, deletion of files, threads, damage, full disk."""

import errno
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from moments.core.errors import StorageError
from moments.core.library import MIGRATIONS, SCHEMA_VERSION, Library, PostState
from moments.core.moment import Moment, SourceRange

SOURCE = "/films/Ünïcode film.mkv"


def a_moment(press: float = 42.0, created_at: float | None = None) -> Moment:
    moment = Moment.new(SOURCE, [SourceRange(SOURCE, press - 10, press + 5)], press)
    return moment if created_at is None else replace(moment, created_at=created_at)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "library.sqlite3"


def test_moments_persist_across_reopen(db_path: Path) -> None:
    library = Library(db_path)
    live = Moment.new("udp://239.0.0.1:1234", [SourceRange("udp://239.0.0.1:1234", 0, 15)], 10.0,
                      is_live=True)  # fmt: skip
    first = library.add_moment(a_moment(created_at=1000.0))
    second = library.add_moment(live)
    assert first.id is not None and second.id is not None and first.id != second.id
    clip = library.clip_stem(first.id).with_suffix(".mkv")
    library.rename(first.id, "Best scene")
    library.update_capture(first.id, clip, 31.5, library.thumbnail_path(first.id))
    library.save_edits(first.id, {"trim": [33.0, 40.0], "caption": "Wow 🎉"})
    library.close()

    reopened = Library(db_path)
    stored = reopened.get(first.id)
    assert stored is not None
    assert stored.title == "Best scene"
    assert stored.ranges == first.ranges and stored.source == SOURCE
    assert stored.press_time == 42.0 and stored.created_at == 1000.0
    assert stored.raw_clip == str(clip) and stored.raw_offset == 31.5
    assert stored.thumbnail == str(reopened.media_dir / f"moment-{first.id}.jpg")
    assert stored.edits == {"trim": [33.0, 40.0], "caption": "Wow 🎉"}
    assert not stored.is_live
    assert reopened.get(second.id) == second
    assert [m.id for m in reopened.list_moments()] == [second.id, first.id]  # newest first
    assert reopened.get(12345) is None
    reopened.close()


def test_media_paths_are_stored_relative_so_the_folder_can_move(tmp_path: Path) -> None:
    library = Library(tmp_path / "a" / "library.sqlite3")
    moment = library.add_moment(a_moment())
    assert moment.id is not None
    library.update_capture(moment.id, library.media_dir / "m.mkv", 1.0, "/elsewhere/t.jpg")
    library.close()
    (tmp_path / "a").rename(tmp_path / "b")
    moved = Library(tmp_path / "b" / "library.sqlite3")
    stored = moved.get(moment.id)
    assert stored is not None
    assert stored.raw_clip == str(tmp_path / "b" / "moments" / "m.mkv")
    assert stored.thumbnail == "/elsewhere/t.jpg"
    moved.close()


def test_updates_of_an_unknown_moment_raise_key_error(db_path: Path) -> None:
    library = Library(db_path)
    with pytest.raises(KeyError):
        library.rename(99, "nope")
    library.delete(99)  # deleting nothing is fine
    library.close()


def test_new_database_gets_the_whole_schema(db_path: Path) -> None:
    Library(db_path).close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"moments", "exports", "posts"} <= tables
    conn.close()


def test_empty_file_is_a_new_library(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")
    library = Library(db_path)
    assert library.list_moments() == []
    library.close()


def test_older_database_is_migrated_keeping_its_moments(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO moments (title, source, ranges, press_time, created_at) VALUES (?,?,?,?,?)",
        ("old one", SOURCE, '[{"source": "/x.mkv", "start": 1, "end": 4}]', 3.0, 5.0),
    )
    conn.commit()
    conn.close()

    library = Library(db_path)
    (old,) = library.list_moments()
    assert old.title == "old one" and old.ranges == (SourceRange("/x.mkv", 1, 4),)
    assert old.edits == {} and old.raw_clip is None
    library.close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.execute("SELECT moment_id, target, state, attempts, next_try_at FROM posts").fetchall()
    conn.close()


def test_database_from_a_newer_moments_is_refused(db_path: Path) -> None:
    Library(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StorageError, match="newer Moments"):
        Library(db_path)


def test_corrupt_database_is_a_clear_error(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database, just some bytes " * 200)
    with pytest.raises(StorageError) as caught:
        Library(db_path)
    assert "damaged" in str(caught.value) and "library.sqlite3" in str(caught.value)
    assert db_path.read_bytes().startswith(b"this is not")  # left as it was


def test_truncated_database_is_a_clear_error(db_path: Path) -> None:
    library = Library(db_path)
    for i in range(200):
        library.add_moment(a_moment(press=20.0 + i))
    library.close()
    data = db_path.read_bytes()
    db_path.write_bytes(data[:100] + b"\xff" * 4000 + data[4100:])
    with pytest.raises(StorageError, match=r"damaged|could not be read"):
        damaged = Library(db_path)
        damaged.list_moments()


def test_delete_removes_the_moment_its_rows_and_its_files(db_path: Path, tmp_path: Path) -> None:
    library = Library(db_path)
    moment = library.add_moment(a_moment())
    other = library.add_moment(a_moment(press=80.0))
    assert moment.id is not None and other.id is not None
    library.media_dir.mkdir(parents=True)
    clip = library.clip_stem(moment.id).with_suffix(".mkv")
    thumb = library.thumbnail_path(moment.id)
    clip.write_bytes(b"clip")
    thumb.write_bytes(b"jpeg")
    library.update_capture(moment.id, clip, 0.0, thumb)
    outside = tmp_path / "my video.mkv"  # never ours to delete
    outside.write_bytes(b"precious")
    library.update_capture(other.id, outside, 0.0, library.media_dir / ".." / "library.sqlite3")
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO exports (moment_id, path, preset, created_at) VALUES (?, ?, ?, ?)",
        (moment.id, "/out/a.mp4", "mastodon", 1.0),
    )
    conn.execute(
        "INSERT INTO posts (moment_id, target, created_at, updated_at) VALUES (?, ?, ?, ?)",
        (moment.id, "mastodon", 1.0, 1.0),
    )
    conn.commit()

    library.delete(moment.id)
    assert library.get(moment.id) is None
    assert not clip.exists() and not thumb.exists()
    assert conn.execute("SELECT COUNT(*) FROM exports").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0] == 0
    conn.close()

    library.delete(other.id)
    assert outside.read_bytes() == b"precious"
    assert db_path.exists()
    assert library.list_moments() == []
    library.close()


def test_two_threads_at_once(db_path: Path) -> None:
    library = Library(db_path)
    errors: list[BaseException] = []
    ids: list[int] = []

    def worker(offset: float) -> None:
        try:
            for i in range(60):
                stored = library.add_moment(a_moment(press=offset + i))
                assert stored.id is not None
                ids.append(stored.id)
                library.save_edits(stored.id, {"n": i})
                library.list_moments()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(off,)) for off in (100.0, 500.0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 120
    assert len(library.list_moments()) == 120
    library.close()


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 1024)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_full_disk_is_a_storage_error_and_changes_nothing(tiny_disk: Path) -> None:
    library = Library(tiny_disk / "library.sqlite3")
    kept = library.add_moment(a_moment())
    assert kept.id is not None
    filler = fill(tiny_disk)
    with pytest.raises(StorageError, match="disk is full"):
        library.add_moment(a_moment().with_edits({"blob": "x" * 400_000}))
    with pytest.raises(StorageError, match="disk is full"):
        library.save_edits(kept.id, {"blob": "y" * 400_000})
    assert library.list_moments() == [kept]
    filler.unlink()
    again = library.add_moment(a_moment(press=60.0))  # works again once there is room
    assert [m.id for m in library.list_moments()] == [again.id, kept.id]
    library.close()


def test_exports_are_recorded_per_moment_and_survive_a_reopen(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    kept = library.add_moment(Moment.new("/a.mkv", [SourceRange("/a.mkv", 1.0, 5.0)], 3.0))
    assert kept.id is not None
    out = tmp_path / "out" / "a clip.mp4"
    first = library.add_export(kept.id, out, "x", size_bytes=1234, duration=4.0, created_at=1.0)
    library.add_export(kept.id, out.with_suffix(".gif"), "gif", created_at=2.0)
    library.close()
    again = Library(tmp_path / "lib.sqlite3")
    exports = again.list_exports(kept.id)
    assert [e.preset for e in exports] == ["gif", "x"]
    assert exports[1] == first
    again.delete(kept.id)
    assert again.list_exports(kept.id) == []


def test_posts_are_queued_claimed_and_updated(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    kept = library.add_moment(a_moment())
    assert kept.id is not None
    post = library.add_post(kept.id, target="mastodon", account="mastodon:a@m.example",
                            file=tmp_path / "clip.mp4", idempotency_key="3kabc",
                            text="Hello 🎬", alt_text="alt", hashtags=["#a", "#б"],
                            options={"visibility": "unlisted"}, now=100.0)  # fmt: skip
    assert post.state is PostState.QUEUED and post.next_try_at == 100.0
    assert post.hashtags == ("#a", "#б") and post.options == {"visibility": "unlisted"}
    assert [p.id for p in library.due_posts(100.0)] == [post.id]
    assert library.next_post_due_at() == 100.0
    assert library.claim_post(post.id, now=101.0)
    assert not library.claim_post(post.id)  # no second worker can take it
    assert library.due_posts(200.0) == []
    library.set_post_progress(post.id, 0.5)
    claimed = library.get_post(post.id)
    assert claimed is not None and claimed.attempts == 1 and claimed.progress == 0.5
    library.update_post_state(post.id, PostState.QUEUED, error="Offline.", error_kind="network",
                              next_try_at=160.0, now=102.0)  # fmt: skip
    waiting = library.get_post(post.id)
    assert waiting is not None and waiting.retryable and waiting.error == "Offline."
    assert library.due_posts(150.0) == [] and [p.id for p in library.due_posts(160.0)] == [post.id]
    library.update_post_state(post.id, PostState.POSTED, url="https://m.example/@a/1",
                              remote_id="1")  # fmt: skip
    done = library.get_post(post.id)
    assert done is not None and done.url == "https://m.example/@a/1" and done.progress == 1.0
    assert done.error is None and not done.retryable
    with pytest.raises(KeyError):
        library.update_post_state(999, PostState.FAILED)
    with pytest.raises(KeyError):
        library.add_post(999, target="x", account="x", file="f", idempotency_key="k")
    library.close()


def test_interrupted_posts_are_queued_again_after_a_restart(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    kept = library.add_moment(a_moment())
    assert kept.id is not None
    post = library.add_post(kept.id, target="bluesky", account="bluesky:a.test",
                            file="/tmp/c.mp4", idempotency_key="k")  # fmt: skip
    assert library.claim_post(post.id)
    library.close()
    again = Library(tmp_path / "lib.sqlite3")
    assert again.requeue_interrupted_posts(now=500.0) == [post.id]
    assert [p.id for p in again.due_posts(500.0)] == [post.id]
    assert [p.id for p in again.list_posts(kept.id)] == [post.id]
    again.delete(kept.id)
    assert again.get_post(post.id) is None
    again.close()


def test_a_schema_2_library_gains_the_post_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("INSERT INTO moments (title, source, ranges, press_time, created_at) "
                 "VALUES ('t', '/a.mkv', '[]', 1, 1)")  # fmt: skip
    conn.execute("INSERT INTO posts (moment_id, target, created_at, updated_at) "
                 "VALUES (1, 'mastodon', 1, 1)")  # fmt: skip
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    library = Library(path)
    (old,) = library.list_posts(1)
    assert old.target == "mastodon" and old.state is PostState.QUEUED and old.account == ""
    library.close()


def test_why_each_end_is_where_it_is_is_kept(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    moment = Moment.new("/films/a.mkv", [SourceRange("/films/a.mkv", 91.5, 104.0)], 100.0,
                        start_why="cut", end_why="sentence")  # fmt: skip
    stored = library.add_moment(moment)
    assert library.get(stored.id or 0) == stored
    assert (stored.start_why, stored.end_why) == ("cut", "sentence")
    library.set_why(stored.id or 0, "clock", "pause")
    again = library.get(stored.id or 0)
    assert again is not None and (again.start_why, again.end_why) == ("clock", "pause")
    assert Moment.new("/a.mkv", [SourceRange("/a.mkv", 0, 1)], 0.5).end_why == "clock"
    library.close()


def test_a_schema_3_library_gains_the_why_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:3]:
        conn.executescript(script)
    conn.execute("INSERT INTO moments (title, source, ranges, press_time, created_at) "
                 "VALUES ('t', '/a.mkv', '[{\"source\": \"/a.mkv\", \"start\": 1, \"end\": 2}]', "
                 "1.5, 1)")  # fmt: skip
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    library = Library(path)
    (old,) = library.list_moments()
    assert (old.start_why, old.end_why) == ("", "")
    library.close()


def test_a_story_moment_keeps_where_the_story_was(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib.sqlite3")
    clip = str(tmp_path / "media" / "story-1.mkv")
    where = {"story": "/s/a.story.json", "segment": "hall", "state": {"brave": True}}
    moment = Moment.new(clip, [SourceRange(clip, 0, 12.0)], 10.0).with_story(where)
    stored = library.add_moment(moment)
    assert library.get(stored.id or 0) == stored and stored.story == where
    plain = library.add_moment(Moment.new("/a.mkv", [SourceRange("/a.mkv", 0, 1)], 0.5))
    assert plain.story == {} and (library.get(plain.id or 0) or plain).story == {}
    library.close()


def test_a_schema_5_library_gains_the_story_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:5]:
        conn.executescript(script)
    conn.execute("INSERT INTO moments (title, source, ranges, press_time, created_at) "
                 "VALUES ('t', '/a.mkv', '[{\"source\": \"/a.mkv\", \"start\": 1, \"end\": 2}]', "
                 "1.5, 1)")  # fmt: skip
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    library = Library(path)
    (old,) = library.list_moments()
    assert old.story == {}
    library.close()
