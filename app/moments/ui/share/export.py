"""The worker side of "Export" in the share panel: plan the file, draw the captions at its
output size with the one renderer, encode, and record it in the library.

Runs on a TaskRunner thread (QPainter on a QImage is safe off the GUI thread).
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from pathlib import Path

from moments.core.library import Library
from moments.media.export import ExportResult, Rendition, export, plan
from moments.media.probe import MediaInfo, probe
from moments.ui.common import TaskContext, render_overlays

log = logging.getLogger(__name__)


def run_rendition(
    ctx: TaskContext,
    rendition: Rendition,
    *,
    library: Library | None,
    info: MediaInfo | None = None,
    target_size: int | None = None,
    overrides: dict[str, object] | None = None,
) -> ExportResult:
    """Make one file; progress goes to ``ctx.progress`` as ``media.tools.Progress``."""
    request = rendition.request(target_size=target_size)
    if overrides:
        request = dataclasses.replace(request, preset_overrides=dict(overrides))
    if info is None or info.location != request.source:
        info = probe(request.source)
    shape = plan(request, info)
    with tempfile.TemporaryDirectory(prefix="moments-captions-") as folder:
        overlays = render_overlays(
            rendition.edits.captions,
            (shape.width, shape.height),
            rendition.clip_duration,
            Path(folder),
        )
        request = dataclasses.replace(request, overlays=overlays)
        result = export(request, progress=ctx.progress, cancel=ctx.cancel, info=info)
    moment_id = rendition.moment.id
    if library is not None and moment_id is not None:
        try:
            library.add_export(
                moment_id,
                result.path,
                rendition.preset,
                size_bytes=result.size_bytes,
                duration=result.duration,
            )
        except KeyError:
            log.info("moment %s was deleted during its export", moment_id)
        except Exception:  # the file is made; not being listed is no reason to fail
            log.exception("could not record the export of moment %s", moment_id)
    return result
