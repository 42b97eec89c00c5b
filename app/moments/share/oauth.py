"""OAuth helpers for a desktop app: PKCE (S256) and the one-shot loopback redirect receiver
(RFC 8252): the browser comes back to ``http://127.0.0.1:<port>/callback`` with the code."""

from __future__ import annotations

import base64
import hashlib
import http.server
import logging
import secrets
import threading
import urllib.parse
from dataclasses import dataclass

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, ShareError, ShareErrorKind

log = logging.getLogger(__name__)

CALLBACK_PATH = "/callback"
_PAGE = """<!doctype html><meta charset="utf-8"><title>Moments</title>
<body style="font-family:sans-serif;margin:3em"><h1>{title}</h1><p>{text}</p></body>"""


@dataclass(frozen=True)
class Pkce:
    """A code verifier and its S256 challenge (RFC 7636)."""

    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(64)  # 86 characters of [A-Za-z0-9_-]
        return cls(verifier, s256(verifier))


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class LoopbackReceiver:
    """Listens on 127.0.0.1 for the one redirect that carries the authorization code.

    ``port=0`` picks a free port; a taken port raises OSError (the caller may try another).
    ``wait()`` blocks (call it from a worker) until the browser arrives, ``cancel`` is set or
    ``timeout`` passes; ``close()`` frees the port and is safe to call twice.
    """

    def __init__(self, state: str, *, port: int = 0, service: str = "the service") -> None:
        self.state = state
        self.service = service
        self._done = threading.Event()
        self._result: dict[str, str] = {}
        self._server = http.server.HTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="oauth-loopback", daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"

    def wait(self, *, cancel: CancelToken | None = None, timeout: float = 600.0) -> str:
        """The authorization code. ShareError (AUTH) when the user refused or nothing came."""
        try:
            waited = 0.0
            while not self._done.wait(0.2):
                waited += 0.2
                if cancel is not None and cancel.cancelled:
                    raise CancelledError()
                if waited >= timeout:
                    raise ShareError(
                        f"No answer came back from {self.service} in the browser; "
                        "sign in again when you are ready.",
                        kind=ShareErrorKind.AUTH,
                    )
        finally:
            self.close()
        if "code" in self._result:
            return self._result["code"]
        error = self._result.get("error", "")
        if error == "access_denied":
            message = f"You did not allow Moments to post to {self.service}."
        else:
            message = f"{self.service} did not sign you in ({error or 'no code came back'})."
        raise ShareError(message, kind=ShareErrorKind.AUTH)

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                if parts.path != CALLBACK_PATH or receiver._done.is_set():
                    self._answer(404, "Not here", "This page is not part of the sign-in.")
                    return
                if query.get("state") != receiver.state:
                    self._answer(400, "Sign-in not recognised", "Start it again from Moments.")
                    return
                receiver._result = query
                receiver._done.set()
                if "code" in query:
                    self._answer(200, "Signed in", "You can close this tab and go back to Moments.")
                else:
                    self._answer(200, "Not signed in", "You can close this tab.")

            def _answer(self, status: int, title: str, text: str) -> None:
                page = _PAGE.format(title=title, text=text).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the query holds the code: never logged

        return Handler
