"""The ``moments`` command: the player by default, plus ``doctor``, ``export`` and ``presets``."""

from __future__ import annotations

import argparse
import os
import sys

from moments import APP_NAME, __version__
from moments.core.logs import setup_logging
from moments.core.paths import AppDirs

SUBCOMMANDS = ("doctor", "export", "presets")


def _player_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moments",
        description=f"{APP_NAME}: a video player that turns the scene you just loved into a "
        "clip you can share. Without LOCATION it plays the built-in demo film.",
        epilog="Commands: 'moments doctor' checks the installation; 'moments export SOURCE "
        "--start T --end T' makes a clip without the window; 'moments presets' lists the "
        "platforms it sizes clips for.",
    )
    parser.add_argument("location", nargs="?", help="a video file or a URL to play")
    parser.add_argument("--fullscreen", action="store_true", help="start in fullscreen")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    dirs = AppDirs.from_environment()
    if args and args[0] in SUBCOMMANDS:
        setup_logging(dirs.log_file)
        command = args.pop(0)
        if command == "doctor":
            argparse.ArgumentParser(prog="moments doctor").parse_args(args)
            from moments import doctor

            return doctor.main()
        from moments import export_cli

        run = export_cli.export_main if command == "export" else export_cli.presets_main
        try:
            return run(args)
        except BrokenPipeError:  # `moments presets | head`: the reader left, which is fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    options = _player_parser().parse_args(args)
    setup_logging(dirs.log_file)
    from moments.ui.app import run_gui

    return run_gui(options.location, fullscreen=options.fullscreen)
