"""The base of the fake social services: an HTTP server on 127.0.0.1 in a thread that records
every request and answers through ``FakeService.handle``.

Subclasses implement the documented protocol (routes, status codes, JSON shapes). Tests
inject failures with ``fail_next`` and read what our client sent from ``requests``.
"""

from __future__ import annotations

import email
import email.policy
import http.server
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any


@dataclass
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(self.body.decode(), keep_blank_values=True)

    def parts(self) -> dict[str, tuple[str | None, bytes, str]]:
        """multipart/form-data: name → (file name, content, content type)."""
        head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        message = email.message_from_bytes(head + self.body, policy=email.policy.HTTP)
        found = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            found[str(name)] = (part.get_filename(), payload, part.get_content_type())
        return found

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=dict)
    """JSON-encoded unless bytes."""
    headers: dict[str, str] = field(default_factory=dict)


class FakeService:
    """One fake service; ``url`` is its base address while it runs."""

    read_delay = 0.0
    """Seconds slept per 64 KiB of request body read (a slow network)."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.fail_next: list[tuple[str, Reply]] = []
        """(path prefix, reply): the next request whose path starts so gets that reply."""
        self.lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None
        self.port = 0

    # --- life ---------------------------------------------------------------------------------

    def start(self, port: int | None = None) -> str:
        """Listen (on ``port`` again after ``stop()``, to model a server coming back)."""
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port or self.port), _handler(self))
        server.daemon_threads = True
        self._server = server
        self.port = int(server.server_address[1])
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what tests use -------------------------------------------------------------------------

    def sent(self, path: str, method: str | None = None) -> list[Recorded]:
        """The requests to ``path`` (without query), oldest first."""
        with self.lock:
            return [r for r in self.requests if r.path == path and method in (None, r.method)]

    def handle(self, request: Recorded) -> Reply:
        raise NotImplementedError

    def _dispatch(self, request: Recorded) -> Reply:
        with self.lock:
            self.requests.append(request)
            for index, (prefix, reply) in enumerate(self.fail_next):
                if request.path.startswith(prefix):
                    del self.fail_next[index]
                    return reply
        return self.handle(request)


def bearer(request: Recorded) -> str | None:
    value = request.headers.get("Authorization", "")
    return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None


def _handler(service: FakeService) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = b"".join(self._read(length))
            request = Recorded(
                self.command, parts.path, urllib.parse.parse_qs(parts.query), self.headers, body
            )
            reply = service._dispatch(request)
            data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _read(self, length: int) -> Iterator[bytes]:
            while length > 0:
                block = self.rfile.read(min(length, 65536))
                if not block:
                    return
                length -= len(block)
                if service.read_delay:
                    time.sleep(service.read_delay)
                yield block

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
