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
from pathlib import Path
from typing import Any

from moments.core.errors import StorageError
from moments.core.moment import Moment, ranges_from_json, ranges_to_json

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
)
SCHEMA_VERSION = len(MIGRATIONS)
_COLUMNS = "id, title, source, ranges, press_time, created_at, raw_clip, raw_offset, thumbnail"
_COLUMNS += ", edits, is_live"


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
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        )

    def _from_row(self, row: tuple[Any, ...]) -> Moment:
        (mid, title, source, ranges, press, created, raw, offset, thumb, edits, live) = row
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


def _storage_error(exc: sqlite3.Error) -> StorageError:
    text = str(exc)
    if "full" in text:
        return StorageError("The disk is full: the Moments library was not changed.", details=text)
    if "readonly" in text or "read-only" in text:
        return StorageError("The Moments library is read-only: nothing was changed.", details=text)
    return StorageError(f"The Moments library could not be written: {text}.", details=text)
