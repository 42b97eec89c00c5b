"""Make a file a target takes after it refused one as too large (``ShareError.preset``)."""

from __future__ import annotations

from collections.abc import Callable

from moments.core.cancel import CancelToken
from moments.core.errors import ShareError, ShareErrorKind
from moments.media.export import ExportRequest, ExportResult, export
from moments.media.tools import ProgressCallback

RequestFactory = Callable[[str], ExportRequest]
"""Preset id → the export of the same moment with that preset (the caller knows the moment's
trim, framing and captions)."""


def needs_reexport(error: BaseException) -> str | None:
    """The preset to export with again when ``error`` says the file was too large."""
    if isinstance(error, ShareError) and error.kind is ShareErrorKind.TOO_LARGE:
        return error.preset
    return None


def reexport(
    error: ShareError,
    make_request: RequestFactory,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Export again with the preset ``error`` names (blocks: run it in a worker); post
    ``result.path`` after. Raises ``error`` itself when no re-export can help."""
    preset = needs_reexport(error)
    if preset is None:
        raise error
    return export(make_request(preset), progress=progress, cancel=cancel)
