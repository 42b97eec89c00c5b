"""Sharing fixtures: a file keyring in the temp folder, an account store, a small real MP4."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from moments.share.credentials import AccountStore
from tests.support.keyring_file import FileKeyring, file_keyring
from tests.support.media import ffmpeg


@pytest.fixture(autouse=True)
def keyring_backend(tmp_path: Path) -> Iterator[FileKeyring]:
    with file_keyring(tmp_path / "keyring.json") as backend:
        yield backend


@pytest.fixture
def store(tmp_path: Path) -> AccountStore:
    return AccountStore(tmp_path / "config" / "accounts.json")


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 2 s 320x180 H.264 + AAC MP4 (about 60 kB)."""
    path = tmp_path_factory.mktemp("clip") / "moment clip.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=d=2:s=320x180:r=25",
        "-f",
        "lavfi",
        "-i",
        "sine=d=2",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-shortest",
        "-movflags",
        "+faststart",
        str(path),
    )
    return path
