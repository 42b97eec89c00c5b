"""Logging to a rotating file in the user log folder."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"
HANDLER_NAME = "moments"
"""The name our handlers carry, so a second setup replaces them and leaves others alone."""


def setup_logging(log_file: Path, *, console: bool = False) -> None:
    """Send logs to ``log_file`` (1 MB x 3); ``MOMENTS_DEBUG=1`` logs debug lines too."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if os.environ.get("MOMENTS_DEBUG") else logging.INFO)
    for handler in list(root.handlers):
        if handler.get_name() == HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = []
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
            )
        )
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot log to %s: %s", log_file, exc)
    if console:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.set_name(HANDLER_NAME)
        root.addHandler(handler)
