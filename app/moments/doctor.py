"""``moments doctor``: is everything Moments needs installed and working? Each check says
how to fix what fails."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moments import APP_NAME, __version__
from moments.core.errors import MomentsError
from moments.core.paths import AppDirs
from moments.libvlc_check import LIBVLC_FIX, libvlc_diagnosis, libvlc_load_error

NEEDED_ENCODERS = ("libx264", "aac")
NEEDED_FILTERS = ("overlay", "palettegen", "paletteuse", "scale")
APT = "sudo apt install"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning_only: bool = False
    """A failure that degrades a feature without stopping the player."""

    @property
    def failed(self) -> bool:
        return not self.ok and not self.warning_only


def check_libvlc() -> list[Check]:
    problem = libvlc_load_error()
    if problem is not None:
        return [Check("libVLC", False, problem, LIBVLC_FIX)]
    try:
        info = libvlc_diagnosis()
    except MomentsError as exc:
        return [Check("libVLC", False, str(exc), LIBVLC_FIX)]
    except Exception as exc:  # noqa: BLE001 - any failure here is the answer
        return [Check("libVLC", False, f"cannot be loaded ({exc})", LIBVLC_FIX)]
    checks = [Check("libVLC", True, f"{info.version} (plugins: {info.plugin_dir})")]
    outputs = info.video_outputs
    usable = [o for o in outputs if o.startswith(("xcb", "gl", "egl", "direct3d", "macosx"))]
    checks.append(
        Check(
            "libVLC video outputs",
            bool(usable) or info.plugin_dir is None,
            ", ".join(outputs) if outputs else "plugin folder not found; trusting libVLC",
            f"{APT} vlc-plugin-video-output",
        )
    )
    if info.plugin_dir is not None:
        checks.append(
            Check(
                "libVLC plugin cache",
                info.plugin_cache,
                "present" if info.plugin_cache else "missing (slow start)",
                f"{APT} libvlc-bin (it runs vlc-cache-gen)",
                warning_only=True,
            )
        )
    return checks


def check_ffmpeg() -> list[Check]:
    from moments.media.capabilities import ffmpeg_capabilities, ffprobe_version

    fix = f"{APT} ffmpeg"
    try:
        caps = ffmpeg_capabilities()
    except MomentsError as exc:
        return [Check("ffmpeg", False, str(exc), fix)]
    checks = [Check("ffmpeg", True, f"version {caps.version}")]
    try:
        checks.append(Check("ffprobe", True, f"version {ffprobe_version()}"))
    except MomentsError as exc:
        checks.append(Check("ffprobe", False, str(exc), fix))
    missing_enc = [e for e in NEEDED_ENCODERS if e not in caps.encoders]
    checks.append(
        Check(
            "ffmpeg encoders",
            not missing_enc,
            _listing(NEEDED_ENCODERS, missing_enc),
            "install an ffmpeg built with libx264 (Debian's and Homebrew's are)",
        )
    )
    missing_f = [f for f in NEEDED_FILTERS if f not in caps.filters]
    checks.append(
        Check(
            "ffmpeg filters",
            not missing_f,
            _listing(NEEDED_FILTERS, missing_f),
            "install a full ffmpeg build",
        )
    )
    return checks


def _listing(needed: tuple[str, ...], missing: list[str]) -> str:
    text = ", ".join(needed)
    return f"{text} — missing {', '.join(missing)}" if missing else text


def check_fonts() -> list[Check]:
    from moments.media.capabilities import font_families

    try:
        families = font_families()
    except MomentsError as exc:
        return [Check("fonts", False, str(exc), f"{APT} fontconfig fonts-dejavu-core")]
    if families is None:
        return [Check("fonts", True, "fontconfig not present; using the system's fonts")]
    checks = [
        Check(
            "fonts",
            bool(families),
            f"{len(families)} families" if families else "no fonts found",
            f"{APT} fonts-dejavu-core",
        )
    ]
    emoji = any("emoji" in name.lower() for name in families)
    checks.append(
        Check(
            "colour emoji font",
            emoji,
            "present" if emoji else "missing: emoji in captions will show as boxes",
            f"{APT} fonts-noto-color-emoji",
            warning_only=True,
        )
    )
    return checks


def check_folders(dirs: AppDirs) -> list[Check]:
    checks = []
    for label, folder in (
        ("data folder", dirs.data),
        ("config folder", dirs.config),
        ("cache folder", dirs.cache),
        ("log folder", dirs.log),
    ):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
                pass
            checks.append(Check(label, True, str(folder)))
        except OSError as exc:
            fix = f"make {folder} writable, or point XDG_* at a writable place"
            checks.append(Check(label, False, f"{folder}: {exc.strerror or exc}", fix))
    return checks


def check_display() -> list[Check]:
    if os.name != "posix" or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY"):
        return [Check("display", True, os.environ.get("DISPLAY") or "available")]
    return [
        Check(
            "display",
            False,
            "no DISPLAY: the player needs a desktop session (commands like export work anyway)",
            "run from a desktop session, or under Xvfb: xvfb-run moments",
            warning_only=True,
        )
    ]


def check_keyring() -> list[Check]:
    from moments.share.credentials import keyring_backend_name, keyring_problem

    problem = keyring_problem()
    if problem is None:
        return [Check("system keyring", True, keyring_backend_name())]
    return [
        Check(
            "system keyring",
            False,
            f"{problem} Sign-ins to Mastodon, Bluesky and Discord can be kept for this "
            "session only",
            "install and unlock GNOME Keyring (sudo apt install gnome-keyring) or KWallet",
            warning_only=True,
        )
    ]


def run_checks(dirs: AppDirs | None = None) -> list[Check]:
    dirs = dirs or AppDirs.from_environment()
    groups: list[Callable[[], list[Check]]] = [
        check_libvlc,
        check_ffmpeg,
        check_fonts,
        lambda: check_folders(dirs),
        check_display,
        check_keyring,
    ]
    checks: list[Check] = []
    for group in groups:
        checks.extend(group())
    return checks


def essential_problems() -> list[Check]:
    """What stops the player from starting at all, checked in milliseconds (no process is
    run): ffmpeg and ffprobe on the PATH, and python-vlc able to load libVLC."""
    from moments.media.tools import find_tool

    problems = []
    for tool in ("ffmpeg", "ffprobe"):
        try:
            find_tool(tool)
        except MomentsError as exc:
            problems.append(Check(tool, False, str(exc), f"{APT} ffmpeg"))
    problem = libvlc_load_error()
    if problem is not None:
        problems.append(Check("libVLC", False, problem, LIBVLC_FIX))
    return problems


def format_report(checks: list[Check], log_file: Path | None = None) -> str:
    lines = [f"{APP_NAME} {__version__} — doctor"]
    for check in checks:
        mark = "ok  " if check.ok else ("warn" if check.warning_only else "FAIL")
        lines.append(f"  [{mark}] {check.name}: {check.detail}")
        if not check.ok and check.fix:
            lines.append(f"         fix: {check.fix}")
    failed = [c for c in checks if c.failed]
    warned = [c for c in checks if not c.ok and c.warning_only]
    if failed:
        lines.append(f"{len(failed)} problem(s) found; see the fixes above.")
    elif warned:
        names = ", ".join(c.name for c in warned)
        lines.append(f"Moments works; {len(warned)} warning(s) limit a feature: {names}.")
    else:
        lines.append("All checks passed.")
    if log_file is not None:
        lines.append(f"Log file: {log_file}")
    return "\n".join(lines)


def main() -> int:
    dirs = AppDirs.from_environment()
    checks = run_checks(dirs)
    print(format_report(checks, dirs.log_file))
    return 1 if any(c.failed for c in checks) else 0
