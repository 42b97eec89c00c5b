"""The Moment editor: preview, filmstrip trim timeline, captions, framing and hashtags."""

from moments.ui.editor.model import EditorModel
from moments.ui.editor.quotes import SubtitleHint
from moments.ui.editor.window import EditorWindow

__all__ = ["EditorModel", "EditorWindow", "SubtitleHint"]
