"""Export: an edited Moment and a preset become a published file — the pure plan (ffmpeg
argument lists, ``graph``), the run with progress and cancel (``engine``), the source's
exact frames (``source``), hardware encoders, and publishing without overwriting
(``naming``)."""

from moments.media.export.engine import ExportResult, export
from moments.media.export.graph import ExportRequest, FolderTemplate, Overlay, plan
from moments.media.export.naming import DEFAULT_TEMPLATE, render_template
from moments.media.export.rendition import Rendition

__all__ = [
    "DEFAULT_TEMPLATE",
    "ExportRequest",
    "ExportResult",
    "FolderTemplate",
    "Overlay",
    "Rendition",
    "export",
    "plan",
    "render_template",
]
