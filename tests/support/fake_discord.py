"""A fake Discord webhook built from discord/discord-api-docs (tests/conformance/discord/).

``GET`` answers the docs' "Example Incoming Webhook" (its id and token swapped for this
fake's). ``POST ?wait=true`` with ``payload_json`` and ``files[0]`` returns the message;
the API version of every request is recorded (``versions``). Errors as the docs give them:
401 50027 for a bad token, 413 40005 over ``size_limit``, 400 **220001** when the channel is
a forum (``forum = True``) and no ``thread_name`` came, 220003 for a ``thread_name`` outside
a forum, and ``rate_limit()`` queues the docs' "Exceeded User Rate Limit" 429.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

from tests.support.fake_service import FakeService, Recorded, Reply

DOCS = Path(__file__).parents[1] / "conformance" / "discord"
WEBHOOK_ID = "223704706495545344"  # the docs' example webhook
_PATH = re.compile(r"^/api(?:/v(\d+))?/webhooks/(\d+)/([\w-]+)$")
ERRORS = {
    220001: "Webhooks posted to forum channels must have a thread_name or thread_id",
    220003: "Webhooks can only create threads in forum channels",
}


def doc_example(doc: str, heading: str) -> str:
    """The fenced block under ``###### heading`` in one of the copied docs."""
    text = (DOCS / doc).read_text(encoding="utf-8")
    after = text.split(f"###### {heading}", 1)[1]
    return after.split("```", 2)[1].split("\n", 1)[1]


def example_webhook() -> dict[str, Any]:
    return dict(json.loads(doc_example("webhook.mdx", "Example Incoming Webhook")))


def example_429(heading: str = "Example Exceeded User Rate Limit Response") -> Reply:
    """A 429 as rate-limits.mdx shows it: ``< Header: value`` lines, then the JSON body."""
    block = doc_example("rate-limits.mdx", heading)
    head, _, body = block.partition("{")
    headers = {}
    for line in head.splitlines()[1:]:
        name, _, value = line.removeprefix("< ").partition(": ")
        if name and name != "Content-Type":
            headers[name] = value.strip()
    return Reply(429, json.loads("{" + body), headers)


class FakeDiscord(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.token = secrets.token_urlsafe(48)
        self.size_limit = 10 * 1024 * 1024
        self.forum = False
        self.messages: list[dict[str, Any]] = []
        self.threads: list[str] = []
        self.versions: list[str | None] = []

    @property
    def webhook_url(self) -> str:
        """As Discord's "Copy Webhook URL" gives it: no API version."""
        return f"{self.url}/api/webhooks/{WEBHOOK_ID}/{self.token}"

    @property
    def path(self) -> str:
        return f"/api/v10/webhooks/{WEBHOOK_ID}/{self.token}"

    def rate_limit(self) -> None:
        self.fail_next.append(("/api/", example_429()))

    def handle(self, request: Recorded) -> Reply:
        match = _PATH.match(request.path)
        if match is None or match.group(2, 3) != (WEBHOOK_ID, self.token):
            return Reply(401, {"message": "Invalid Webhook Token", "code": 50027})
        self.versions.append(match.group(1))
        if request.method == "GET":
            return Reply(body={**example_webhook(), "id": WEBHOOK_ID, "token": self.token})
        if len(request.body) > self.size_limit:
            return Reply(413, {"message": "Request entity too large", "code": 40005})
        parts = request.parts()
        payload = json.loads(parts["payload_json"][1])
        thread_name = payload.get("thread_name")
        if self.forum and not thread_name:
            return Reply(400, {"message": ERRORS[220001], "code": 220001})
        if thread_name and not self.forum:
            return Reply(400, {"message": ERRORS[220003], "code": 220003})
        filename, data, _ = parts["files[0]"]
        message_id = str(900000 + len(self.messages))
        channel = str(example_webhook()["channel_id"])
        if thread_name:
            self.threads.append(thread_name)
            channel = str(800000 + len(self.threads))  # a thread's id is its first message's
        message = {
            "id": message_id,
            "channel_id": channel,
            "content": payload["content"],
            "attachments": [
                {
                    "id": "1",
                    "filename": filename,
                    "size": len(data),
                    "description": payload["attachments"][0].get("description"),
                    "url": f"{self.url}/attachments/{filename}",
                }
            ],
        }
        self.messages.append(message)
        if request.param("wait") != "true":
            return Reply(204, b"")
        return Reply(body=message)
