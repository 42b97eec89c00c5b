"""The Qt-free libVLC check that `moments doctor` and the player share."""

from __future__ import annotations

import subprocess
import sys

from moments.libvlc_check import libvlc_diagnosis, libvlc_load_error


def test_libvlc_loads_and_names_its_video_outputs() -> None:
    assert libvlc_load_error() is None
    info = libvlc_diagnosis()
    assert info.version.startswith("3.")
    assert info.plugin_dir is not None and info.plugin_dir.is_dir()
    assert any(name.startswith("xcb") for name in info.video_outputs)


def test_the_doctors_libvlc_checks_load_no_qt() -> None:
    code = (
        "import sys\n"
        "from moments.doctor import check_libvlc, essential_problems\n"
        "assert all(c.ok for c in check_libvlc()) and essential_problems() == []\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'moments.ui'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
