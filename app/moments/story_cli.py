"""``moments story``: interactive stories without a window — check, prepare, walk, graph, demo.

Exit codes: 0 done (``check``: no error), 1 the story has errors or cannot play,
2 bad arguments, 3 media cannot be read or encoded, 4 a file cannot be written,
130 interrupted. Problems and errors go to stderr one per line; results to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn, TextIO

from moments.core.errors import (
    CancelledError,
    ClipError,
    MediaError,
    MomentsError,
    StorageError,
    StoryError,
)
from moments.core.story.model import Story
from moments.core.story.walk import WalkError, WalkResult, parse_answers
from moments.core.timefmt import format_time
from moments.media.tools import Progress

EXIT_OK, EXIT_STORY, EXIT_USAGE, EXIT_MEDIA, EXIT_OUTPUT = 0, 1, 2, 3, 4
COMMANDS = ("check", "prepare", "walk", "graph", "demo")


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


def _parser() -> _Parser:
    parser = _Parser(
        prog="moments story",
        description="Interactive stories (*.story.json, see docs/stories.md) without the "
        "player. Put '--' before a STORY whose name starts with '-'.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = commands.add_parser("check", help="list schema and story errors, one per line")
    check.add_argument("story")
    check.add_argument("--no-media", action="store_true", help="skip ffprobe (no keyframe or "
                       "duration checks; missing files are still found)")  # fmt: skip
    prepare = commands.add_parser(
        "prepare", help="re-encode the media with a keyframe at every segment start"
    )
    prepare.add_argument("story")
    prepare.add_argument(
        "-o", "--output", help="the new story file (default: beside STORY, “… (keyframes)”)"
    )
    walk = commands.add_parser("walk", help="run the story without video and print the path")
    walk.add_argument("story")
    walk.add_argument("--choose", default="", help="answers in order: option numbers from 0, "
                      "default, back, again (e.g. 0,1,default)")  # fmt: skip
    walk.add_argument("--seed", type=int, default=0, help="for random default options")
    walk.add_argument("--json", action="store_true", help="machine-readable output")
    graph = commands.add_parser("graph", help="draw the story's graph as SVG")
    graph.add_argument("story")
    graph.add_argument("-o", "--output", required=True, help="the SVG file to write")
    graph.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    commands.add_parser("demo", help="make the demo story if needed; print its path")
    return parser


def story_main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
        run = {"check": _check, "prepare": _prepare, "walk": _walk, "graph": _graph,
               "demo": _demo}[args.command]  # fmt: skip
        return run(args)
    except _UsageError as exc:
        return _fail(EXIT_USAGE, str(exc).removeprefix("moments story: "))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return _fail(130, "interrupted; nothing was left behind.")


def _check(args: argparse.Namespace) -> int:
    from moments.core.story.check import check_story
    from moments.media.story_media import read_media_facts

    try:
        problems = check_story(Path(args.story), None if args.no_media else read_media_facts)
    except StoryError as exc:
        return _fail(EXIT_STORY, str(exc))
    for problem in problems:
        print(problem)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    print(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}", file=sys.stderr)
    return EXIT_STORY if errors else EXIT_OK


def _prepare(args: argparse.Namespace) -> int:
    from moments.media.story_media import prepare_story

    story = _load(args.story)
    source = Path(args.story)
    if args.output:
        destination = Path(args.output)
        if not destination.name.endswith(".story.json"):
            raise _UsageError(f"prepare: “{destination.name}” should end in .story.json")
    else:
        stem = source.name.removesuffix(".story.json").removesuffix(".json")
        destination = source.with_name(f"{stem} (keyframes).story.json")
    if destination.resolve() == source.resolve():
        raise _UsageError("prepare: the new story must not replace STORY")
    ticker = _Ticker(sys.stderr, "Preparing") if sys.stderr.isatty() else None
    try:
        prepared = prepare_story(story, destination, progress=ticker)
    except (MediaError, ClipError) as exc:
        return _fail(EXIT_MEDIA, str(exc), ticker)
    except StorageError as exc:
        return _fail(EXIT_OUTPUT, str(exc), ticker)
    except CancelledError as exc:
        return _fail(130, str(exc), ticker)
    if ticker:
        ticker.close()
    print(prepared.story)
    return EXIT_OK


def _walk(args: argparse.Namespace) -> int:
    from moments.core.story.walk import walk

    try:
        answers = parse_answers(args.choose)
    except WalkError as exc:
        raise _UsageError(f"walk: --choose: {exc}") from exc
    story = _load(args.story, require_media=False)
    try:
        result = walk(story, answers, seed=args.seed)
    except WalkError as exc:
        raise _UsageError(f"walk: {exc}") from exc
    except StoryError as exc:
        return _fail(EXIT_STORY, str(exc))
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_walk(result, sys.stdout)
    if result.unused:
        print(f"moments story walk: warning: the story ended with {len(result.unused)} "
              f"answers unused ({','.join(result.unused)})", file=sys.stderr)  # fmt: skip
    return EXIT_OK


def _print_walk(result: WalkResult, out: TextIO) -> None:
    width = max((len(s.clip.segment) for s in result.steps), default=0)
    for number, step in enumerate(result.steps, 1):
        clip = step.clip
        times = f"{_ms(clip.start_ms)}–{_ms(clip.end_ms)}"
        state = " ".join(f"{k}={_value(v)}" for k, v in step.state.items())
        how = f"({step.how}) " if step.how in ("back", "again") else ""
        out.write(f"{number:3d}. {how}{clip.segment.ljust(width)}  {times}  {state}".rstrip())
        out.write("\n")
        if step.choice is not None:
            made = step.choice
            timer = " (timer ran out)" if made.timed_out else ""
            out.write(f"     {made.choice}: “{made.prompt}” → {made.option} {made.label}{timer}\n")
    if result.ending is not None:
        ending = result.ending
        out.write(f"ending {ending.id}: “{ending.title}” ({ending.kind})\n")
    elif result.waiting is not None:
        options = ", ".join(f"{n} {label}" for n, label in enumerate(result.waiting["options"]))
        out.write(f"waiting at {result.waiting['choice']}: “{result.waiting['prompt']}” "
                  f"({options})\n")  # fmt: skip


def _graph(args: argparse.Namespace) -> int:
    from moments.core.atomic import storage_error
    from moments.core.story.svg import story_svg
    from moments.media.story_media import work_file_beside

    story = _load(args.story, require_media=False)
    output = Path(args.output)
    if output.suffix.lower() != ".svg":
        raise _UsageError(f"graph: “{output.name}” should end in .svg")
    if output.exists() and not args.force:
        return _fail(EXIT_OUTPUT, f"“{output}” already exists; --force replaces it.")
    try:
        work = work_file_beside(output)
        try:
            work.write_text(story_svg(story), encoding="utf-8")
            work.replace(output)
        except OSError as exc:
            work.unlink(missing_ok=True)
            raise storage_error(exc, output) from exc
    except StorageError as exc:
        return _fail(EXIT_OUTPUT, str(exc))
    print(output)
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from moments.core.paths import AppDirs
    from moments.media.story_demo import demo_story_is_ready, demo_story_path, make_demo_story

    folder = AppDirs.from_environment().demo
    if demo_story_is_ready(folder):
        print(demo_story_path(folder))
        return EXIT_OK
    ticker = _Ticker(sys.stderr, "Making the demo story") if sys.stderr.isatty() else None
    try:
        path = make_demo_story(folder, progress=ticker)
    except StorageError as exc:
        return _fail(EXIT_OUTPUT, str(exc), ticker)
    except MomentsError as exc:
        return _fail(EXIT_MEDIA, str(exc), ticker)
    if ticker:
        ticker.close()
    print(path)
    return EXIT_OK


def _load(location: str, *, require_media: bool = True) -> Story:
    from moments.core.story.load import load_story

    try:
        return load_story(Path(location), require_media=require_media)
    except StoryError as exc:
        _fail(EXIT_STORY, str(exc))
        raise SystemExit(EXIT_STORY) from exc


class _Ticker:
    """Progress on one terminal line."""

    def __init__(self, stream: TextIO, what: str) -> None:
        self._stream, self._what, self._shown = stream, what, False

    def __call__(self, item: Progress) -> None:
        if item.fraction is None:
            return
        left = f"  {format_time(item.eta_s)} left" if item.eta_s is not None else ""
        self._stream.write(f"\r{self._what} {item.fraction * 100:3.0f}%{left}   ")
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()
            self._shown = False


def _fail(code: int, message: str, ticker: _Ticker | None = None) -> int:
    if ticker:
        ticker.close()
    print(f"moments story: error: {' '.join(message.split())}", file=sys.stderr)
    return code


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _ms(value: int) -> str:
    minutes, ms = divmod(value, 60_000)
    return f"{minutes}:{ms / 1000:06.3f}"


def _value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
