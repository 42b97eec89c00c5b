"""A fake Mastodon instance: the parts of the REST API Moments uses, as documented and as
the server itself answers (mastodon/mastodon; Mastodon.py's recorded exchanges in
tests/conformance/mastodon/ give the shapes).

Every answer carries rack-attack's ``X-RateLimit-Limit/Remaining/Reset`` (an ISO time); a
throttled request gets 429 with those and no ``Retry-After`` (``rack_attack.rb``): media
uploads are limited to ``media_limit`` per 30 minutes. An ``Idempotency-Key`` is kept one
hour of ``clock`` (``PostStatusService``: redis ``setex`` 3600). Media attached to a status
is 404 to ``GET /api/v1/media/:id`` (the controller looks among unattached media) and 422
when attached again.

``/api/v1/apps``, ``/oauth/authorize`` (answers as a user who clicks "Authorize": a redirect
to the app's redirect URI), ``/oauth/token`` (checks the PKCE verifier against the
challenge), ``verify_credentials``, ``/api/v2/instance``, v2 media upload (202, then 206 on
``GET /api/v1/media/:id`` for ``processing_polls`` polls, then 200 with a url), statuses
with ``Idempotency-Key``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tests.support.fake_service import FakeService, Recorded, Reply, bearer


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    method: str
    scope: str


@dataclass
class FakeMastodon(FakeService):
    max_characters: int = 500
    video_size_limit: int = 40 * 1024 * 1024
    """What ``/api/v2/instance`` says."""
    enforced_size_limit: int | None = None
    """What the upload really takes (413 above it); default ``video_size_limit``."""
    processing_polls: int = 2
    username: str = "alice"
    apps: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    statuses: list[dict[str, object]] = field(default_factory=list)
    media_limit: int = 30
    """Uploads per 30 minutes (``throttle_api_media``)."""
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        super().__init__()
        self._grants: dict[str, _Grant] = {}
        self._media: dict[str, dict[str, object]] = {}
        self._polls: dict[str, int] = {}
        self._by_key: dict[str, tuple[float, dict[str, object]]] = {}
        self._uploads: list[float] = []

    def _window(self, period: float) -> str:
        """rack-attack's reset: the end of the current period, ISO 8601 with microseconds."""
        now = self.clock()
        end = now + (period - now % period)
        return datetime.fromtimestamp(end, UTC).isoformat(timespec="microseconds")

    def _throttled(self, limit: int, period: float) -> Reply:
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": self._window(period),
        }
        return Reply(429, {"error": "Too many requests"}, headers)

    def handle(self, request: Recorded) -> Reply:
        reply = self._route(request)
        if reply.status != 429:
            reply.headers.setdefault("X-RateLimit-Limit", "300")
            reply.headers.setdefault("X-RateLimit-Remaining", "299")
            reply.headers.setdefault("X-RateLimit-Reset", self._window(300))
        return reply

    def new_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.tokens.add(token)
        return token

    def _route(self, request: Recorded) -> Reply:
        path = request.path
        if path == "/api/v1/apps" and request.method == "POST":
            return self._register(request)
        if path == "/oauth/authorize":
            return self._authorize(request)
        if path == "/oauth/token":
            return self._token(request)
        if path == "/api/v2/instance":
            return Reply(
                body={
                    "domain": "127.0.0.1",
                    "configuration": {
                        "statuses": {
                            "max_characters": self.max_characters,
                            "characters_reserved_per_url": 23,
                        },
                        "media_attachments": {
                            "video_size_limit": self.video_size_limit,
                            "image_size_limit": 16 * 1024 * 1024,
                        },
                    },
                }
            )
        if bearer(request) not in self.tokens:
            return Reply(401, {"error": "The access token is invalid"})
        if path == "/api/v1/accounts/verify_credentials":
            return Reply(
                body={
                    "id": "1",
                    "username": self.username,
                    "acct": self.username,
                    "display_name": "Alice Ünïcode",
                }
            )
        if path == "/api/v2/media":
            return self._upload(request)
        if path.startswith("/api/v1/media/"):
            return self._media_status(path.rsplit("/", 1)[-1])
        if path == "/api/v1/statuses" and request.method == "POST":
            return self._status(request)
        if path.startswith("/api/v1/statuses/"):
            found = [s for s in self.statuses if s["id"] == path.rsplit("/", 1)[-1]]
            return Reply(body=found[0]) if found else Reply(404, {"error": "Record not found"})
        if path == "/api/v1/accounts/1/statuses":
            limit = int(request.param("limit") or 20)
            return Reply(body=list(reversed(self.statuses))[:limit])
        return Reply(404, {"error": "Record not found"})

    def _register(self, request: Recorded) -> Reply:
        form = request.form()
        client_id, secret = secrets.token_hex(8), secrets.token_hex(16)
        self.apps[client_id] = {
            "secret": secret,
            "redirect_uri": form["redirect_uris"][0],
            "scopes": form["scopes"][0],
        }
        return Reply(
            body={
                "id": "7",
                "name": form["client_name"][0],
                "client_id": client_id,
                "client_secret": secret,
                "redirect_uri": form["redirect_uris"][0],
            }
        )

    def _authorize(self, request: Recorded) -> Reply:
        q = {k: v[0] for k, v in request.query.items()}
        app = self.apps.get(q.get("client_id", ""))
        if app is None or q.get("redirect_uri") != app["redirect_uri"]:
            return Reply(400, b"invalid client or redirect_uri")
        code = secrets.token_hex(8)
        self._grants[code] = _Grant(
            q["client_id"],
            q["redirect_uri"],
            q.get("code_challenge", ""),
            q.get("code_challenge_method", ""),
            q.get("scope", ""),
        )
        target = (
            f"{q['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': q['state']})}"
        )
        return Reply(302, b"", {"Location": target})

    def _token(self, request: Recorded) -> Reply:
        form = {k: v[0] for k, v in request.form().items()}
        grant = self._grants.pop(form.get("code", ""), None)
        app = self.apps.get(form.get("client_id", ""))
        if app is None or app["secret"] != form.get("client_secret"):
            return Reply(401, {"error": "invalid_client"})
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return Reply(400, {"error": "invalid_grant", "error_description": "bad code"})
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if grant.method != "S256" or computed != grant.challenge:
            return Reply(
                400,
                {"error": "invalid_grant", "error_description": "The PKCE code verifier is wrong"},
            )
        return Reply(
            body={
                "access_token": self.new_token(),
                "token_type": "Bearer",
                "scope": grant.scope,
                "created_at": 1700000000,
            }
        )

    def _upload(self, request: Recorded) -> Reply:
        now = self.clock()
        self._uploads = [t for t in self._uploads if t > now - (now % 1800)]
        if len(self._uploads) >= self.media_limit:
            return self._throttled(self.media_limit, 1800)
        self._uploads.append(now)
        parts = request.parts()
        _, data, content_type = parts["file"]
        if len(data) > (self.enforced_size_limit or self.video_size_limit):
            return Reply(
                413,
                b"<html><h1>413 Request Entity Too Large</h1></html>",
                {"Content-Type": "text/html"},
            )
        media_id = str(100 + len(self._media))
        description = parts["description"][1].decode() if "description" in parts else None
        self._media[media_id] = {
            "id": media_id,
            "type": "video",
            "url": None,
            "description": description,
            "size": len(data),
            "content_type": content_type,
        }
        self._polls[media_id] = self.processing_polls
        if self.processing_polls == 0:
            self._media[media_id]["url"] = f"{self.url}/media/{media_id}.mp4"
            return Reply(200, self._media[media_id])
        return Reply(202, self._media[media_id])

    def _media_status(self, media_id: str) -> Reply:
        media = self._media.get(media_id)
        if media is None or media.get("status_id"):
            return Reply(404, {"error": "Record not found"})
        if self._polls[media_id] > 0:
            self._polls[media_id] -= 1
            return Reply(206, media)
        media["url"] = f"{self.url}/media/{media_id}.mp4"
        return Reply(200, media)

    def _status(self, request: Recorded) -> Reply:
        key = request.headers.get("Idempotency-Key")
        kept = self._by_key.get(key or "")
        if kept and self.clock() - kept[0] < 3600:
            return Reply(200, kept[1])
        form = request.form()
        text = form.get("status", [""])[0]
        if len(text) > self.max_characters:
            return Reply(422, {"error": "Validation failed: Text character limit exceeded"})
        for media_id in form.get("media_ids[]", []):
            if media_id not in self._media or self._media[media_id].get("status_id"):
                return Reply(422, {"error": f"Validation failed: media {media_id} not found"})
            if self._media.get(media_id, {}).get("url") is None:
                return Reply(
                    422, {"error": "Cannot attach files that have not finished processing"}
                )
        status_id = str(9000 + len(self.statuses))
        status = {
            "id": status_id,
            "url": f"{self.url}/@{self.username}/{status_id}",
            "uri": f"{self.url}/users/{self.username}/statuses/{status_id}",
            "content": text,
            "visibility": form.get("visibility", ["public"])[0],
            "media_ids": form.get("media_ids[]", []),
            "media_attachments": [self._media[m] for m in form.get("media_ids[]", [])],
        }
        for media_id in form.get("media_ids[]", []):
            self._media[media_id]["status_id"] = status_id
        self.statuses.append(status)
        if key:
            self._by_key[key] = (self.clock(), status)
        return Reply(200, status)
