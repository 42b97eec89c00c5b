"""My Moments: moments, their exports and posts, in one SQLite file (WAL mode).

Thread safety: one connection shared by every thread, each call serialised by a lock, so
any thread (workers included) may call any method; calls are short. Raw clips and
thumbnails live in ``media_dir``, and ``delete`` never removes a file outside it.

A write that fails (a full disk: ``database or disk is full``) raises StorageError and the
transaction is rolled back, so the library stays as it was.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from moments.core.errors import RETRYABLE_KINDS, StorageError
from moments.core.moment import Moment, ranges_from_json, ranges_to_json
from moments.core.viewing import ViewingRecord

log = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    # 1: moments
    """
    CREATE TABLE moments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT NOT NULL,
        source TEXT NOT NULL,
        ranges TEXT NOT NULL,
        press_time REAL NOT NULL,
        created_at REAL NOT NULL,
        raw_clip TEXT,
        raw_offset REAL NOT NULL DEFAULT 0,
        thumbnail TEXT,
        edits TEXT NOT NULL DEFAULT '{}',
        is_live INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX moments_by_date ON moments (created_at);
    """,
    # 2: exports and the posting outbox
    """
    CREATE TABLE exports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        moment_id INTEGER NOT NULL REFERENCES moments (id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        preset TEXT NOT NULL,
        created_at REAL NOT NULL,
        size_bytes INTEGER,
        duration REAL
    );
    CREATE INDEX exports_by_moment ON exports (moment_id);
    CREATE TABLE posts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        moment_id INTEGER NOT NULL REFERENCES moments (id) ON DELETE CASCADE,
        export_id INTEGER REFERENCES exports (id) ON DELETE SET NULL,
        target TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        url TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try_at REAL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX posts_by_moment ON posts (moment_id);
    CREATE INDEX posts_due ON posts (state, next_try_at);
    """,
    # 3: what the outbox needs to send a post again after a restart (target = platform id)
    """
    ALTER TABLE posts ADD COLUMN account TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN file TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN text TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN alt_text TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN hashtags TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE posts ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE posts ADD COLUMN progress REAL NOT NULL DEFAULT 0;
    ALTER TABLE posts ADD COLUMN remote_id TEXT;
    ALTER TABLE posts ADD COLUMN idempotency_key TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN error_kind TEXT
    """,
    # 4: why each end of a moment is where it is (cut, sentence, pause, clock)
    """
    ALTER TABLE moments ADD COLUMN start_why TEXT NOT NULL DEFAULT '';
    ALTER TABLE moments ADD COLUMN end_why TEXT NOT NULL DEFAULT ''
    """,
    # 5: the private viewing history per file (core/viewing.py): float32 counts per bin
    """
    CREATE TABLE viewing (
        source TEXT PRIMARY KEY,
        duration REAL NOT NULL,
        views BLOB NOT NULL,
        pauses BLOB NOT NULL,
        kept BLOB NOT NULL,
        updated_at REAL NOT NULL
    )
    """,
    # 6: where an interactive story was when the moment was kept (JSON; '{}' for films)
    """
    ALTER TABLE moments ADD COLUMN story TEXT NOT NULL DEFAULT '{}'
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
_COLUMNS = "id, title, source, ranges, press_time, created_at, raw_clip, raw_offset, thumbnail"
_COLUMNS += ", edits, is_live, start_why, end_why, story"
_POST_COLUMNS = (
    "id, moment_id, export_id, target, account, file, text, alt_text, hashtags, options, "
    "state, progress, url, remote_id, error, error_kind, attempts, next_try_at, "
    "idempotency_key, created_at, updated_at"
)


class PostState(StrEnum):
    QUEUED = "queued"
    """Waiting to be sent: new, or after a failure that a retry can fix (``next_try_at``)."""
    UPLOADING = "uploading"
    """Being sent now (``progress``)."""
    POSTED = "posted"
    """Published at ``url``."""
    FAILED = "failed"
    """Given up: ``error`` says why, ``error_kind`` what would help."""


@dataclass(frozen=True)
class ExportRecord:
    """A file made from a moment. Its path is the user's: deleting the moment keeps it."""

    id: int
    moment_id: int
    path: Path
    preset: str
    created_at: float
    size_bytes: int | None = None
    duration: float | None = None


@dataclass(frozen=True)
class PostRecord:
    """A post of a moment's exported file to one account, and where it stands."""

    id: int
    moment_id: int
    target: str
    """The platform: ``mastodon``, ``bluesky``, ``discord``."""
    account: str
    """The account key (``moments.share.credentials.Account.key``); no secret."""
    file: Path
    text: str
    alt_text: str
    hashtags: tuple[str, ...]
    options: dict[str, Any]
    state: PostState
    progress: float
    url: str | None
    remote_id: str | None
    error: str | None
    """The sentence the user reads about the last failure."""
    error_kind: str | None
    """A ``ShareErrorKind`` value, or ``None``."""
    attempts: int
    next_try_at: float | None
    idempotency_key: str
    export_id: int | None
    created_at: float
    updated_at: float

    @property
    def retryable(self) -> bool:
        """Whether sending it again as it is can work (network, server, rate limit)."""
        return self.error_kind in {str(kind) for kind in RETRYABLE_KINDS}


class Library:
    """The moments library at ``db_path``; media files in ``media_dir``
    (default: a ``moments`` folder beside the database)."""

    def __init__(self, db_path: Path, media_dir: Path | None = None) -> None:
        self.path = db_path
        self.media_dir = media_dir if media_dir is not None else db_path.parent / "moments"
        self._lock = threading.Lock()
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                db_path, check_same_thread=False, isolation_level=None, timeout=10
            )
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"The Moments library {db_path} cannot be opened: {exc}.") from exc
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except StorageError:
            self._conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StorageError(
                f"The Moments library {db_path.name} is damaged and cannot be read; "
                "move it aside to start a new one.",
                details=str(exc),
            ) from exc

    def clip_stem(self, moment_id: int) -> Path:
        """Where a moment's raw clip goes (``media/capture.py`` adds the extension)."""
        return self.media_dir / f"moment-{moment_id}"

    def thumbnail_path(self, moment_id: int) -> Path:
        return self.media_dir / f"moment-{moment_id}.jpg"

    # --- moments -----------------------------------------------------------------------------

    def add_moment(self, moment: Moment) -> Moment:
        """Store a new moment; returns it with its id."""
        values = self._row_values(moment)
        with self._write() as conn:
            cursor = conn.execute(
                f"INSERT INTO moments ({_COLUMNS.removeprefix('id, ')}) "
                f"VALUES ({', '.join('?' * len(values))})",
                values,
            )
            moment_id = cursor.lastrowid
        assert moment_id is not None
        return moment.with_id(moment_id)

    def get(self, moment_id: int) -> Moment | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS} FROM moments WHERE id = ?", (moment_id,)
            ).fetchone()
        return self._from_row(row) if row else None

    def list_moments(self) -> list[Moment]:
        """Every moment, newest first."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM moments ORDER BY created_at DESC, id DESC"
            ).fetchall()
        return [self._from_row(row) for row in rows]

    def rename(self, moment_id: int, title: str) -> None:
        """Raises KeyError for an unknown id, like every update."""
        self._update(moment_id, "title = ?", (title,))

    def update_capture(
        self,
        moment_id: int,
        raw_clip: Path | str | None,
        raw_offset: float,
        thumbnail: Path | str | None,
    ) -> None:
        """Record where the raw clip and thumbnail of a moment are."""
        self._update(
            moment_id,
            "raw_clip = ?, raw_offset = ?, thumbnail = ?",
            (self._stored_path(raw_clip), raw_offset, self._stored_path(thumbnail)),
        )

    def set_why(self, moment_id: int, start_why: str, end_why: str) -> None:
        """Record why the moment's ends are where they are (the analysis came later)."""
        self._update(moment_id, "start_why = ?, end_why = ?", (start_why, end_why))

    def save_edits(self, moment_id: int, edits: dict[str, Any]) -> None:
        self._update(moment_id, "edits = ?", (json.dumps(edits),))

    def delete(self, moment_id: int) -> None:
        """Forget a moment (its exports and posts too) and delete its raw clip and thumbnail
        when they are inside ``media_dir``."""
        moment = self.get(moment_id)
        if moment is None:
            return
        with self._write() as conn:
            conn.execute("DELETE FROM moments WHERE id = ?", (moment_id,))
        for name in (moment.raw_clip, moment.thumbnail):
            path = self._owned(name)
            if path is not None:
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:
                    log.warning("could not delete %s: %s", path, exc)

    # --- viewing history (core/viewing.py) --------------------------------------------------

    def read_viewing(self, source: str) -> ViewingRecord | None:
        """The viewing history of ``source``; None when there is none (or it is unreadable)."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT duration, views, pauses, kept FROM viewing WHERE source = ?", (source,)
            ).fetchone()
        if row is None:
            return None
        try:
            return ViewingRecord.from_blobs(source, float(row[0]), row[1], row[2], row[3])
        except (ValueError, TypeError) as exc:
            log.info("viewing history of %s unreadable: %s", source, exc)
            return None

    def write_viewing(self, record: ViewingRecord) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO viewing (source, duration, views, pauses, kept, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (record.source, record.duration, *record.to_blobs(), time.time()),
            )

    def forget_viewing(self, source: str | None = None) -> None:
        """Forget the viewing history of ``source``, or of every file: the rows are
        overwritten with zeros (``secure_delete``) and the write-ahead log emptied, so the
        file keeps no trace of them."""
        with self._read() as conn:
            conn.execute("PRAGMA secure_delete = ON")
        with self._write() as conn:
            if source is None:
                conn.execute("DELETE FROM viewing")
            else:
                conn.execute("DELETE FROM viewing WHERE source = ?", (source,))
        with self._read() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # --- exports -----------------------------------------------------------------------------

    def add_export(
        self,
        moment_id: int,
        path: Path | str,
        preset: str,
        *,
        size_bytes: int | None = None,
        duration: float | None = None,
        created_at: float | None = None,
    ) -> ExportRecord:
        """Remember a file exported from a moment (the file stays where the user put it)."""
        when = time.time() if created_at is None else created_at
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO exports (moment_id, path, preset, created_at, size_bytes, duration) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (moment_id, str(path), preset, when, size_bytes, duration),
            )
            export_id = cursor.lastrowid
        assert export_id is not None
        return ExportRecord(export_id, moment_id, Path(path), preset, when, size_bytes, duration)

    def list_exports(self, moment_id: int) -> list[ExportRecord]:
        """A moment's exports, newest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, moment_id, path, preset, created_at, size_bytes, duration "
                "FROM exports WHERE moment_id = ? ORDER BY created_at DESC, id DESC",
                (moment_id,),
            ).fetchall()
        return [
            ExportRecord(int(i), int(m), Path(p), str(k), float(c), s, d)
            for i, m, p, k, c, s, d in rows
        ]

    # --- posts -------------------------------------------------------------------------------

    def add_post(
        self,
        moment_id: int,
        *,
        target: str,
        account: str,
        file: Path | str,
        idempotency_key: str,
        text: str = "",
        alt_text: str = "",
        hashtags: tuple[str, ...] | list[str] = (),
        options: dict[str, Any] | None = None,
        export_id: int | None = None,
        now: float | None = None,
    ) -> PostRecord:
        """Queue a post, due at once. Raises KeyError for an unknown moment."""
        when = time.time() if now is None else now
        if self.get(moment_id) is None:
            raise KeyError(moment_id)
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO posts (moment_id, export_id, target, account, file, text, alt_text, "
                "hashtags, options, state, idempotency_key, next_try_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (moment_id, export_id, target, account, str(file), text, alt_text,
                 json.dumps(list(hashtags)), json.dumps(options or {}), PostState.QUEUED,
                 idempotency_key, when, when, when),
            )  # fmt: skip
            post_id = cursor.lastrowid
        assert post_id is not None
        post = self.get_post(post_id)
        assert post is not None
        return post

    def get_post(self, post_id: int) -> PostRecord | None:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_POST_COLUMNS} FROM posts WHERE id = ?", (post_id,)
            ).fetchone()
        return _post_from_row(row) if row else None

    def list_posts(self, moment_id: int) -> list[PostRecord]:
        """A moment's posts, newest first."""
        return self._select_posts("moment_id = ? ORDER BY created_at DESC, id DESC", (moment_id,))

    def due_posts(self, now: float) -> list[PostRecord]:
        """Queued posts whose time has come, the longest waiting first."""
        return self._select_posts(
            "state = ? AND (next_try_at IS NULL OR next_try_at <= ?) ORDER BY next_try_at, id",
            (PostState.QUEUED, now),
        )

    def next_post_due_at(self) -> float | None:
        """When the next queued post is due (None: nothing queued)."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT MIN(COALESCE(next_try_at, 0)) FROM posts WHERE state = ?",
                (PostState.QUEUED,),
            ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def claim_post(self, post_id: int, now: float | None = None) -> bool:
        """Move a queued post to ``uploading`` (one more attempt); False when it is not
        queued, so two workers never send the same post."""
        when = time.time() if now is None else now
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE posts SET state = ?, progress = 0, attempts = attempts + 1, "
                "updated_at = ? WHERE id = ? AND state = ?",
                (PostState.UPLOADING, when, post_id, PostState.QUEUED),
            )
        return cursor.rowcount == 1

    def update_post_state(
        self,
        post_id: int,
        state: PostState,
        *,
        url: str | None = None,
        remote_id: str | None = None,
        error: str | None = None,
        error_kind: str | None = None,
        next_try_at: float | None = None,
        attempts: int | None = None,
        now: float | None = None,
    ) -> None:
        """Set the state; ``error``, ``error_kind`` and ``next_try_at`` are replaced (None
        clears them), ``url``, ``remote_id`` and ``attempts`` only when given. Raises KeyError."""
        when = time.time() if now is None else now
        sets = ["state = ?", "error = ?", "error_kind = ?", "next_try_at = ?", "updated_at = ?"]
        values: list[Any] = [state, error, error_kind, next_try_at, when]
        if state is PostState.POSTED:
            sets.append("progress = 1")
        for column, value in (("url", url), ("remote_id", remote_id), ("attempts", attempts)):
            if value is not None:
                sets.append(f"{column} = ?")
                values.append(value)
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE posts SET {', '.join(sets)} WHERE id = ?", (*values, post_id)
            )
            if cursor.rowcount == 0:
                raise KeyError(post_id)

    def set_post_options(self, post_id: int, options: dict[str, Any]) -> None:
        """Replace a post's options (what a retry of it needs is kept there)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE posts SET options = ?, updated_at = ? WHERE id = ?",
                (json.dumps(options), time.time(), post_id),
            )

    def set_post_progress(self, post_id: int, fraction: float) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE posts SET progress = ?, updated_at = ? WHERE id = ?",
                (max(0.0, min(1.0, fraction)), time.time(), post_id),
            )

    def requeue_interrupted_posts(self, now: float | None = None) -> list[int]:
        """Posts left ``uploading`` by a Moments that stopped: queued again, due at once."""
        when = time.time() if now is None else now
        with self._write() as conn:
            rows = conn.execute("SELECT id FROM posts WHERE state = ?", (PostState.UPLOADING,))
            ids = [int(row[0]) for row in rows.fetchall()]
            conn.execute(
                "UPDATE posts SET state = ?, progress = 0, next_try_at = ?, updated_at = ? "
                "WHERE state = ?",
                (PostState.QUEUED, when, when, PostState.UPLOADING),
            )
        return ids

    def delete_post(self, post_id: int) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM posts WHERE id = ?", (post_id,))

    def _select_posts(self, where: str, values: tuple[Any, ...]) -> list[PostRecord]:
        with self._read() as conn:
            rows = conn.execute(f"SELECT {_POST_COLUMNS} FROM posts WHERE {where}", values)
            return [_post_from_row(row) for row in rows.fetchall()]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- internals ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"The Moments library {self.path.name} was written by a newer Moments; "
                "update Moments to open it."
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self._write() as conn:
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
            log.info("library %s migrated to schema %d", self.path, number)

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StorageError(f"The Moments library could not be read: {exc}.") from exc

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                raise _storage_error(exc) from exc

    def _update(self, moment_id: int, assignments: str, values: tuple[Any, ...]) -> None:
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE moments SET {assignments} WHERE id = ?", (*values, moment_id)
            )
            if cursor.rowcount == 0:
                raise KeyError(moment_id)

    def _row_values(self, moment: Moment) -> tuple[Any, ...]:
        return (
            moment.title,
            moment.source,
            json.dumps(ranges_to_json(moment.ranges)),
            moment.press_time,
            moment.created_at,
            self._stored_path(moment.raw_clip),
            moment.raw_offset,
            self._stored_path(moment.thumbnail),
            json.dumps(moment.edits),
            int(moment.is_live),
            moment.start_why,
            moment.end_why,
            json.dumps(moment.story),
        )

    def _from_row(self, row: tuple[Any, ...]) -> Moment:
        (mid, title, source, ranges, press, created, raw, offset, thumb, edits, live, start_why,
         end_why, story) = row  # fmt: skip
        return Moment(
            id=int(mid),
            title=str(title),
            source=str(source),
            ranges=ranges_from_json(json.loads(ranges)),
            press_time=float(press),
            created_at=float(created),
            raw_clip=self._loaded_path(raw),
            raw_offset=float(offset),
            thumbnail=self._loaded_path(thumb),
            edits=dict(json.loads(edits)),
            is_live=bool(live),
            start_why=str(start_why),
            end_why=str(end_why),
            story=_json_object(story),
        )

    def _stored_path(self, path: Path | str | None) -> str | None:
        """Files inside ``media_dir`` are stored relative to it, so the folder can move."""
        if path is None:
            return None
        resolved = Path(path).resolve()
        media = self.media_dir.resolve()
        return (
            resolved.relative_to(media).as_posix()
            if resolved.is_relative_to(media)
            else str(resolved)
        )

    def _loaded_path(self, stored: str | None) -> str | None:
        if stored is None:
            return None
        return str(self.media_dir / stored) if not Path(stored).is_absolute() else stored

    def _owned(self, path: str | None) -> Path | None:
        """``path`` when it is a file inside ``media_dir`` (after resolving links), else None."""
        if path is None:
            return None
        resolved = Path(path).resolve()
        media = self.media_dir.resolve()
        return resolved if resolved.is_relative_to(media) and resolved != media else None


def _post_from_row(row: tuple[Any, ...]) -> PostRecord:
    (pid, mid, export_id, target, account, file, text, alt, tags, options, state, progress,
     url, remote_id, error, kind, attempts, next_try, key, created, updated) = row  # fmt: skip
    return PostRecord(
        id=int(pid),
        moment_id=int(mid),
        target=str(target),
        account=str(account),
        file=Path(file),
        text=str(text),
        alt_text=str(alt),
        hashtags=tuple(str(tag) for tag in json.loads(tags)),
        options=dict(json.loads(options)),
        state=PostState(state),
        progress=float(progress),
        url=url,
        remote_id=remote_id,
        error=error,
        error_kind=kind,
        attempts=int(attempts),
        next_try_at=None if next_try is None else float(next_try),
        idempotency_key=str(key),
        export_id=None if export_id is None else int(export_id),
        created_at=float(created),
        updated_at=float(updated),
    )


def _storage_error(exc: sqlite3.Error) -> StorageError:
    text = str(exc)
    if "full" in text:
        return StorageError("The disk is full: the Moments library was not changed.", details=text)
    if "readonly" in text or "read-only" in text:
        return StorageError("The Moments library is read-only: nothing was changed.", details=text)
    return StorageError(f"The Moments library could not be written: {text}.", details=text)


def _json_object(text: str) -> dict[str, Any]:
    """A JSON object column; anything else (damaged by hand) reads as empty."""
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
