"""Mastodon against a real server's recorded answers: Mastodon.py's vcrpy cassettes
(tests/conformance/mastodon/, recorded against Mastodon itself). A replay server gives our
client the recorded responses — status, rack-attack headers, body — and our requests are
compared with the recorded ones field by field."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from moments.share import mastodon_auth
from moments.share.base import PostRequest
from moments.share.credentials import Account, AccountStore
from moments.share.http import Response
from moments.share.mastodon import MastodonTarget
from tests.support.fake_service import FakeService, Recorded, Reply

CASSETTES = Path(__file__).parent / "mastodon"
RECORDED_MEDIA_PARTS = {"description": None, "focus": None, "file": "video/mp4"}
RECORDED_MEDIA_PARTS["thumbnail"] = "image/jpeg"
"""The parts of the recorded upload (its 2.9 MB body is not kept; SOURCES.md)."""


def interactions(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((CASSETTES / name).read_text(encoding="utf-8"))
    return list(data["interactions"])


def route(interaction: dict[str, Any]) -> tuple[str, str]:
    request = interaction["request"]
    path = urllib.parse.urlsplit(request["uri"]).path.rstrip("/")
    if path.startswith("/api/v1/media/"):
        path = "/api/v1/media/*"
    return request["method"], path


class Replay(FakeService):
    """Answers each (method, path) with the recorded response, in the recorded order."""

    def __init__(self, *cassettes: str) -> None:
        super().__init__()
        self.cassettes = cassettes
        self.recorded: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for name in cassettes:
            for interaction in interactions(name):
                self.recorded.setdefault(route(interaction), []).append(interaction)

    def handle(self, request: Recorded) -> Reply:
        path = request.path.rstrip("/")
        if path.startswith("/api/v1/media/"):
            path = "/api/v1/media/*"
        queue = self.recorded.get((request.method, path))
        if not queue:
            return Reply(404, {"error": "not recorded"})
        response = (queue.pop(0) if len(queue) > 1 else queue[0])["response"]
        headers = {
            name: values[0]
            for name, values in response["headers"].items()
            if name.lower().startswith("x-ratelimit") or name.lower() == "location"
        }
        return Reply(response["status"]["code"], response["body"]["string"].encode(), headers)

    def recorded_request(self, method: str, path: str, index: int = 0) -> dict[str, Any]:
        for name in self.cassettes:
            found = [i for i in interactions(name) if route(i) == (method, path)]
            if len(found) > index:
                return dict(found[index]["request"])
        raise KeyError(path)


@pytest.fixture
def replay() -> Iterator[Replay]:
    with Replay("test_instance.yaml", "test_media_post[True].yaml") as server:
        yield server


def recorded_json(name: str, method: str, path: str) -> Any:
    for interaction in interactions(name):
        if route(interaction) == (method, path):
            return json.loads(interaction["response"]["body"]["string"])
    raise KeyError(path)


def test_limits_are_read_from_a_recorded_instance(replay: Replay) -> None:
    account = Account("mastodon", replay.url, "mastodonpy_test")
    limits = MastodonTarget(account, "token").limits()
    conf = recorded_json("test_instance.yaml", "GET", "/api/v2/instance")["configuration"]
    assert limits.from_service and limits.text == conf["statuses"]["max_characters"]
    assert limits.max_video_size == conf["media_attachments"]["video_size_limit"]
    assert limits.url_length == conf["statuses"]["characters_reserved_per_url"]


def test_a_post_speaks_as_the_recorded_exchange(replay: Replay, clip: Path) -> None:
    account = Account("mastodon", replay.url, "mastodonpy_test")
    target = MastodonTarget(account, "token", poll_first=0.01, poll_longest=0.02)
    result = target.post(PostRequest(clip, "LOL check this out", alt_text="bars"))

    upload = replay.sent("/api/v2/media", "POST")[0]
    recorded = replay.recorded_request("POST", "/api/v2/media")
    assert (
        upload.headers["Content-Type"].split(";")[0]
        == recorded["headers"]["Content-Type"][0].split(";")[0]
    )
    ours = {name: part[2] if part[0] else None for name, part in upload.parts().items()}
    assert set(ours) <= set(RECORDED_MEDIA_PARTS)
    assert all(RECORDED_MEDIA_PARTS[name] == kind for name, kind in ours.items())
    assert upload.headers["Authorization"] == "Bearer token"

    media = recorded_json("test_media_post[True].yaml", "POST", "/api/v2/media")
    (poll,) = replay.sent(f"/api/v1/media/{media['id']}", "GET")
    assert poll.headers["Authorization"] == "Bearer token"

    (status,) = replay.sent("/api/v1/statuses", "POST")
    recorded = replay.recorded_request("POST", "/api/v1/statuses")
    theirs = urllib.parse.parse_qs(recorded["body"])
    mine = status.form()
    assert status.headers["Content-Type"] == recorded["headers"]["Content-Type"][0]
    for field in ("status", "media_ids[]"):
        assert mine[field] == theirs[field]
    assert set(mine) <= {"status", "media_ids[]", "visibility", "language", "sensitive"}
    public = next(
        urllib.parse.parse_qs(i["request"]["body"])
        for i in interactions("test_status_post[None-public].yaml")
        if route(i) == ("POST", "/api/v1/statuses")
    )
    assert mine["visibility"] == public["visibility"] == ["public"]
    published = recorded_json("test_media_post[True].yaml", "POST", "/api/v1/statuses")
    assert (result.url, result.remote_id) == (published["url"], published["id"])


def test_signing_in_with_a_token_reads_the_recorded_account(store: AccountStore) -> None:
    with Replay("test_instance.yaml", "test_verify_credentials.yaml") as server:
        account = mastodon_auth.sign_in_with_token(store, server.url, "token")
        sent = server.sent("/api/v1/accounts/verify_credentials", "GET")
    me = recorded_json("test_verify_credentials.yaml", "GET", "/api/v1/accounts/verify_credentials")
    assert account.handle == me["username"] and account.display_name == me["display_name"]
    assert sent and all(r.headers["Authorization"] == "Bearer token" for r in sent)


def test_registering_the_app_as_recorded() -> None:
    with Replay("test_app_account_create.yaml") as server:
        app = mastodon_auth.register_app(server.url, "http://127.0.0.1:9/callback")
        (request,) = server.sent("/api/v1/apps", "POST")
    recorded = server.recorded_request("POST", "/api/v1/apps")
    theirs, mine = urllib.parse.parse_qs(recorded["body"]), request.form()
    assert set(mine) <= set(theirs) | {"website"}
    registered = recorded_json("test_app_account_create.yaml", "POST", "/api/v1/apps")
    assert (app.client_id, app.client_secret) == (
        registered["client_id"],
        registered["client_secret"],
    )


def test_the_recorded_rate_limit_headers_are_understood() -> None:
    (upload, *_) = interactions("test_media_post[True].yaml")
    headers = {k: v[0] for k, v in upload["response"]["headers"].items()}
    assert headers["x-ratelimit-limit"] == "30"  # the media bucket of rack_attack.rb
    response = Response(429, {"X-RateLimit-Reset": headers["x-ratelimit-reset"]}, b"")
    assert response.rate_limit_reset() == 0.0  # recorded in the past: parsed, and due
