"""The one HTTP client of ``share``: HTTPS only (plain http to loopback for tests), streamed
uploads with progress and cancel, a redirect policy, errors as ``ShareError`` sentences,
nothing secret logged.

Built on ``httpx`` (docs/architecture.md, Sharing, says why): connections are kept and
reused per host, proxies come from the environment and the system (``HTTPS_PROXY``,
``NO_PROXY``; never for loopback), timeouts are per phase (connect, then each read or
write). Redirects: a GET (and a sign-in's discovery) follows up to five same-scheme
redirects, dropping ``Authorization`` when the host changes; anything else gets the 3xx
answer to explain. Logs name the method, host and a path the caller may redact
(``log_as``); never headers, bodies or query strings (httpx's own request log is muted).
"""

from __future__ import annotations

import http.cookiejar
import json
import logging
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, ShareError, ShareErrorKind
from moments.share.http_body import Body, multipart
from moments.share.server_address import LOOPBACK_HOSTS, server_origin

__all__ = ["Body", "Response", "http_error", "multipart", "origin", "poll", "send"]

log = logging.getLogger(__name__)
for _noisy in ("httpx", "httpcore"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)  # they log full URLs, tokens included
T = TypeVar("T")

ProgressCallback = Callable[[float], None]
"""Called with the fraction done, 0.0 to 1.0."""
USER_AGENT = "Moments (desktop video player)"
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CONNECT_TIMEOUT = 15.0
_CREDENTIALS = ("authorization", "cookie")
ANSWER_LOST = "; request sent, answer lost"


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
    """``https://host[:port]`` of a server's address as typed (``server_address``): a host,
    a URL or a handle; ShareError in a sentence when it is not one."""
    return server_origin(url, service)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str] = field(repr=False)
    """Case-insensitive."""
    body: bytes = field(repr=False)
    url: str = ""
    """Where the answer came from, after the redirects that were followed."""

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

    def rate_limit_reset(self) -> float | None:
        """Seconds until the rate limit resets, from the headers services send instead of
        ``Retry-After``: Mastodon's ``X-RateLimit-Reset`` (an ISO 8601 time), the AT Protocol's
        ``RateLimit-Reset`` (epoch seconds), Discord's ``X-RateLimit-Reset-After`` (seconds)."""
        after = self.headers.get("X-RateLimit-Reset-After")
        if after:
            try:
                return max(0.0, float(after))
            except ValueError:
                pass
        value = self.headers.get("X-RateLimit-Reset") or self.headers.get("RateLimit-Reset")
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            try:
                when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                return None
            if when.tzinfo is None:
                return None
            return max(0.0, when.timestamp() - time.time())
        return max(0.0, number - time.time()) if number > 1e9 else max(0.0, number)


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
    follow_redirects: bool | None = None,
) -> Response:
    """Send one request and read the whole answer, whatever its status.

    Redirects are followed for GET and HEAD (``follow_redirects`` overrides): same scheme
    only, at most five, credentials dropped when the host changes. Raises ShareError
    (NETWORK) when ``service`` cannot be reached or the connection breaks, CancelledError
    when ``cancel`` is set. ``progress`` follows the bytes of ``body`` sent.
    """
    follow = method in ("GET", "HEAD") if follow_redirects is None else follow_redirects
    current = dict(headers or {})
    response = _send_once(method, url, service, current, body, timeout, cancel, progress, log_as)
    for _ in range(MAX_REDIRECTS if follow else 0):
        location = response.headers.get("Location")
        if response.status not in REDIRECTS or not location:
            break
        here, there = (
            urllib.parse.urlsplit(url),
            urllib.parse.urlsplit(urllib.parse.urljoin(url, location)),
        )
        try:
            check_url(there.geturl(), service)
        except ShareError:
            break
        if there.scheme != here.scheme:
            break
        if there.netloc != here.netloc:
            current = {k: v for k, v in current.items() if k.lower() not in _CREDENTIALS}
            log.info("%s redirects %s to %s", service, here.hostname, there.hostname)
        if response.status == 303:
            method, body = "GET", None
        url = there.geturl()
        response = _send_once(method, url, service, current, body, timeout, cancel, progress, None)
    return response


def _send_once(
    method: str,
    url: str,
    service: str,
    headers: dict[str, str],
    body: Body | None,
    timeout: float,
    cancel: CancelToken | None,
    progress: ProgressCallback | None,
    log_as: str | None,
) -> Response:
    parts = check_url(url, service)
    shown = log_as or parts.path
    all_headers = {"Accept": "application/json", **headers}
    content: bytes | Iterator[bytes] | None = None
    sent = [body is None]
    if body is not None:
        all_headers["Content-Type"] = body.content_type
        all_headers["Content-Length"] = str(body.length)
        content = _stream(body, cancel, progress, sent)
    started = time.monotonic()
    try:
        if cancel is not None:
            cancel.raise_if_cancelled()
        answer = _client(parts.hostname in LOOPBACK_HOSTS).request(
            method,
            url,
            headers=all_headers,
            content=content,
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
        )
        response = Response(answer.status_code, answer.headers, answer.content, url)
    except CancelledError:
        log.info("%s %s %s%s cancelled", service, method, parts.hostname, shown)
        raise
    except (OSError, httpx.HTTPError) as exc:
        log.info("%s %s %s%s failed: %s", service, method, parts.hostname, shown, _why(exc))
        lost = sent[0] and method == "POST" and not isinstance(exc, httpx.ConnectError)
        raise ShareError(
            f"Moments could not reach {service} ({parts.hostname}): {_why(exc)}.",
            kind=ShareErrorKind.NETWORK,
            details=f"{type(exc).__name__}{ANSWER_LOST if lost else ''}",
        ) from exc
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


_clients: dict[bool, httpx.Client] = {}
_clients_lock = threading.Lock()


def _client(loopback: bool) -> httpx.Client:
    """The shared client (its pool keeps connections per host); loopback never goes
    through a proxy. Cookies are refused: the APIs Moments uses take tokens."""
    with _clients_lock:
        client = _clients.get(loopback)
        if client is None:
            client = httpx.Client(
                trust_env=not loopback,
                follow_redirects=False,
                cookies=http.cookiejar.CookieJar(
                    http.cookiejar.DefaultCookiePolicy(allowed_domains=[])
                ),
                headers={"User-Agent": USER_AGENT},
                limits=httpx.Limits(max_connections=8, keepalive_expiry=30.0),
            )
            _clients[loopback] = client
        return client


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
        if wait is None:
            wait = response.rate_limit_reset()
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


def answer_lost(error: ShareError) -> bool:
    """Whether ``error`` broke a POST after its whole request was sent: the service may
    have done it, only its answer is missing."""
    return error.details.endswith(ANSWER_LOST) if error.details else False


def _stream(
    body: Body,
    cancel: CancelToken | None,
    progress: ProgressCallback | None,
    done: list[bool],
) -> Iterator[bytes]:
    """The blocks of ``body``, checking ``cancel`` before each and reporting each sent;
    ``done[0]`` is set once the last one is."""
    sent = 0
    for block in body.blocks():
        if cancel is not None:
            cancel.raise_if_cancelled()
        yield block
        sent += len(block)
        if progress is not None and body.length:
            progress(min(1.0, sent / body.length))
    done[0] = True


def _why(exc: BaseException) -> str:
    """What went wrong, in words; httpx's errors are read through to the OS error."""
    if isinstance(exc, httpx.TimeoutException | TimeoutError | socket.timeout):
        return "it did not answer in time"
    if isinstance(exc, httpx.ProxyError):
        return "the proxy refused the connection"
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "the connection was refused"
        if isinstance(cause, socket.gaierror):
            return "the name is not known (are you offline?)"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectError) and "Name or service" in str(exc):
        return "the name is not known (are you offline?)"
    if isinstance(exc, httpx.ConnectError) and "refused" in str(exc).lower():
        return "the connection was refused"
    if isinstance(exc, ConnectionError | httpx.TransportError):
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
