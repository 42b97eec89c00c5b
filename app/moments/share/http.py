"""The one HTTP client of ``share``: HTTPS only (plain http to loopback for tests), streamed
uploads with progress and cancel, errors as ``ShareError`` sentences, nothing secret logged.

Built on ``http.client`` so an upload reports every block it sends and stops within one
block of a cancel. Redirects are not followed. Logs name the method, host and a path the
caller may redact (``log_as``); never headers, bodies or query strings.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import secrets
import socket
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TypeVar

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, ShareError, ShareErrorKind

log = logging.getLogger(__name__)
T = TypeVar("T")

ProgressCallback = Callable[[float], None]
"""Called with the fraction done, 0.0 to 1.0."""
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
BLOCK = 256 * 1024
USER_AGENT = "Moments (desktop video player)"


def check_url(url: str, service: str) -> urllib.parse.SplitResult:
    """``url`` split, when it is https (or http to this computer); else ShareError."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return parts
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return parts
    if parts.scheme == "http":
        raise ShareError(f"Moments talks to {service} only over HTTPS; {url} is plain http.")
    raise ShareError(f"“{url}” is not a web address {service} can be reached at.")


def origin(url: str, service: str) -> str:
    """``https://host[:port]`` of ``url``, checked, without path or trailing slash."""
    parts = check_url(url if "://" in url else f"https://{url}", service)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Body:
    """A request body sent in blocks: ``length`` bytes from ``blocks()``."""

    content_type: str
    length: int
    blocks: Callable[[], Iterator[bytes]]

    @classmethod
    def of_bytes(cls, data: bytes, content_type: str) -> Body:
        return cls(content_type, len(data), lambda: iter((data,)))

    @classmethod
    def of_json(cls, value: Any) -> Body:
        return cls.of_bytes(json.dumps(value, ensure_ascii=False).encode(), "application/json")

    @classmethod
    def of_form(cls, fields: Sequence[tuple[str, str]]) -> Body:
        encoded = urllib.parse.urlencode(list(fields)).encode()
        return cls.of_bytes(encoded, "application/x-www-form-urlencoded")

    @classmethod
    def of_file(cls, path: Path, content_type: str) -> Body:
        return cls(content_type, _file_size(path), lambda: _read_blocks(path))


def multipart(fields: Sequence[tuple[str, str]], files: Sequence[tuple[str, Path, str]]) -> Body:
    """``multipart/form-data`` of text ``fields`` and ``files`` (name, path, content type),
    streamed from disk."""
    boundary = f"moments-{secrets.token_hex(12)}"
    parts: list[bytes | Path] = []
    for name, value in fields:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"\r\n\r\n'
        parts.append(head.encode() + value.encode() + b"\r\n")
    for name, path, content_type in files:
        disposition = f'form-data; name="{_quoted(name)}"; filename="{_quoted(path.name)}"'
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        parts += [f"{head}Content-Type: {content_type}\r\n\r\n".encode(), path, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    length = sum(_file_size(p) if isinstance(p, Path) else len(p) for p in parts)

    def blocks() -> Iterator[bytes]:
        for part in parts:
            if isinstance(part, Path):
                yield from _read_blocks(part)
            else:
                yield part

    return Body(f"multipart/form-data; boundary={boundary}", length, blocks)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message = field(repr=False)
    body: bytes = field(repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        """The body as JSON; ``{}`` when it is empty or not JSON."""
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return {}

    def retry_after(self) -> float | None:
        """Seconds from ``Retry-After`` (seconds or an HTTP date), None when absent."""
        value = self.headers.get("Retry-After")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def send(
    method: str,
    url: str,
    *,
    service: str,
    headers: Mapping[str, str] | None = None,
    body: Body | None = None,
    timeout: float = 60.0,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
    log_as: str | None = None,
) -> Response:
    """Send one request and read the whole answer, whatever its status.

    Raises ShareError (NETWORK) when ``service`` cannot be reached or the connection breaks,
    CancelledError when ``cancel`` is set. ``progress`` follows the bytes of ``body`` sent.
    """
    parts = check_url(url, service)
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    shown = log_as or parts.path
    connection_type = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_type(parts.hostname or "", parts.port, timeout=timeout)
    all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
    if body is not None:
        all_headers["Content-Type"] = body.content_type
        all_headers["Content-Length"] = str(body.length)
    started = time.monotonic()
    try:
        if cancel is not None:
            cancel.raise_if_cancelled()
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in all_headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        if body is not None:
            # A server may answer early (413) and close: read that answer below.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                _send_body(connection, body, cancel, progress)
        answer = connection.getresponse()
        data = answer.read()
        response = Response(answer.status, answer.msg, data)
    except CancelledError:
        log.info("%s %s %s%s cancelled", service, method, parts.hostname, shown)
        raise
    except (OSError, http.client.HTTPException) as exc:
        log.info("%s %s %s%s failed: %s", service, method, parts.hostname, shown, _why(exc))
        raise ShareError(
            f"Moments could not reach {service} ({parts.hostname}): {_why(exc)}.",
            kind=ShareErrorKind.NETWORK,
            details=type(exc).__name__,
        ) from exc
    finally:
        connection.close()
    elapsed = time.monotonic() - started
    log.info(
        "%s %s %s%s -> %d (%.2f s)",
        service,
        method,
        parts.hostname,
        shown,
        response.status,
        elapsed,
    )
    return response


def http_error(
    response: Response, *, service: str, doing: str, reason: str = "", preset: str | None = None
) -> ShareError:
    """The ShareError for a refused request: ``f"{service} refused {doing}: {reason}."``,
    its kind from the status (5xx and 429 retryable, 413 too large, 401/403 sign in)."""
    status = response.status
    said = f": {reason.rstrip('.')}" if reason else ""
    details = f"HTTP {status}"
    if status == 429:
        wait = response.retry_after()
        when = f" in {_seconds(wait)}" if wait is not None else " later"
        return ShareError(
            f"{service} asks Moments to slow down; it will try {doing} again{when}.",
            kind=ShareErrorKind.RATE_LIMITED,
            retry_after=wait,
            details=details,
        )
    if status >= 500:
        return ShareError(
            f"{service} had a problem with {doing} (error {status}); Moments will try again later.",
            kind=ShareErrorKind.SERVER,
            retry_after=response.retry_after(),
            details=details,
        )
    if status in (401, 403):
        return ShareError(
            f"{service} refused {doing}{said or ': the sign-in is no longer valid'}. "
            "Sign in again.",
            kind=ShareErrorKind.AUTH,
            details=details,
        )
    if status == 413:
        return ShareError(
            f"{service} refused {doing}{said or ': the file is too large'}.",
            kind=ShareErrorKind.TOO_LARGE,
            preset=preset,
            details=details,
        )
    return ShareError(f"{service} refused {doing}{said}.", details=details)


def _send_body(
    connection: http.client.HTTPConnection,
    body: Body,
    cancel: CancelToken | None,
    progress: ProgressCallback | None,
) -> None:
    sent = 0
    for block in body.blocks():
        if cancel is not None:
            cancel.raise_if_cancelled()
        connection.send(block)
        sent += len(block)
        if progress is not None and body.length:
            progress(min(1.0, sent / body.length))


def _read_blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            yield block


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise ShareError(f"The file to post, {path.name}, cannot be read: {exc.strerror}.") from exc


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "%22").replace("\r", " ").replace("\n", " ")


def _why(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "it did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, socket.gaierror):
        return "the name is not known (are you offline?)"
    if isinstance(exc, ConnectionError | http.client.HTTPException):
        return "the connection broke"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _seconds(value: float) -> str:
    if value < 90:
        return f"{max(1, round(value))} s"
    return f"{round(value / 60)} min"


def poll(
    check: Callable[[], T | None],
    *,
    cancel: CancelToken | None,
    timeout: float,
    first: float = 0.5,
    factor: float = 1.5,
    longest: float = 5.0,
) -> T | None:
    """Call ``check`` until it returns something, waiting ``first`` seconds, then longer
    (×``factor``, at most ``longest``). None after ``timeout`` seconds; CancelledError when
    ``cancel`` is set while waiting."""
    deadline = time.monotonic() + timeout
    delay = first
    while True:
        result = check()
        if result is not None:
            return result
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        if cancel is not None and cancel.wait(min(delay, left)):
            raise CancelledError()
        if cancel is None:
            time.sleep(min(delay, left))
        delay = min(longest, delay * factor)
