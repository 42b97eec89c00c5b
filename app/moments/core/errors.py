"""Typed errors. ``str(error)`` is the sentence the user reads; ``details`` is for the log."""

from __future__ import annotations

from enum import StrEnum


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


class StoryError(MomentsError):
    """An interactive story cannot be read or played: broken JSON, a schema or story error,
    missing media. ``problems`` holds every line ``moments story check`` would print about
    it (``error CODE: message``) when they are known."""

    def __init__(self, message: str, *, problems: tuple[str, ...] = (), details: str = "") -> None:
        super().__init__(message, details=details or "\n".join(problems))
        self.problems = problems


class ShareErrorKind(StrEnum):
    """Why a post failed, which says what to do next."""

    NETWORK = "network"
    """The service could not be reached or the connection broke: try again later."""
    SERVER = "server"
    """The service failed (5xx) or is still busy: try again later."""
    RATE_LIMITED = "rate-limited"
    """Too many requests (429): try again after ``retry_after`` seconds."""
    AUTH = "auth"
    """The account must sign in again (401/403, revoked token, missing keyring entry)."""
    TOO_LARGE = "too-large"
    """The file is over the service's limit; re-export with ``preset`` when it is set."""
    REFUSED = "refused"
    """The service refused the request itself (other 4xx, bad input, plain http)."""


RETRYABLE_KINDS = frozenset(
    {ShareErrorKind.NETWORK, ShareErrorKind.SERVER, ShareErrorKind.RATE_LIMITED}
)


class ShareError(MomentsError):
    """A posting target refused or could not be reached. ``kind`` says whether trying the
    same post again can work (``retryable``); ``retry_after`` is the server's wait in
    seconds; ``preset`` the export preset that would make the file fit."""

    def __init__(
        self,
        message: str,
        *,
        details: str = "",
        kind: ShareErrorKind = ShareErrorKind.REFUSED,
        retry_after: float | None = None,
        preset: str | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.kind = kind
        self.retry_after = retry_after
        self.preset = preset

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE_KINDS
