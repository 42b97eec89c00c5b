"""``moments --install-desktop``: the menu entry, icons and metainfo for this user (no Qt).

Files go under ``$XDG_DATA_HOME`` (``~/.local/share``): ``applications/moments.desktop``
whose ``Exec=`` is the absolute path of the running launcher, so a double-click works
without the venv on the PATH; ``icons/hicolor/<N>x<N>/apps/moments.png`` and the scalable
SVG; ``metainfo/<id>.metainfo.xml``; ``mime/packages/moments-story.xml``, the type of
``*.story.json`` (interactive stories), with the MIME database rebuilt when
``update-mime-database`` is there. ``--default-player`` also makes Moments the default for
the video types (``xdg-mime``, else ``$XDG_CONFIG_HOME/mimeapps.list``). A manifest records
what was written, so uninstall removes exactly that and only our ``mimeapps.list`` entries.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moments import APP_ID, mimeapps
from moments.core.errors import MomentsError, StorageError
from moments.core.paths import resources_dir
from moments.media.tools import run_tool

DESKTOP_ID = f"{APP_ID}.desktop"
METAINFO = "io.github.moments_player.moments.metainfo.xml"
STORY_TYPES = "moments-story.xml"
MANIFEST = "desktop-install.json"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


@dataclass(frozen=True)
class Targets:
    """Where a user-level install goes (the XDG base directories, read from the environment)."""

    data_home: Path
    config_home: Path

    @classmethod
    def from_environment(cls) -> Targets:
        home = Path.home()
        data = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
        config = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
        return cls(Path(data), Path(config))

    @property
    def applications(self) -> Path:
        return self.data_home / "applications"

    @property
    def hicolor(self) -> Path:
        return self.data_home / "icons" / "hicolor"

    @property
    def metainfo(self) -> Path:
        return self.data_home / "metainfo" / METAINFO

    @property
    def mime(self) -> Path:
        return self.data_home / "mime"

    @property
    def mimeapps(self) -> Path:
        return self.config_home / "mimeapps.list"

    @property
    def manifest(self) -> Path:
        return self.data_home / APP_ID / MANIFEST

    def files(self) -> dict[Path, Path]:
        """Installed path → the resource it is copied from (the desktop entry is written)."""
        icons = resources_dir() / "icons"
        found = {self.applications / DESKTOP_ID: resources_dir() / "desktop" / DESKTOP_ID}
        for size in ICON_SIZES:
            name = f"{size}x{size}"
            found[self.hicolor / name / "apps" / "moments.png"] = (
                icons / "hicolor" / name / "apps" / "moments.png"
            )
        found[self.hicolor / "scalable" / "apps" / "moments.svg"] = icons / "moments.svg"
        found[self.metainfo] = resources_dir() / "desktop" / METAINFO
        found[self.mime / "packages" / STORY_TYPES] = resources_dir() / "desktop" / STORY_TYPES
        return found


@dataclass
class Report:
    """What an install or uninstall did, one line per item, for the terminal."""

    lines: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def supported() -> bool:
    """Desktop entries are a freedesktop thing: Linux and the BSDs, not macOS or Windows."""
    return os.name == "posix" and sys.platform != "darwin"


def launcher_command() -> list[str]:
    """The absolute command that starts this Moments: the bundle, the venv's ``moments``, or
    this interpreter with ``-m moments`` (never resolved through symlinks: a venv's python is
    a link out of the venv)."""
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).absolute())]
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == APP_ID and argv0.is_file():
        return [str(argv0.absolute())]
    beside = Path(sys.executable).parent / APP_ID
    if beside.is_file():
        return [str(beside.absolute())]
    found = shutil.which(APP_ID)
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "moments"]


def exec_value(args: list[str]) -> str:
    """``args`` quoted for an ``Exec=`` key (Desktop Entry spec), before the string escapes."""
    quoted = []
    for arg in args:
        arg = arg.replace("%", "%%")
        if any(ch in _RESERVED for ch in arg):
            arg = '"' + "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg) + '"'
        quoted.append(arg)
    return " ".join(quoted)


def desktop_entry(template: str, launcher: list[str]) -> str:
    """The packaged entry with ``Exec=`` (and ``TryExec=``) naming ``launcher``."""
    escape = str.maketrans({"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"})
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            lines.append(f"Exec={exec_value(launcher).translate(escape)} %U")
            if len(launcher) == 1:
                lines.append(f"TryExec={launcher[0].translate(escape)}")
        elif not line.startswith("TryExec="):
            lines.append(line)
    return "\n".join(lines) + "\n"


def mime_types(template: str) -> list[str]:
    """The ``MimeType=`` list of a desktop entry."""
    for line in template.splitlines():
        if line.startswith("MimeType="):
            return [t for t in line.split("=", 1)[1].split(";") if t]
    return []


def default_player_types(template: str) -> list[str]:
    """The types ``--default-player`` claims: videos and HLS playlists, not audio lists."""
    return [
        t
        for t in mime_types(template)
        if t.startswith("video/") or ("mpegurl" in t and not t.startswith("audio/"))
    ]


def install(
    *,
    default_player: bool = False,
    launcher: list[str] | None = None,
    targets: Targets | None = None,
) -> Report:
    """Install for this user; raises MomentsError with a sentence when it cannot."""
    if not supported():
        raise MomentsError("Desktop integration is for Linux desktops (freedesktop menus).")
    where = targets or Targets.from_environment()
    launcher = launcher or launcher_command()
    sources = where.files()
    missing = [str(src) for src in sources.values() if not src.is_file()]
    if missing:
        raise MomentsError(f"Moments' resources are incomplete: {missing[0]} is missing.")
    old = _read_manifest(where)
    template = sources[where.applications / DESKTOP_ID].read_text(encoding="utf-8")
    types = default_player_types(template) if default_player else old.get("default_types", [])
    dirs: set[str] = set(old.get("dirs", []))
    files: set[str] = set(old.get("files", []))
    mime_db: set[str] = set(old.get("mime_db", []))
    previous: dict[str, list[str]] = dict(old.get("previous_defaults", {}))
    report = Report()
    try:
        dirs |= _make_dirs(where.manifest.parent)
        for target, source in sources.items():
            dirs |= _make_dirs(target.parent)
            if target.name == DESKTOP_ID:
                _write_text(target, desktop_entry(template, launcher))
            else:
                _copy(source, target)
            files.add(str(target))
        report.lines.append(f"Installed {len(sources)} files under {where.data_home}")
        report.lines.append(f"Menu entry: {where.applications / DESKTOP_ID}")
        report.lines.append(f"It starts: {exec_value(launcher)}")
        files |= _refresh_caches(where)
        made, made_dirs = _rebuild_mime(where)
        mime_db |= made
        dirs |= made_dirs
        if default_player:
            _claim_defaults(where, types, previous, report)
        manifest = {
            "launcher": launcher,
            "files": sorted(files),
            "dirs": sorted(dirs),
            "mime_db": sorted(mime_db),
            "default_types": types,
            "previous_defaults": previous,
        }
        _write_text(where.manifest, json.dumps(manifest, indent=2) + "\n")
    except OSError as exc:
        raise StorageError(f"Could not install the menu entry: {_why(exc)}.") from exc
    return report


def uninstall(*, targets: Targets | None = None) -> Report:
    """Remove what :func:`install` wrote (from its manifest, else the known paths)."""
    where = targets or Targets.from_environment()
    manifest = _read_manifest(where)
    files = [Path(p) for p in manifest.get("files", [])] or list(where.files())
    report = Report()
    removed = 0
    for path in files:
        if path.name in CACHES:
            continue
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError as exc:
            report.lines.append(f"Could not remove {path}: {_why(exc)}")
    report.lines.insert(0, f"Removed {removed} files from {where.data_home}")
    types = manifest.get("default_types") or default_player_types(_packaged_entry())
    try:
        if _release_defaults(where, types, manifest.get("previous_defaults", {})):
            report.lines.append(f"Moments is no longer the default player ({where.mimeapps})")
    except OSError as exc:
        report.lines.append(f"Could not update {where.mimeapps}: {_why(exc)}")
    for cache in (p for p in files if p.name in CACHES):
        if _only_caches_in(cache.parent):  # ours, and nothing else is left to index
            cache.unlink(missing_ok=True)
    _refresh_caches(where, only_existing=True)
    _drop_mime(where, [Path(p) for p in manifest.get("mime_db", [])])
    where.manifest.unlink(missing_ok=True)
    for folder in sorted(manifest.get("dirs", []), key=len, reverse=True):
        with contextlib.suppress(OSError):  # not empty: someone else's files are in it
            Path(folder).rmdir()
    return report


# -- helpers ---------------------------------------------------------------------------------
CACHES = ("mimeinfo.cache", "icon-theme.cache")


def _why(exc: OSError) -> str:
    reason = str(exc.strerror or exc)
    return f"{reason} ({exc.filename})" if exc.filename else reason


def _only_caches_in(folder: Path) -> bool:
    return folder.is_dir() and not any(
        p.is_file() and p.name not in CACHES for p in folder.rglob("*")
    )


def _refresh_caches(where: Targets, *, only_existing: bool = False) -> set[str]:
    """Run update-desktop-database and gtk-update-icon-cache when installed; return the caches
    they created. A missing or failing tool is no error: the caches only speed menus up."""
    jobs = (
        ("update-desktop-database", ["-q"], where.applications / CACHES[0]),
        ("gtk-update-icon-cache", ["-f", "-t", "-q"], where.hicolor / CACHES[1]),
    )
    created = set()
    for tool, options, cache in jobs:
        existed = cache.exists()
        exe = shutil.which(tool)
        if exe is None or not cache.parent.is_dir() or (only_existing and not existed):
            continue
        with contextlib.suppress(MomentsError):
            run_tool([exe, *options, str(cache.parent)], timeout=30)
        if cache.exists() and not existed:
            created.add(str(cache))
    return created


def _rebuild_mime(where: Targets) -> tuple[set[str], set[str]]:
    """Rebuild this user's MIME database (``update-mime-database``, when installed) so that
    ``*.story.json`` has its type; the files and folders the rebuild created."""
    exe = shutil.which("update-mime-database")
    if exe is None or not where.mime.is_dir():
        return set(), set()
    before = set(where.mime.rglob("*"))
    with contextlib.suppress(MomentsError):
        run_tool([exe, str(where.mime)], timeout=60)
    made = set(where.mime.rglob("*")) - before
    return {str(p) for p in made if not p.is_dir()}, {str(p) for p in made if p.is_dir()}


def _drop_mime(where: Targets, made: list[Path]) -> None:
    """After uninstall: with no other package left, remove the database the install built;
    else rebuild it without ours."""
    packages = where.mime / "packages"
    if packages.is_dir() and any(packages.iterdir()):
        exe = shutil.which("update-mime-database")
        if exe is not None:
            with contextlib.suppress(MomentsError):
                run_tool([exe, str(where.mime)], timeout=60)
        return
    for path in made:
        path.unlink(missing_ok=True)


def _claim_defaults(
    where: Targets, types: list[str], previous: dict[str, list[str]], report: Report
) -> None:
    """Make Moments the default for ``types``, noting in ``previous`` what was the default
    before (xdg-mime replaces it; uninstall gives it back)."""
    text = where.mimeapps.read_text(encoding="utf-8") if where.mimeapps.is_file() else ""
    for mime, ids in mimeapps.defaults(text).items():
        others = [i for i in ids if i != DESKTOP_ID]
        if mime in types and others and mime not in previous:
            previous[mime] = others
    xdg_mime = shutil.which("xdg-mime")
    if xdg_mime:
        with contextlib.suppress(MomentsError):
            if run_tool([xdg_mime, "default", DESKTOP_ID, *types], timeout=30).returncode == 0:
                report.lines.append(f"Default player for {len(types)} video types (xdg-mime)")
                return
    _make_dirs(where.mimeapps.parent)
    _write_text(where.mimeapps, mimeapps.set_defaults(text, DESKTOP_ID, types))
    report.lines.append(f"Default player for {len(types)} video types ({where.mimeapps})")


def _release_defaults(where: Targets, types: list[str], previous: dict[str, list[str]]) -> bool:
    """Take Moments out of ``mimeapps.list`` for ``types``; True when something changed."""
    if not where.mimeapps.is_file():
        return False
    text = where.mimeapps.read_text(encoding="utf-8")
    kept = mimeapps.unset_defaults(text, DESKTOP_ID, types, previous)
    if kept == text:
        return False
    if kept.strip():
        _write_text(where.mimeapps, kept)
    else:
        where.mimeapps.unlink()
    return True


def _packaged_entry() -> str:
    path = resources_dir() / "desktop" / DESKTOP_ID
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _read_manifest(where: Targets) -> dict[str, Any]:
    try:
        data = json.loads(where.manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _make_dirs(folder: Path) -> set[str]:
    """``mkdir -p``, returning the folders it created (uninstall removes just those)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
    return {str(p) for p in missing}


def _write_text(path: Path, text: str) -> None:
    part = path.with_name(f".{path.name}.part")
    part.write_text(text, encoding="utf-8")
    part.replace(path)


def _copy(source: Path, target: Path) -> None:
    part = target.with_name(f".{target.name}.part")
    shutil.copyfile(source, part)
    part.replace(target)
