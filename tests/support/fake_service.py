"""The base of the fake social services: an HTTP server on 127.0.0.1 in a thread that records
every request and answers through ``FakeService.handle``.

Subclasses implement the documented protocol (routes, status codes, JSON shapes). Tests
inject failures with ``fail_next`` and read what our client sent from ``requests``.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import http.server
import json
import socket
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
    client_port: int = 0
    """The client's port: the same for requests on one kept-alive connection."""

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
        self.lose_answer: list[str] = []
        """Path prefixes: the next such request is carried out, then the connection is cut
        before the answer is sent (an answer lost on the way back)."""
        self.lock = threading.Lock()
        self._server: http.server.ThreadingHTTPServer | None = None
        self.port = 0
        self.connections: set[socket.socket] = set()
        """Open client connections (HTTP/1.1 keeps them): ``stop()`` cuts them."""

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
        """Stop listening and cut every open connection, as a server that goes away does."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self.lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self.connections.clear()

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


class FakeRedirect(FakeService):
    """An address that moved: every request gets ``status`` to the same path at ``to``."""

    def __init__(self, to: str, status: int = 301) -> None:
        super().__init__()
        self.to = to.rstrip("/")
        self.status = status

    def handle(self, request: Recorded) -> Reply:
        query = urllib.parse.urlencode(request.query, doseq=True)
        location = self.to + request.path + (f"?{query}" if query else "")
        return Reply(self.status, b"", {"Location": location})


def bearer(request: Recorded) -> str | None:
    value = request.headers.get("Authorization", "")
    return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None


def _handler(service: FakeService) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # connections kept alive, as the real services do
        wbufsize = 65536  # an answer's head and body in one write (no delayed-ACK stalls)

        def setup(self) -> None:
            super().setup()
            with service.lock:
                service.connections.add(self.connection)

        def finish(self) -> None:
            with service.lock:
                service.connections.discard(self.connection)
            super().finish()

        def _serve(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            if self.command in ("POST", "PUT") and self.headers.get("Content-Length") is None:
                # nginx and Cloudflare in front of the services: 411 Length Required
                self.send_response(411)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = b"".join(self._read(length))
            request = Recorded(
                self.command,
                parts.path,
                urllib.parse.parse_qs(parts.query),
                self.headers,
                body,
                int(self.client_address[1]),
            )
            reply = service._dispatch(request)
            with service.lock:
                lost = next((p for p in service.lose_answer if parts.path.startswith(p)), None)
                if lost is not None:
                    service.lose_answer.remove(lost)
            if lost is not None:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
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
