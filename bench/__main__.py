"""``make bench``: every benchmark in one run; ``python -m bench NAME...`` runs some."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

from bench import common  # noqa: F401 - puts the repo on sys.path

ORDER = (
    "playhead",
    "startup",
    "capture_ui",
    "capture",
    "editor",
    "export",
    "filmstrip",
    "story_switch",
    "story_overlay",
    "story",
    "posting_http",
    "scenes",
    "scene_ui",
)
ALL = [name for name in ORDER if (Path(__file__).parent / f"{name}.py").exists()]


def main(names: list[str]) -> int:
    chosen = names or list(ALL)
    for name in chosen:
        started = time.monotonic()
        print(f"\n# bench.{name}", flush=True)
        module = importlib.import_module(f"bench.{name}")
        module.main()
        print(f"  ({time.monotonic() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
