"""What every feature of the window shares: the task runner, the message bridge, dialogs,
toasts, small widgets and the one caption renderer."""

from moments.ui.common.dialogs import (
    SUBTITLE_FILTER,
    VIDEO_FILTER,
    OpenUrlDialog,
    ReportDialog,
    file_dialog,
)
from moments.ui.common.flow_layout import FlowLayout
from moments.ui.common.message_panel import MessagePanel
from moments.ui.common.overlay_render import (
    caption_rect,
    ensure_gui_application,
    render_overlay,
    render_overlay_png,
    render_overlays,
)
from moments.ui.common.preferences_dialog import PreferencesDialog, shortcut_clash
from moments.ui.common.tasks import Task, TaskContext, TaskRunner
from moments.ui.common.toast import Toast
from moments.ui.common.typing_guard import install_typing_guard, takes_typing
from moments.ui.common.ui_state import geometry_bytes, geometry_text, open_ui_state

__all__ = [
    "SUBTITLE_FILTER",
    "VIDEO_FILTER",
    "FlowLayout",
    "MessagePanel",
    "OpenUrlDialog",
    "PreferencesDialog",
    "ReportDialog",
    "Task",
    "TaskContext",
    "TaskRunner",
    "Toast",
    "caption_rect",
    "ensure_gui_application",
    "file_dialog",
    "geometry_bytes",
    "geometry_text",
    "install_typing_guard",
    "open_ui_state",
    "render_overlay",
    "render_overlay_png",
    "render_overlays",
    "shortcut_clash",
    "takes_typing",
]
