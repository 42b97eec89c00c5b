"""PyInstaller runtime hook: programs Moments starts (ffmpeg, xdg-open) get the system's
libraries, not the bundle's. The bootloader puts the bundle first in LD_LIBRARY_PATH for
this process; its children must not inherit that (a newer system ffmpeg can fail to load
against an older bundled libstdc++). The running process keeps what it loaded."""

import os

_original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
if _original:
    os.environ["LD_LIBRARY_PATH"] = _original
else:
    os.environ.pop("LD_LIBRARY_PATH", None)
