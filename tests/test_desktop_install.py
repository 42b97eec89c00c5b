"""The desktop entry, the metainfo, the icons, and `moments --install-desktop` into a temp home."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from moments import __version__, desktop_install, mimeapps
from moments.core.paths import resources_dir
from moments.desktop_install import DESKTOP_ID, ICON_SIZES, METAINFO, Targets

DESKTOP = resources_dir() / "desktop"
ROOT = Path(__file__).resolve().parents[1]


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (packaging/sysdeps.sh test installs it)")
    return found


def moments(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "moments", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def tree(home: Path) -> set[str]:
    """Every path under the data and config homes (the log folder changes with each run)."""
    found = set()
    for folder in (home / "data", home / "config"):
        found |= {str(p.relative_to(home)) for p in folder.rglob("*")}
    return found


# -- what ships ------------------------------------------------------------------------------
def test_the_desktop_entry_validates() -> None:
    result = subprocess.run(
        [tool("desktop-file-validate"), str(DESKTOP / DESKTOP_ID)], capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_the_metainfo_validates() -> None:
    result = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", "--pedantic", str(DESKTOP / METAINFO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation was successful" in result.stdout and "P:" not in result.stdout


def test_entry_says_what_the_app_is_and_opens() -> None:
    entry = (DESKTOP / DESKTOP_ID).read_text()
    for line in (
        "Name=Moments",
        "GenericName=Video Player",
        "Exec=moments %U",
        "Icon=moments",
        "StartupWMClass=moments",
        "Categories=AudioVideo;Video;Player;",
    ):
        assert line in entry.splitlines()
    types = desktop_install.mime_types(entry)
    for mime in ("video/mp4", "video/x-matroska", "video/webm", "application/vnd.apple.mpegurl"):
        assert mime in types
    claimed = desktop_install.default_player_types(entry)
    assert "video/mp4" in claimed and "audio/x-mpegurl" not in claimed


def test_one_version_everywhere() -> None:
    root = ET.parse(DESKTOP / METAINFO).getroot()
    releases = [r.get("version") for r in root.iter("release")]
    assert releases[0] == __version__
    assert root.findtext("launchable") == DESKTOP_ID
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "moments.__version__"}
    assert moments("--version").stdout.strip() == f"Moments {__version__}"


@pytest.mark.parametrize("size", ICON_SIZES)
def test_icons_are_square_pngs_of_each_size(size: int) -> None:
    path = resources_dir() / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "moments.png"
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (size, size)
        rgba = image.convert("RGBA")
        assert rgba.getpixel((0, 0))[3] == 0, "corners are transparent"
        assert rgba.getpixel((size // 2, size // 2))[3] == 255, "the middle is drawn"


# -- install and uninstall -------------------------------------------------------------------
def test_install_then_uninstall_leaves_the_home_as_it_was(isolated_dirs: Path) -> None:
    targets = Targets.from_environment()
    before = tree(isolated_dirs)
    result = moments("--install-desktop")
    assert result.returncode == 0, result.stderr
    entry_path = targets.applications / DESKTOP_ID
    assert f"Menu entry: {entry_path}" in result.stdout

    launcher = Path(sys.executable).parent / "moments"
    entry = entry_path.read_text()
    assert f"Exec={launcher} %U" in entry.splitlines()
    assert f"TryExec={launcher}" in entry.splitlines()
    assert launcher.is_absolute() and os.access(launcher, os.X_OK)
    validate = shutil.which("desktop-file-validate")
    if validate:
        check = subprocess.run([validate, str(entry_path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout
    for size in ICON_SIZES:
        name = Path(f"{size}x{size}") / "apps" / "moments.png"
        shipped = resources_dir() / "icons" / "hicolor" / name
        assert (targets.hicolor / name).read_bytes() == shipped.read_bytes()
    assert (targets.hicolor / "scalable" / "apps" / "moments.svg").is_file()
    assert (targets.data_home / "metainfo" / METAINFO).is_file()
    if shutil.which("update-desktop-database"):
        cache = (targets.applications / "mimeinfo.cache").read_text()
        assert DESKTOP_ID in cache and "application/x-moments-story+json=" in cache
    if shutil.which("update-mime-database"):  # a story file has its type: Moments opens it
        globs = (targets.mime / "globs2").read_text()
        assert "application/x-moments-story+json:*.story.json" in globs

    again = moments("--install-desktop")  # a second install changes nothing it cannot undo
    assert again.returncode == 0, again.stderr
    result = moments("--uninstall-desktop")
    assert result.returncode == 0, result.stderr
    assert tree(isolated_dirs) == before


def test_uninstall_keeps_what_others_put_beside_ours(isolated_dirs: Path) -> None:
    targets = Targets.from_environment()
    desktop_install.install()
    other = targets.applications / "vlc.desktop"
    other.write_text("[Desktop Entry]\nType=Application\nName=VLC\nExec=vlc\n")
    other_icon = targets.hicolor / "48x48" / "apps" / "vlc.png"
    other_icon.write_bytes(b"png")
    other_types = targets.mime / "packages" / "vlc.xml"
    other_types.write_text(
        '<?xml version="1.0"?>\n<mime-info xmlns="http://www.freedesktop.org/standards/'
        'shared-mime-info"><mime-type type="video/x-vlc-test"><glob pattern="*.vlctest"/>'
        "</mime-type></mime-info>\n"
    )
    desktop_install.install()  # the database now holds both
    desktop_install.uninstall()
    assert other.is_file() and other_icon.is_file() and other_types.is_file()
    if shutil.which("update-mime-database"):  # rebuilt without ours, with theirs
        globs = (targets.mime / "globs2").read_text()
        assert "*.vlctest" in globs and "*.story.json" not in globs
    assert not (targets.applications / DESKTOP_ID).exists()
    assert not (targets.hicolor / "48x48" / "apps" / "moments.png").exists()
    if shutil.which("update-desktop-database"):
        cache = (targets.applications / "mimeinfo.cache").read_text()
        assert DESKTOP_ID not in cache


def test_uninstall_when_nothing_is_installed_is_harmless(isolated_dirs: Path) -> None:
    before = tree(isolated_dirs)
    result = moments("--uninstall-desktop")
    assert result.returncode == 0, result.stderr
    assert "Removed 0 files" in result.stdout
    assert tree(isolated_dirs) == before


def test_default_player_alone_is_a_usage_error() -> None:
    result = moments("--default-player")
    assert result.returncode == 2
    assert "--default-player goes with --install-desktop" in result.stderr


USER_MIMEAPPS = """\
# my own associations
[Added Associations]
video/mp4=vlc.desktop;mpv.desktop;

[Default Applications]
text/plain=org.gnome.TextEditor.desktop
video/mp4=vlc.desktop;
image/png=eog.desktop

[Removed Associations]
video/webm=totem.desktop;
"""


def test_default_player_by_writing_mimeapps_keeps_the_users_entries(
    isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no xdg-mime: Moments writes the file itself
    targets = Targets.from_environment()
    targets.mimeapps.write_text(USER_MIMEAPPS)
    report = desktop_install.install(default_player=True)
    assert str(targets.mimeapps) in str(report)
    text = targets.mimeapps.read_text()
    found = mimeapps.defaults(text)
    assert found["video/mp4"] == [DESKTOP_ID, "vlc.desktop"]
    assert found["video/x-matroska"] == [DESKTOP_ID]
    assert found["text/plain"] == ["org.gnome.TextEditor.desktop"]
    assert found["image/png"] == ["eog.desktop"]
    assert "audio/x-mpegurl" not in found
    assert text.startswith("# my own associations\n[Added Associations]\n")
    assert "[Removed Associations]\nvideo/webm=totem.desktop;\n" in text
    desktop_install.uninstall()
    assert targets.mimeapps.read_text() == USER_MIMEAPPS


def test_default_player_with_xdg_mime_gives_the_old_default_back(isolated_dirs: Path) -> None:
    xdg_mime = tool("xdg-mime")
    targets = Targets.from_environment()
    targets.mimeapps.write_text(USER_MIMEAPPS)
    targets.applications.mkdir(parents=True)  # xdg-mime only names defaults that exist
    (targets.applications / "vlc.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=VLC\nExec=vlc %U\nMimeType=video/mp4;\n"
    )
    result = moments("--install-desktop", "--default-player")
    assert result.returncode == 0, result.stderr
    assert "(xdg-mime)" in result.stdout

    def query(mime: str) -> str:
        run = subprocess.run([xdg_mime, "query", "default", mime], capture_output=True, text=True)
        return run.stdout.strip()

    assert query("video/mp4") == DESKTOP_ID
    assert query("video/webm") == DESKTOP_ID
    assert mimeapps.defaults(targets.mimeapps.read_text())["text/plain"] == [
        "org.gnome.TextEditor.desktop"
    ]
    assert moments("--uninstall-desktop").returncode == 0
    assert query("video/mp4") == "vlc.desktop"
    after = mimeapps.defaults(targets.mimeapps.read_text())
    assert after == {
        "text/plain": ["org.gnome.TextEditor.desktop"],
        "video/mp4": ["vlc.desktop"],
        "image/png": ["eog.desktop"],
    }
    assert "[Removed Associations]\nvideo/webm=totem.desktop;" in targets.mimeapps.read_text()


def test_a_launcher_path_with_spaces_and_percent_is_quoted(tmp_path: Path) -> None:
    template = (DESKTOP / DESKTOP_ID).read_text()
    launcher = str(tmp_path / "My Apps" / '100% "moments"' / "moments")
    entry = desktop_install.desktop_entry(template, [launcher])
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith(" %U") and "100%%" in exec_line and '\\\\"moments\\\\"' in exec_line
    path = tmp_path / DESKTOP_ID
    path.write_text(entry)
    validate = shutil.which("desktop-file-validate")
    if validate:
        check = subprocess.run([validate, str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout


def test_mimeapps_edits_only_our_lines() -> None:
    text = "[Default Applications]\nvideo/mp4=moments.desktop;vlc.desktop;\n"
    assert mimeapps.unset_defaults(text, DESKTOP_ID, ["video/mp4"]) == (
        "[Default Applications]\nvideo/mp4=vlc.desktop;\n"
    )
    assert mimeapps.unset_defaults(text, DESKTOP_ID, ["video/webm"]) == text
    created = mimeapps.set_defaults("", DESKTOP_ID, ["video/mp4"])
    assert created == "[Default Applications]\nvideo/mp4=moments.desktop;\n"
    assert mimeapps.unset_defaults(created, DESKTOP_ID, ["video/mp4"]) == ""
