"""Posting a video to a Discord channel through a webhook URL the user pasted.

``POST <webhook>?wait=true`` with ``payload_json`` (content, the attachment's alt text as
``description``, no pings) and ``files[0]``; ``wait=true`` returns the message. A webhook
takes files up to 10 MiB: a bigger one raises ShareError(TOO_LARGE, preset="discord"), and
``share/reexport.py`` makes the file again with the ``discord`` preset.

The URL is sent to API v10 whatever version it was pasted with (an unversioned
``/api/webhooks/…`` reaches a deprecated one). A webhook of a forum or media channel needs
``thread_name`` (error 220001 without it): the post's ``title`` is sent as the thread's name,
and a 220001 marks the account as a forum one (``on_forum``) so the share panel asks for a
title. Webhooks have no idempotency key: when the answer to a post is lost after the whole
request was sent, the post is not retried (it may be in the channel) but fails with a
sentence that says so, so it is never published twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from moments.core.cancel import CancelToken
from moments.core.errors import ShareError, ShareErrorKind
from moments.core.presets import MIB
from moments.share.base import (
    Limits,
    Note,
    PostRequest,
    PostResult,
    PostTarget,
    file_size,
    format_size,
)
from moments.share.credentials import Account, AccountStore
from moments.share.http import (
    ProgressCallback,
    Response,
    answer_lost,
    http_error,
    multipart,
    send,
)

SERVICE = "Discord"
MAX_FILE_SIZE = 10 * MIB
MAX_CONTENT = 2000
MAX_ALT = 1024
API_VERSION = 10
FORUM_NEEDS_THREAD_NAME = 220001
MAX_THREAD_NAME = 100
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
    base = cleaned.split("/api/", 1)[0]
    token = match.group(2)
    return f"{base}/api/v{API_VERSION}/webhooks/{match.group(1)}/{token}", match.group(1)


def add_webhook(
    store: AccountStore,
    url: str,
    *,
    name: str = "",
    forum: bool = False,
    cancel: CancelToken | None = None,
) -> Account:
    """Check the webhook with Discord (``GET`` it) and save it as an account. ``forum``:
    its channel is a forum or media channel (the webhook object does not say so), where
    every post starts a thread and needs a title."""
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
    if forum:
        options["forum"] = "1"
    server = webhook_url.split("/api/", 1)[0]
    label = name.strip() or str(info.get("name") or f"webhook {webhook_id}")
    account = Account("discord", server, webhook_id, label, options=options)
    return store.save(account, {"webhook_url": webhook_url})


class DiscordTarget(PostTarget):
    platform = "discord"

    def __init__(
        self,
        account: Account,
        webhook_url: str,
        *,
        max_size: int = MAX_FILE_SIZE,
        on_forum: Callable[[], None] | None = None,
    ):
        super().__init__(account.key, SERVICE, account.label)
        self._url, self._webhook_id = parse_webhook(webhook_url)
        self._options = account.options
        self.max_size = max_size
        self._on_forum = on_forum

    @property
    def forum(self) -> bool:
        """Whether the webhook posts to a forum or media channel (a post needs a title)."""
        return self._options.get("forum") == "1"

    def limits(self, *, cancel: CancelToken | None = None) -> Limits:
        """Discord publishes no limits for webhooks: 2000 characters and 10 MiB."""
        return Limits(MAX_CONTENT, "characters", self.max_size, None, "discord")

    def post(
        self,
        request: PostRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        note: Note | None = None,
    ) -> PostResult:
        report = progress or (lambda fraction: None)
        if request.retry and request.resume.get("unconfirmed"):
            raise _maybe_posted()
        if self.forum and not request.title.strip():
            raise _needs_title()
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
        payload: dict[str, Any] = {
            "content": text,
            "attachments": [attachment],
            "allowed_mentions": {"parse": []},
        }
        if request.title.strip():
            payload["thread_name"] = request.title.strip()[:MAX_THREAD_NAME]
        body = multipart(
            [("payload_json", json.dumps(payload, ensure_ascii=False))],
            [("files[0]", request.file, "video/mp4")],
        )
        report(0.0)
        try:
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
        except ShareError as exc:
            if answer_lost(exc):
                if note is not None:
                    note("unconfirmed", "1")
                raise _maybe_posted() from exc
            raise
        if response.status == 413:
            raise _too_large(self.max_size, size)
        data = response.json()
        if isinstance(data, dict) and data.get("code") == FORUM_NEEDS_THREAD_NAME:
            if self._on_forum is not None:
                self._on_forum()
            raise _needs_title()
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


def _needs_title() -> ShareError:
    return ShareError(
        "This Discord webhook posts to a forum channel, where each post starts a thread: "
        "give the post a thread title and send it again."
    )


def _maybe_posted() -> ShareError:
    return ShareError(
        "Discord did not answer after receiving the video, so it may be in the channel "
        "already. Look there before sending it again (Retry)."
    )


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
