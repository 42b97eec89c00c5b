"""A really full disk: a tiny tmpfs, mounted for one test.

Mounting needs root; ``run_on_small_disk`` also works without it, in a user and mount
namespace of its own. The ``tiny_disk`` fixture (``tests/conftest.py``) is the usual door.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def mounted_tmpfs(mount_point: Path, size_kb: int = 300) -> Iterator[Path]:
    """A tmpfs of ``size_kb`` at ``mount_point`` for the block; the test is skipped where one
    cannot be mounted (not root)."""
    mount_point.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"a tiny tmpfs cannot be mounted here (needs root): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def run_on_small_disk(folder: Path, size_kb: int, code: str) -> str:
    """Run Python ``code`` (with ``DISK`` bound to the mounted folder) with a small tmpfs at
    ``folder``: directly as root, else inside an unprivileged user+mount namespace."""
    script = f"from pathlib import Path\nDISK = Path({str(folder)!r})\n" + textwrap.dedent(code)
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'app'}"}
    if os.geteuid() == 0:
        with mounted_tmpfs(folder, size_kb):
            return _python([sys.executable, "-c", script], env)
    folder.mkdir(parents=True, exist_ok=True)
    mount = f'mount -t tmpfs -o size={size_kb}k tmpfs \'{folder}\' && exec "$0" -c "$1"'
    namespace = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", mount]
    return _python([*namespace, sys.executable, script], env)


def _python(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
