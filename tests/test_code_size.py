"""Small modules with one job each: no module in the package over 400 lines, no class over 30
methods (the brief's rule). The ones already over are listed; they are being split (#16) and
must not grow a new neighbour meanwhile — take one off the list once it fits."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "app" / "moments"
MAX_LINES = 400
MAX_METHODS = 30

# Over the limits on main when this test came (library 602 lines, capture 443, graph 456,
# ring 502, player 544; Library 35 methods, FilmstripStrip 39, Player 44) ...
KNOWN_LONG_MODULES = {
    "core/library.py",
    "media/capture.py",
    "media/export/graph.py",
    "media/ring.py",
    "ui/player/player.py",
    "ui/editor/window.py",  # ... and on branches about to land then (416 lines)
}
KNOWN_BIG_CLASSES = {
    "core/library.py:Library",
    "ui/editor/filmstrip_strip.py:FilmstripStrip",
    "ui/player/player.py:Player",
    "ui/player/deck.py:SwitchDeck",  # 31 on a branch about to land
    "ui/story/mode.py:StoryMode",  # 32 on a branch about to land
}


def _modules() -> list[tuple[str, str]]:
    return [
        (path.relative_to(PACKAGE).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def test_no_new_module_over_400_lines() -> None:
    long = {name: len(text.splitlines()) for name, text in _modules()}
    new = {name: lines for name, lines in long.items() if lines > MAX_LINES}
    new = {name: lines for name, lines in new.items() if name not in KNOWN_LONG_MODULES}
    assert not new, f"modules over {MAX_LINES} lines (split them by job): {new}"


def test_no_new_class_over_30_methods() -> None:
    big: dict[str, int] = {}
    for name, text in _modules():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef):
                methods = [
                    item
                    for item in node.body
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                ]
                if len(methods) > MAX_METHODS:
                    big[f"{name}:{node.name}"] = len(methods)
    new = {name: count for name, count in big.items() if name not in KNOWN_BIG_CLASSES}
    assert not new, f"classes over {MAX_METHODS} methods (give a part its own class): {new}"
