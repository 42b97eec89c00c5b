"""The ``moments`` command: the player by default, plus ``doctor``, ``export``, ``presets``,
``story``, ``scenes``, ``suggest`` and ``list``."""

from __future__ import annotations

import argparse
import os
import sys

from moments import APP_NAME, __version__
from moments.core.logs import setup_logging
from moments.core.paths import AppDirs

SCENE_COMMANDS = ("scenes", "suggest", "list")
SUBCOMMANDS = ("doctor", "export", "presets", "story", *SCENE_COMMANDS)


def _player_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moments",
        description=f"{APP_NAME}: a video player that turns the scene you just loved into a "
        "clip you can share. Without LOCATION it plays the built-in demo film.",
        epilog="Commands: 'moments doctor' checks the installation; 'moments export SOURCE "
        "--start T --end T' makes a clip without the window; 'moments presets' lists the "
        "platforms it sizes clips for; 'moments story check|walk|graph|prepare|demo' works "
        "on interactive stories; 'moments scenes SOURCE' lists its shot changes, "
        "'moments suggest SOURCE' the moments worth sharing, 'moments list' My Moments.",
    )
    parser.add_argument(
        "location", nargs="*", help="a video file or a URL to play (the first, when several)"
    )
    parser.add_argument("--fullscreen", action="store_true", help="start in fullscreen")
    parser.add_argument(
        "--new-window",
        action="store_true",
        help="start another player instead of handing LOCATION to the running one",
    )
    desktop = parser.add_argument_group("desktop integration (Linux)")
    desktop.add_argument(
        "--install-desktop",
        action="store_true",
        help="add Moments to this user's applications menu, with its icon",
    )
    desktop.add_argument(
        "--default-player",
        action="store_true",
        help="with --install-desktop: also open videos with Moments by default",
    )
    desktop.add_argument(
        "--uninstall-desktop", action="store_true", help="remove what --install-desktop added"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="play the demo film for two seconds, check it really played, and exit 0 if so",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    dirs = AppDirs.from_environment()
    if args and args[0] in SUBCOMMANDS:
        setup_logging(dirs.log_file)
        command = args.pop(0)
        if command == "export":
            _sweep_leftovers()
        if command == "doctor":
            argparse.ArgumentParser(prog="moments doctor").parse_args(args)
            from moments import doctor

            return doctor.main()
        try:
            if command == "story":
                from moments.story_cli import story_main

                return story_main(args)
            if command in SCENE_COMMANDS:
                from moments import scenes_cli

                return scenes_cli.MAINS[command](args)
            from moments import export_cli

            run = export_cli.export_main if command == "export" else export_cli.presets_main
            return run(args)
        except BrokenPipeError:  # `moments presets | head`: the reader left, which is fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    parser = _player_parser()
    options = parser.parse_args(args)
    if options.default_player and not options.install_desktop:
        parser.error("--default-player goes with --install-desktop")
    if options.install_desktop and options.uninstall_desktop:
        parser.error("choose one of --install-desktop and --uninstall-desktop")
    setup_logging(dirs.log_file)
    if options.install_desktop or options.uninstall_desktop:
        return _desktop_integration(options.install_desktop, options.default_player)
    if options.self_test:
        from moments.ui.self_test import run_self_test

        return run_self_test()
    _sweep_leftovers()
    from moments.ui.app import run_gui

    return run_gui(options.location, fullscreen=options.fullscreen, new_window=options.new_window)


def _desktop_integration(install: bool, default_player: bool) -> int:
    from moments import desktop_install
    from moments.core.errors import MomentsError

    try:
        if install:
            report = desktop_install.install(default_player=default_player)
        else:
            report = desktop_install.uninstall()
    except MomentsError as exc:
        print(f"moments: {exc}", file=sys.stderr)
        return 1
    print(report)
    return 0


def _sweep_leftovers() -> None:
    """Work files and live rings of Moments processes that were killed: removed now."""
    from moments.core import leftovers

    leftovers.sweep()
