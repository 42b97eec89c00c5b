"""share/http.py: the redirect policy, rate-limit headers, bodies, proxies and the log."""

from __future__ import annotations

import http.server as stdlib_server
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest

from moments.core.errors import ShareError, ShareErrorKind
from moments.share import http
from moments.share.http import Body, Response, http_error, send
from tests.support.fake_service import FakeRedirect, FakeService, Recorded, Reply


class Echo(FakeService):
    def handle(self, request: Recorded) -> Reply:
        return Reply(body={"path": request.path, "auth": request.headers.get("Authorization")})


@pytest.fixture
def echo() -> Iterator[Echo]:
    with Echo() as server:
        yield server


def on_localhost(url: str) -> str:
    """The same server under another host name: a different host to the client."""
    return url.replace("127.0.0.1", "localhost")


def test_a_body_less_post_says_content_length_0(echo: Echo) -> None:
    response = send("POST", f"{echo.url}/xrpc/refresh", service="Test")
    assert response.ok  # the fake answers 411 without it, as nginx does
    (request,) = echo.sent("/xrpc/refresh")
    assert request.headers["Content-Length"] == "0"


def test_a_get_follows_a_redirect_to_another_host_without_credentials(echo: Echo) -> None:
    with FakeRedirect(on_localhost(echo.url)) as moved:
        response = send(
            "GET", f"{moved.url}/api/v2/instance", service="Test", headers={"Authorization": "x"}
        )
    assert response.ok and response.json() == {"path": "/api/v2/instance", "auth": None}
    assert response.url == on_localhost(echo.url) + "/api/v2/instance"


def test_a_redirect_on_the_same_host_keeps_credentials(echo: Echo) -> None:
    with FakeRedirect(echo.url, status=308) as moved:
        moved.to = moved.url + "/new"
        moved.handle = lambda r: (  # type: ignore[method-assign]
            Reply(308, b"", {"Location": "/new" + r.path})
            if not r.path.startswith("/new")
            else Reply(body={"auth": r.headers.get("Authorization")})
        )
        response = send("GET", f"{moved.url}/a", service="Test", headers={"Authorization": "x"})
    assert response.json() == {"auth": "x"} and response.url.endswith("/new/a")


def test_a_post_is_never_redirected(echo: Echo) -> None:
    with FakeRedirect(on_localhost(echo.url), status=307) as moved:
        response = send(
            "POST", f"{moved.url}/api/v1/statuses", service="Test", body=Body.of_form([])
        )
    assert response.status == 307 and echo.requests == []


def test_a_redirect_to_plain_http_elsewhere_is_not_followed() -> None:
    with FakeRedirect("http://example.com") as moved:
        response = send("GET", f"{moved.url}/x", service="Test")
    assert response.status == 301


def test_redirect_loops_end(echo: Echo) -> None:
    with FakeRedirect("") as loop:
        loop.to = loop.url
        response = send("GET", f"{loop.url}/x", service="Test")
    assert response.status == 301 and len(loop.requests) == 1 + http.MAX_REDIRECTS


def iso_in(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(timespec="microseconds")


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "42"}, 42),
        # Mastodon (config/initializers/rack_attack.rb): an ISO 8601 time, no Retry-After
        ({"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": ""}, 600),
        # the AT Protocol PDS: epoch seconds
        ({"RateLimit-Remaining": "0", "RateLimit-Reset": "epoch+300"}, 300),
        # Discord (developers/topics/rate-limits.mdx)
        ({"X-RateLimit-Reset-After": "64.57", "X-RateLimit-Remaining": "0"}, 64.57),
    ],
)
def test_429_waits_until_the_rate_limit_resets(headers: dict[str, str], wait: float) -> None:
    if headers.get("X-RateLimit-Reset") == "":
        headers = {**headers, "X-RateLimit-Reset": iso_in(600)}
    if headers.get("RateLimit-Reset") == "epoch+300":
        headers = {**headers, "RateLimit-Reset": str(int(time.time()) + 300)}
    error = http_error(Response(429, headers, b"{}"), service="Test", doing="the post")
    assert error.kind is ShareErrorKind.RATE_LIMITED
    assert error.retry_after == pytest.approx(wait, abs=2)


def test_a_5xx_ignores_the_rate_limit_window() -> None:
    response = Response(
        503, {"X-RateLimit-Remaining": "250", "X-RateLimit-Reset": iso_in(300)}, b""
    )
    assert http_error(response, service="Test", doing="it").retry_after is None


class _Proxy(stdlib_server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_CONNECT(self) -> None:
        self.seen.append(self.path)
        self.send_response(403)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_https_proxy_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = stdlib_server.ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
    monkeypatch.setattr(http, "_clients", {})
    try:
        with pytest.raises(ShareError) as caught:
            send("GET", "https://mastodon.example/api/v2/instance", service="Mastodon")
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert caught.value.kind is ShareErrorKind.NETWORK
    assert _Proxy.seen == ["mastodon.example:443"]


def test_loopback_never_goes_through_a_proxy(echo: Echo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setattr(http, "_clients", {})
    assert send("GET", f"{echo.url}/x", service="Test").ok


def test_connections_are_reused(echo: Echo) -> None:
    for _ in range(3):
        send("GET", f"{echo.url}/x", service="Test")
    assert len({r.client_port for r in echo.sent("/x")}) == 1


def test_the_request_log_has_no_query_and_no_token(
    echo: Echo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    send("GET", f"{echo.url}/api/webhooks/1/SECRETTOKEN?wait=true", service="Test", log_as="/hook")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "SECRETTOKEN" not in logged and "wait=true" not in logged and "/hook" in logged
