"""PySide6 widgets, the libVLC player, dialogs and the background task runner."""
