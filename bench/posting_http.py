"""Posting's HTTP client (``share/http.py`` on httpx) against a bare ``http.client`` that
opens a connection per request (what share/http.py did before), in the same run, against a
loopback HTTP/1.1 keep-alive server over TLS (a certificate made for the run by openssl):

1. a small JSON GET, 200 times (a Mastodon post is 5–10 requests to one host);
2. a 200 MiB upload streamed from disk in 256 KiB blocks with progress.

Run: ``python -m bench.posting_http`` from the repository root.
"""

from __future__ import annotations

import http.client
import http.server
import os
import shutil
import ssl
import subprocess
import threading
import time
from pathlib import Path

import httpx

from bench.common import median, scratch, table
from moments.share import http as share_http

GETS = 200
UPLOAD_MIB = 200


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 65536

    def _serve(self) -> None:
        left = int(self.headers.get("Content-Length") or 0)
        while left > 0:
            left -= len(self.rfile.read(min(left, 1 << 20)))
        data = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _serve

    def log_message(self, *args: object) -> None:
        pass


def _server(folder: Path) -> tuple[http.server.ThreadingHTTPServer, ssl.SSLContext]:
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, ssl.create_default_context(cafile=str(cert))


def _bare(port: int, trust: ssl.SSLContext, method: str, path: str, body: Path | None) -> None:
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=trust, timeout=60)
    try:
        connection.putrequest(method, path)
        if body is not None:
            connection.putheader("Content-Length", str(body.stat().st_size))
        connection.endheaders()
        if body is not None:
            with body.open("rb") as handle:
                while block := handle.read(256 * 1024):
                    connection.send(block)
        connection.getresponse().read()
    finally:
        connection.close()


def main() -> None:
    if shutil.which("openssl") is None:
        print("  openssl not found: skipped")
        return
    folder = scratch("posting-http")
    server, trust = _server(folder)
    port = int(server.server_address[1])
    url = f"https://127.0.0.1:{port}"
    # share/http.py's client as it is made, trusting this run's certificate.
    share_http._clients[True] = httpx.Client(
        verify=trust, follow_redirects=False, trust_env=False, headers={"User-Agent": "bench"}
    )
    upload = folder / "upload.bin"
    with upload.open("wb") as handle:
        for _ in range(UPLOAD_MIB):
            handle.write(os.urandom(1 << 20))
    rows = []
    try:
        gets: dict[str, list[float]] = {"bare": [], "share": []}
        ups: dict[str, list[float]] = {"bare": [], "share": []}
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(GETS):
                _bare(port, trust, "GET", "/api/v1/x", None)
            gets["bare"].append((time.perf_counter() - started) / GETS * 1000)
            started = time.perf_counter()
            for _ in range(GETS):
                share_http.send("GET", f"{url}/api/v1/x", service="bench")
            gets["share"].append((time.perf_counter() - started) / GETS * 1000)
            started = time.perf_counter()
            _bare(port, trust, "POST", "/up", upload)
            ups["bare"].append(UPLOAD_MIB / (time.perf_counter() - started))
            body = share_http.Body.of_file(upload, "video/mp4")
            started = time.perf_counter()
            share_http.send(
                "POST", f"{url}/up", service="bench", body=body, progress=lambda f: None
            )
            ups["share"].append(UPLOAD_MIB / (time.perf_counter() - started))
        rows.append(("GET, ms/request", median(gets["bare"]), median(gets["share"]),
                     median(gets["share"]) / median(gets["bare"])))  # fmt: skip
        rows.append(("upload, MiB/s", median(ups["bare"]), median(ups["share"]),
                     median(ups["share"]) / median(ups["bare"])))  # fmt: skip
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
    table(
        "share/http.py (httpx, kept connections) vs bare http.client (a TLS connection each)",
        ["what", "bare", "share", "ratio"],
        rows,
    )


if __name__ == "__main__":
    main()
