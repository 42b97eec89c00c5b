"""Write files so that a crash or a full disk never leaves a half-written one behind."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from moments.core.errors import StorageError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise storage_error(exc, path) from exc


def storage_error(exc: OSError, path: Path) -> StorageError:
    """Turn an OSError from writing ``path`` into the sentence the user reads."""
    if exc.errno == errno.ENOSPC:
        return StorageError(f"The disk is full: could not write {path.name}.", details=str(exc))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError(f"No permission to write in {path.parent}.", details=str(exc))
    if exc.errno == errno.ENOENT:  # even mkdir -p failed: a parent cannot exist there
        return StorageError(f"The folder {path.parent} cannot be made.", details=str(exc))
    return StorageError(f"Could not write {path}: {exc.strerror or exc}.", details=str(exc))
