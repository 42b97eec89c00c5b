"""``moments export`` and ``moments presets``: the export engine without a window.

Exit codes: 0 done, 2 bad arguments (or a clip the preset refuses), 3 the source cannot be
read or decoded, 4 the output cannot be written, 1 anything else, 130 interrupted. Each error
is one line on stderr; stdout gets the output path, then the hashtags (for scripts).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path
from typing import NoReturn, TextIO

from moments.core.errors import (
    CancelledError,
    ClipError,
    MediaError,
    MomentsError,
    StorageError,
    ToolMissingError,
)
from moments.core.framing import Framing
from moments.core.paths import AppDirs
from moments.core.presets import (
    PRESET_IDS,
    PRESETS,
    ClipFacts,
    ExportPreset,
    OutputKind,
    estimate_size,
    normalize_hashtags,
    validate,
)
from moments.core.settings import Preferences, effective_preset, export_overrides, load_preferences
from moments.core.source import display_name, normalize_location
from moments.core.timefmt import format_time, parse_time
from moments.media.export import ExportRequest, FolderTemplate, Overlay, export, plan
from moments.media.probe import MediaInfo, probe
from moments.media.tools import Progress

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SOURCE, EXIT_OUTPUT = 0, 1, 2, 3, 4
ASPECTS = ("source", "16:9", "1:1", "4:5", "9:16")
SUFFIXES = {
    OutputKind.VIDEO: (".mp4", ".m4v", ".mov"),
    OutputKind.GIF: (".gif",),
    OutputKind.WEBP: (".webp",),
    OutputKind.STILL: (".png", ".jpg", ".jpeg"),
}


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _time(text: str) -> float:
    try:
        return parse_time(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _export_parser() -> _Parser:
    parser = _Parser(
        prog="moments export",
        description="Export a clip of SOURCE, sized for a platform. Put '--' before a SOURCE "
        "whose name starts with '-'.",
    )
    parser.add_argument("source", help="a video file or URL")
    parser.add_argument("--start", required=True, type=_time, help="seconds or HH:MM:SS.mmm")
    parser.add_argument("--end", required=True, type=_time, help="seconds or HH:MM:SS.mmm")
    parser.add_argument("--caption", action="append", default=[], help="text burned in; repeat")
    parser.add_argument("--hashtag", action="append", default=[], help="a hashtag; repeat")
    parser.add_argument("--aspect", choices=ASPECTS, default="source")
    parser.add_argument(
        "--fit", action="store_true", help="show the whole picture over a blurred copy of it"
    )
    parser.add_argument("--preset", choices=PRESET_IDS, default="original")
    parser.add_argument(
        "-o", "--output", help="a file, or a folder (named '{title} {timecode}' inside)"
    )
    return parser


def export_main(argv: list[str]) -> int:
    """``moments export SOURCE --start T --end T [...]``; returns the exit code."""
    try:
        args = _export_parser().parse_args(argv)
        return _export(args)
    except _UsageError as exc:
        return _fail(EXIT_USAGE, str(exc))
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return _fail(130, "interrupted; nothing was written.")


def _export(args: argparse.Namespace) -> int:
    if args.end <= args.start:
        raise _UsageError("--end must come after --start")
    source = normalize_location(args.source)
    try:
        info = probe(source)
    except ToolMissingError as exc:
        return _fail(EXIT_SOURCE, f"{exc} To fix: {exc.fix}")
    except MediaError as exc:
        return _fail(EXIT_SOURCE, str(exc))
    if info.primary_video is None:
        return _fail(EXIT_SOURCE, f"“{display_name(source)}” has no video to export.")
    if info.duration is not None and args.start >= info.duration:
        raise _UsageError(
            f"--start is after the end of “{display_name(source)}” ({format_time(info.duration)})"
        )
    prefs = _preferences()
    preset = effective_preset(args.preset, prefs)
    tags = normalize_hashtags(args.hashtag)
    comment = "\n".join([*args.caption, " ".join(tags)]).strip()
    request = ExportRequest(
        source=source,
        start=args.start,
        end=min(args.end, info.duration or args.end),
        destination=_destination(args.output, preset),
        preset=args.preset,
        framing=Framing(aspect=args.aspect, mode="fit" if args.fit else "crop"),
        title=Path(display_name(source)).stem,
        comment=comment,
        preset_overrides=export_overrides(args.preset, prefs),
    )
    shape = plan(request, info)
    post_text = " ".join(tags)  # what a script posts; the captions are in the picture
    if _report_problems(preset, shape.width, shape.height, request, info, post_text, len(tags)):
        return EXIT_USAGE
    with tempfile.TemporaryDirectory(prefix="moments-captions-") as folder:
        overlays = _render_captions(args.caption, shape.width, shape.height, Path(folder))
        request = dataclasses.replace(request, overlays=overlays)
        return _run(request, info, tags)


def _run(request: ExportRequest, info: MediaInfo, tags: list[str]) -> int:
    ticker = _Ticker(sys.stderr) if sys.stderr.isatty() else None
    try:
        result = export(request, progress=ticker, info=info)
    except (MediaError, ClipError) as exc:
        return _fail(EXIT_SOURCE, str(exc), ticker)
    except StorageError as exc:
        return _fail(EXIT_OUTPUT, str(exc), ticker)
    except CancelledError as exc:
        return _fail(130, str(exc), ticker)
    except MomentsError as exc:
        return _fail(EXIT_FAILED, str(exc), ticker)
    if ticker:
        ticker.close()
    print(result.path)
    if tags:
        print(" ".join(tags))
    return EXIT_OK


def _report_problems(
    preset: ExportPreset,
    width: int,
    height: int,
    request: ExportRequest,
    info: MediaInfo,
    text: str,
    hashtags: int,
) -> bool:
    """Print each problem on one line; True when one of them must stop the export."""
    duration = request.end - request.start
    fps = info.primary_video.fps if info.primary_video and info.primary_video.fps else 30.0
    facts = ClipFacts(
        duration=duration,
        width=width,
        height=height,
        fps=fps,
        framing_aspect=request.framing.aspect,
        text=text,
        hashtags=hashtags,
        estimated_size=estimate_size(preset, width, height, fps, duration),
        size_accepted=True,
        room=info.duration or None,
    )
    blocking = False
    for problem in validate(preset, facts):
        if problem.code == "small-picture":  # the share panel's heads-up; here you chose the file
            continue
        fixes = "; ".join(fix.label for fix in problem.fixes)
        hint = f" (fix: {fixes})" if fixes else ""
        print(f"moments export: {problem.severity}: {problem.message}{hint}", file=sys.stderr)
        blocking = blocking or problem.severity == "error"
    return blocking


def _destination(output: str | None, preset: ExportPreset) -> Path | FolderTemplate:
    if not output:
        return FolderTemplate(Path.cwd())
    path = Path(output).expanduser()
    if path.is_dir() or output.endswith(("/", "\\")) or not path.suffix:
        return FolderTemplate(path)
    if path.suffix.lower() not in SUFFIXES[preset.kind]:
        wanted = " or ".join(SUFFIXES[preset.kind])
        raise _UsageError(f"the {preset.id} preset writes {wanted} files, not “{path.name}”")
    return path


def _render_captions(texts: list[str], width: int, height: int, folder: Path) -> list[Overlay]:
    """One PNG at the output size; several captions are stacked up from the bottom edge in
    the order given (the last one lowest)."""
    if not any(text.strip() for text in texts):
        return []
    from moments.core.captions import Caption
    from moments.ui.common import caption_rect, ensure_gui_application, render_overlay_png

    ensure_gui_application()
    bottom, gap = height * 0.94, height * 0.015
    placed: list[Caption] = []
    for text in reversed([t for t in texts if t.strip()]):
        block = caption_rect(Caption(text=text), width, height).height()
        placed.append(Caption(text=text, y=max(0.0, bottom - block / 2) / height))
        bottom -= block + gap
    path = render_overlay_png(list(reversed(placed)), width, height, folder / "captions.png")
    return [Overlay(path)]


def _preferences() -> Preferences:
    """The user's settings.json, as the player reads it (``preset_overrides`` included)."""
    return load_preferences(AppDirs.from_environment().settings_file)


class _Ticker:
    """Progress on one terminal line: percent and time left."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = False

    def __call__(self, item: Progress) -> None:
        if item.fraction is None:
            return
        left = f"  {format_time(item.eta_s)} left" if item.eta_s is not None else ""
        self._stream.write(f"\rExporting {item.fraction * 100:3.0f}%{left}   ")
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
    line = " ".join(message.split())
    print(f"moments export: error: {line}", file=sys.stderr)
    return code


# --- moments presets ---------------------------------------------------------------------


def presets_main(argv: list[str]) -> int:
    """``moments presets [--json]``: every preset with its limits (settings overrides applied)."""
    parser = _Parser(prog="moments presets", description="List the export presets.")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(f"moments presets: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    prefs = _preferences()
    presets = [effective_preset(p.id, prefs) for p in PRESETS]
    if args.json:
        print(json.dumps([dataclasses.asdict(p) for p in presets], indent=2, ensure_ascii=False))
        return EXIT_OK
    header = ("id", "name", "length", "size", "picture", "aspect", "fps", "codecs", "text")
    rows = [header, *(_preset_row(p) for p in presets)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return EXIT_OK


def _preset_row(preset: ExportPreset) -> tuple[str, ...]:
    low, high = preset.min_duration, preset.max_duration
    if low is None and high is None:
        length = "any"
    elif low is None or high is None:
        length = f"≤ {_seconds(high)}" if low is None else f"≥ {_seconds(low)}"
    else:
        length = f"{_seconds(low)}–{_seconds(high)}"
    size = "any" if preset.max_size is None else _bytes(preset.max_size)
    aspect = preset.preferred_aspect or "any"
    if preset.aspect_min is not None or preset.aspect_max is not None:
        low_r, high_r = preset.aspect_min, preset.aspect_max
        if low_r is None or high_r is None:
            bound = f"≤ {_ratio(high_r)}" if low_r is None else f"≥ {_ratio(low_r)}"
        else:
            bound = _ratio(low_r) if low_r == high_r else f"{_ratio(low_r)}–{_ratio(high_r)}"
        aspect += f" ({bound})"
    codecs = "+".join(c for c in (preset.video_codec, preset.audio_codec) if c)
    limit = preset.caption_limit
    text = "any" if limit is None else f"{limit} {preset.caption_unit}"
    if preset.max_hashtags is not None:
        text += f", {preset.max_hashtags} #"
    picture = f"{preset.long_side}x{preset.short_side}"
    return (preset.id, preset.name, length, size, picture, aspect, f"{preset.max_fps:g}", codecs,
            text)  # fmt: skip


def _seconds(value: float | None) -> str:
    return "" if value is None else (f"{value:g} s" if value < 60 else format_time(value))


def _bytes(value: int) -> str:
    return f"{value / 2**20:g} MiB" if value % 2**20 == 0 else f"{value / 1e6:g} MB"


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.3g}"
