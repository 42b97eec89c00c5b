"""``moments scenes``, ``moments suggest`` and ``moments list``: scene analysis and My Moments
without a window, on the same code and the same sidecar cache as the player.

Exit codes as ``moments export``: 0 done, 2 bad arguments, 3 the source cannot be read or
decoded, 4 the library cannot be read, 1 anything else, 130 interrupted. Each error is one
line on stderr; progress goes to stderr only when it is a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TextIO

from moments.core.errors import (
    CancelledError,
    ClipError,
    MediaError,
    MomentsError,
    StorageError,
    ToolMissingError,
)
from moments.core.scene.signals import SceneSignals
from moments.core.scene.suggestions import RewatchHistogram
from moments.core.scene.transitions import detect_transitions
from moments.core.source import normalize_location
from moments.core.timefmt import format_time

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SOURCE, EXIT_STORAGE = 0, 1, 2, 3, 4


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _run(prog: str, parser: _Parser, argv: list[str], body: Callable[[Any], int]) -> int:
    try:
        args = parser.parse_args(argv)
        return body(args)
    except _UsageError as exc:
        return _fail(prog, EXIT_USAGE, str(exc))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return _fail(prog, 130, "interrupted.")


def _fail(prog: str, code: int, message: str) -> int:
    print(f"{prog}: error: {' '.join(message.split())}", file=sys.stderr)
    return code


def _source_parser(prog: str, description: str) -> _Parser:
    parser = _Parser(prog=prog, description=description + " Put '--' before a SOURCE whose "
                     "name starts with '-'.")  # fmt: skip
    parser.add_argument("source", help="a video file (or a URL that is not live)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _analysed(prog: str, source: str) -> SceneSignals | int:
    """The source's signals (from the sidecar when it has them), or an exit code."""
    from moments.media.analysis import analyse

    ticker = _Ticker(sys.stderr) if sys.stderr.isatty() else None
    try:
        return analyse(normalize_location(source), progress=ticker, idle=False)
    except ToolMissingError as exc:
        return _fail(prog, EXIT_SOURCE, f"{exc} To fix: {exc.fix}")
    except (MediaError, ClipError) as exc:
        return _fail(prog, EXIT_SOURCE, str(exc))
    except CancelledError as exc:
        return _fail(prog, 130, str(exc))
    except MomentsError as exc:
        return _fail(prog, EXIT_FAILED, str(exc))
    finally:
        if ticker is not None:
            ticker.close()


# --- moments scenes ----------------------------------------------------------------------


def scenes_main(argv: list[str]) -> int:
    """``moments scenes SOURCE [--json]``: the shot changes of SOURCE."""
    prog = "moments scenes"
    parser = _source_parser(prog, "List the shot changes of SOURCE: cuts, fades, dissolves.")
    return _run(prog, parser, argv, lambda args: _scenes(prog, args))


def _scenes(prog: str, args: argparse.Namespace) -> int:
    signals = _analysed(prog, args.source)
    if isinstance(signals, int):
        return signals
    transitions = detect_transitions(signals.frames)
    if args.json:
        print(json.dumps({
            "fps": round(signals.effective_fps, 6),
            "frames": len(signals.frames),
            "transitions": [t.to_json() for t in transitions],
        }))  # fmt: skip
        return EXIT_OK
    for t in transitions:
        span = "" if t.is_cut else f" – {format_time(t.end, millis=True)}"
        print(f"{t.kind:<9} frame {t.frame:>7}  {format_time(t.start, millis=True)}{span}")
    print(f"{len(transitions)} shot changes in {len(signals.frames)} frames "
          f"({signals.effective_fps:.3f} fps)")  # fmt: skip
    return EXIT_OK


# --- moments suggest ---------------------------------------------------------------------


def suggest_main(argv: list[str]) -> int:
    """``moments suggest SOURCE [--count N] [--json]``: the moments worth sharing."""
    prog = "moments suggest"
    parser = _source_parser(prog, "Suggest moments of SOURCE worth sharing, best first.")
    parser.add_argument("--count", type=_count, default=5, help="how many (default 5)")
    return _run(prog, parser, argv, lambda args: _suggest(prog, args))


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError("--count must be 1-100")
    return value


def _suggest(prog: str, args: argparse.Namespace) -> int:
    from moments.media.analysis import suggestions_for

    signals = _analysed(prog, args.source)
    if isinstance(signals, int):
        return signals
    source = normalize_location(args.source)
    rewatches = _rewatches(source)
    found = suggestions_for(source, signals, count=args.count, rewatches=rewatches)
    if args.json:
        print(json.dumps([s.to_json() for s in found], ensure_ascii=False))
        return EXIT_OK
    for n, item in enumerate(found, 1):
        span = f"{format_time(item.start, millis=True)} – {format_time(item.end, millis=True)}"
        print(f"{n:>2}. {span}  score {item.score:.2f}  {', '.join(item.reasons)}")
    if not found:
        print("nothing to suggest: the file is too short or has no picture")
    return EXIT_OK


def _rewatches(source: str) -> RewatchHistogram | None:
    """The viewer's rewatches of ``source``, as the player ranks with them: from the
    library, unless the preference to remember viewing is off."""
    from moments.core.library import Library
    from moments.core.paths import AppDirs
    from moments.core.settings import load_preferences
    from moments.media.analysis import rewatches_of

    dirs = AppDirs.from_environment()
    if not load_preferences(dirs.settings_file).remember_viewing:
        return None
    if not dirs.library_file.exists():
        return None
    try:
        library = Library(dirs.library_file, dirs.moments_dir)
    except StorageError:
        return None
    try:
        return rewatches_of(library, source)
    finally:
        library.close()


# --- moments list ------------------------------------------------------------------------


def list_main(argv: list[str]) -> int:
    """``moments list [--json]``: My Moments, newest first."""
    prog = "moments list"
    parser = _Parser(prog=prog, description="List My Moments, newest first.")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    return _run(prog, parser, argv, lambda args: _list(prog, args))


def _list(prog: str, args: argparse.Namespace) -> int:
    from moments.core.library import Library
    from moments.core.paths import AppDirs

    dirs = AppDirs.from_environment()
    if not dirs.library_file.exists():
        moments = []
    else:
        try:
            library = Library(dirs.library_file, dirs.moments_dir)
        except StorageError as exc:
            return _fail(prog, EXIT_STORAGE, str(exc))
        try:
            moments = library.list_moments()
        except StorageError as exc:
            return _fail(prog, EXIT_STORAGE, str(exc))
        finally:
            library.close()
    rows = [_moment_row(m) for m in moments]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        print(f"{row['id']:>4}  {row['title']}\n      {row['source']}\n"
              f"      {format_time(row['start'], millis=True)} ({row['start_why'] or '?'}) – "
              f"{format_time(row['end'], millis=True)} ({row['end_why'] or '?'}), "
              f"pressed at {format_time(row['press_time'], millis=True)}")  # fmt: skip
    if not rows:
        print("no moments yet")
    return EXIT_OK


def _moment_row(moment: Any) -> dict[str, Any]:
    from moments.core.edits import kept_range

    start, end = kept_range(moment)  # the clip kept: the trim inside the raw range
    return {
        "id": moment.id,
        "title": moment.title,
        "source": moment.source,
        "start": start,
        "end": end,
        "press_time": moment.press_time,
        "start_why": moment.start_why,
        "end_why": moment.end_why,
    }


class _Ticker:
    """Analysis progress on one terminal line."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = False

    def __call__(self, item: Any) -> None:
        self._stream.write(f"\rAnalysing {item.fraction * 100:3.0f}%   ")
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()
            self._shown = False


MAINS: dict[str, Callable[[list[str]], int]] = {
    "scenes": scenes_main,
    "suggest": suggest_main,
    "list": list_main,
}
