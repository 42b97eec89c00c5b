"""A fake Discord webhook: ``GET`` describes it, ``POST ?wait=true`` with ``payload_json`` and
``files[0]`` returns the message; 413 over ``size_limit``; bad tokens get 401 (code 50027)."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from tests.support.fake_service import FakeService, Recorded, Reply

WEBHOOK_ID = "112233445566778899"
_PATH = re.compile(r"^/api(?:/v\d+)?/webhooks/(\d+)/([\w-]+)$")


class FakeDiscord(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.token = secrets.token_urlsafe(48)
        self.size_limit = 10 * 1024 * 1024
        self.messages: list[dict[str, Any]] = []

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/api/webhooks/{WEBHOOK_ID}/{self.token}"

    def handle(self, request: Recorded) -> Reply:
        match = _PATH.match(request.path)
        if match is None or match.groups() != (WEBHOOK_ID, self.token):
            return Reply(401, {"message": "Invalid Webhook Token", "code": 50027})
        if request.method == "GET":
            return Reply(
                body={
                    "id": WEBHOOK_ID,
                    "type": 1,
                    "name": "Moments bot",
                    "channel_id": "555",
                    "guild_id": "777",
                    "token": self.token,
                }
            )
        if len(request.body) > self.size_limit:
            return Reply(413, {"message": "Request entity too large", "code": 40005})
        parts = request.parts()
        payload = json.loads(parts["payload_json"][1])
        filename, data, _ = parts["files[0]"]
        message_id = str(900000 + len(self.messages))
        message = {
            "id": message_id,
            "channel_id": "555",
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
        if request.param("wait") != "true":
            return Reply(204, b"")
        self.messages.append(message)
        return Reply(body=message)
