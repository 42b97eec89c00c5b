"""Posting a video to a Discord channel through a webhook URL the user pasted.

``POST <webhook>?wait=true`` with ``payload_json`` (content, the attachment's alt text as
``description``, no pings) and ``files[0]``; ``wait=true`` returns the message. A webhook
takes files up to 10 MiB: a bigger one raises ShareError(TOO_LARGE, preset="discord"), and
``share/reexport.py`` makes the file again with the ``discord`` preset.

Webhooks have no idempotency key: a retry after a lost answer may post twice.
"""

from __future__ import annotations

import json
import re
from typing import Any

from moments.core.cancel import CancelToken
from moments.core.errors import ShareError, ShareErrorKind
from moments.core.presets import MIB
from moments.share.base import Limits, PostRequest, PostResult, PostTarget, file_size, format_size
from moments.share.credentials import Account, AccountStore
from moments.share.http import ProgressCallback, Response, http_error, multipart, send

SERVICE = "Discord"
MAX_FILE_SIZE = 10 * MIB
MAX_CONTENT = 2000
MAX_ALT = 1024
_PATH = r"/api(?:/v\d+)?/webhooks/(\d{5,25})/([\w-]{20,100})/?"
_WEBHOOK = re.compile(r"^https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com" + _PATH + "$")
_LOOPBACK = re.compile(r"^http://(?:127\.0\.0\.1|localhost|\[::1\]):\d{1,5}" + _PATH + "$")


def parse_webhook(url: str) -> tuple[str, str]:
    """``(url, webhook id)`` of a Discord webhook URL; ShareError when it is not one."""
    cleaned = url.strip().split("?", 1)[0]
    match = _WEBHOOK.match(cleaned) or _LOOPBACK.match(cleaned)
    if match is None:
        raise ShareError(
            "That is not a Discord webhook address. In Discord: Server Settings → Integrations "
            "→ Webhooks → Copy Webhook URL (https://discord.com/api/webhooks/…)."
        )
    return cleaned.rstrip("/"), match.group(1)


def add_webhook(
    store: AccountStore, url: str, *, name: str = "", cancel: CancelToken | None = None
) -> Account:
    """Check the webhook with Discord (``GET`` it) and save it as an account."""
    webhook_url, webhook_id = parse_webhook(url)
    response = send(
        "GET", webhook_url, service=SERVICE, cancel=cancel, log_as=_redacted(webhook_id)
    )
    if response.status in (401, 403, 404):
        raise ShareError(
            "Discord does not know this webhook (deleted, or mistyped).", kind=ShareErrorKind.AUTH
        )
    if not response.ok:
        raise _error(response, "the webhook")
    info = response.json() if isinstance(response.json(), dict) else {}
    options = {k: str(info[k]) for k in ("channel_id", "guild_id") if info.get(k)}
    server = webhook_url.split("/api/", 1)[0]
    label = name.strip() or str(info.get("name") or f"webhook {webhook_id}")
    account = Account("discord", server, webhook_id, label, options=options)
    return store.save(account, {"webhook_url": webhook_url})


class DiscordTarget(PostTarget):
    platform = "discord"

    def __init__(self, account: Account, webhook_url: str, *, max_size: int = MAX_FILE_SIZE):
        super().__init__(account.key, SERVICE, account.label)
        self._url, self._webhook_id = parse_webhook(webhook_url)
        self._options = account.options
        self.max_size = max_size

    def limits(self, *, cancel: CancelToken | None = None) -> Limits:
        """Discord publishes no limits for webhooks: 2000 characters and 10 MiB."""
        return Limits(MAX_CONTENT, "characters", self.max_size, None, "discord")

    def post(
        self,
        request: PostRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> PostResult:
        report = progress or (lambda fraction: None)
        size = file_size(request.file)
        if size > self.max_size:
            raise _too_large(self.max_size, size)
        text = request.full_text
        if len(text) > MAX_CONTENT:
            raise ShareError(
                f"The text is {len(text)} characters long; Discord messages hold "
                f"{MAX_CONTENT}. Shorten it and post again."
            )
        attachment: dict[str, Any] = {"id": 0, "filename": request.file.name}
        if request.alt_text:
            attachment["description"] = request.alt_text[:MAX_ALT]
        payload = {"content": text, "attachments": [attachment], "allowed_mentions": {"parse": []}}
        body = multipart(
            [("payload_json", json.dumps(payload, ensure_ascii=False))],
            [("files[0]", request.file, "video/mp4")],
        )
        report(0.0)
        response = send(
            "POST",
            f"{self._url}?wait=true",
            service=SERVICE,
            body=body,
            cancel=cancel,
            progress=lambda f: report(0.98 * f),
            timeout=300,
            log_as=_redacted(self._webhook_id),
        )
        if response.status == 413:
            raise _too_large(self.max_size, size)
        if not response.ok:
            raise _error(response, "the video")
        message = response.json() if isinstance(response.json(), dict) else {}
        report(1.0)
        return PostResult(url=self._message_url(message), remote_id=str(message.get("id", "")))

    def _message_url(self, message: dict[str, Any]) -> str:
        guild, channel = self._options.get("guild_id"), message.get("channel_id")
        if guild and channel and message.get("id"):
            return f"https://discord.com/channels/{guild}/{channel}/{message['id']}"
        attachments = message.get("attachments") or [{}]
        return str(attachments[0].get("url", "")) if isinstance(attachments[0], dict) else ""


def _too_large(limit: int, size: int) -> ShareError:
    return ShareError(
        f"Discord refused the video: it is larger than {format_size(limit)} (this file is "
        f"{format_size(size)}). Export it again with the Discord preset, which fits.",
        kind=ShareErrorKind.TOO_LARGE,
        preset="discord",
    )


def _error(response: Response, doing: str) -> ShareError:
    data = response.json()
    reason = str(data.get("message", "")) if isinstance(data, dict) else ""
    error = http_error(response, service=SERVICE, doing=doing, reason=reason, preset="discord")
    if error.kind is ShareErrorKind.RATE_LIMITED and error.retry_after is None:
        wait = data.get("retry_after") if isinstance(data, dict) else None
        if isinstance(wait, int | float):
            error.retry_after = float(wait)
    return error


def _redacted(webhook_id: str) -> str:
    """The webhook's path for the log: its token left out."""
    return f"/api/webhooks/{webhook_id}/…"
