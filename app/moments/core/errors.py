"""Typed errors. ``str(error)`` is the sentence the user reads; ``details`` is for the log."""

from __future__ import annotations


class MomentsError(Exception):
    """Base for every error the user is told about."""

    def __init__(self, message: str, *, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class MediaError(MomentsError):
    """A source cannot be found, read or decoded."""


class ToolMissingError(MediaError):
    """ffmpeg, ffprobe or libVLC is not installed; ``fix`` says how to install it."""

    def __init__(self, message: str, *, fix: str) -> None:
        super().__init__(message, details=fix)
        self.fix = fix


class ClipError(MomentsError):
    """An ffmpeg job failed; ``stderr`` holds the last useful lines it printed."""

    def __init__(self, message: str, *, stderr: str = "") -> None:
        super().__init__(message, details=stderr)
        self.stderr = stderr


class StorageError(MomentsError):
    """A file could not be written: disk full, read-only or missing folder."""


class CancelledError(MomentsError):
    """The user cancelled a running job. Nothing was left behind."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class ShareError(MomentsError):
    """A posting target refused or could not be reached."""
