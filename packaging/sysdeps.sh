#!/usr/bin/env bash
# Install the system packages Moments needs, and only those that are missing.
#
#   packaging/sysdeps.sh run    libVLC, ffmpeg, fonts, the X libraries Qt needs, and what
#                               libVLC's screensaver inhibition falls back to without D-Bus
#                               (xdg-screensaver, which runs xset)
#   packaging/sysdeps.sh test   the same plus Xvfb for the GUI tests and the desktop-file and
#                               AppStream validators
#
# On Debian/Ubuntu it installs with apt (through sudo when not root). Elsewhere it
# prints the exact command to type and fails when something is missing.
set -euo pipefail
mode=${1:-run}

deb_run=(
  libvlc5 libvlc-bin vlc-plugin-base vlc-plugin-video-output
  ffmpeg
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1
  libfontconfig1 libdbus-1-3
  fonts-dejavu-core fonts-noto-color-emoji
  xdg-utils x11-xserver-utils
)
deb_test=(xvfb xauth xdotool desktop-file-utils appstream)

say() { printf 'moments setup: %s\n' "$*" >&2; }

have_libvlc() {
  command -v ldconfig >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q 'libvlc\.so' && return 0
  [ -e /Applications/VLC.app/Contents/MacOS/lib/libvlc.dylib ] && return 0
  return 1
}

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  wanted=("${deb_run[@]}")
  [ "$mode" = test ] && wanted+=("${deb_test[@]}")
  missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  py=${PYTHON:-python3}
  if ! command -v "$py" >/dev/null 2>&1; then
    missing+=(python3 python3-venv)
  elif ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
  fi
  [ ${#missing[@]} -eq 0 ] && exit 0
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    say "missing system packages; as root, run:"
    say "  apt-get update && apt-get install -y ${missing[*]}"
    exit 1
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

# Not Debian: check what we can and print the command for this system.
need=0
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need=1
have_libvlc || need=1
[ "$need" -eq 0 ] && exit 0
if command -v brew >/dev/null 2>&1; then
  say "missing libVLC or ffmpeg; run:  brew install ffmpeg && brew install --cask vlc"
elif command -v dnf >/dev/null 2>&1; then
  say "missing libVLC or ffmpeg; enable RPM Fusion, then run:"
  say "  sudo dnf install vlc ffmpeg xorg-x11-server-Xvfb xcb-util-cursor google-noto-emoji-color-fonts"
elif command -v pacman >/dev/null 2>&1; then
  say "missing libVLC or ffmpeg; run:  sudo pacman -S vlc ffmpeg xorg-server-xvfb xcb-util-cursor noto-fonts-emoji"
elif command -v winget >/dev/null 2>&1; then
  say "missing libVLC or ffmpeg; run:  winget install VideoLAN.VLC Gyan.FFmpeg"
else
  say "install VLC (libVLC 3) and ffmpeg with your system's package manager, then run make again."
fi
exit 1
