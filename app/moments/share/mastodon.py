"""Posting a video to a Mastodon account (REST API, v2 media upload).

1. ``POST /api/v2/media`` (multipart ``file`` + ``description`` = alt text): 200 when the
   server processed it at once, 202 while it processes;
2. ``GET /api/v1/media/:id`` until ``url`` is set (206 meanwhile), with backoff and cancel;
3. ``POST /api/v1/statuses`` (``status``, ``media_ids[]``, ``visibility``) with an
   ``Idempotency-Key`` header, so a retry of the same post never publishes it twice.

Limits come from ``GET /api/v2/instance`` (``configuration.statuses.max_characters``,
``configuration.media_attachments.video_size_limit``). Signing in: ``mastodon_auth.py``.
"""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any

from moments.core.cancel import CancelToken
from moments.core.errors import ShareError, ShareErrorKind
from moments.share.base import (
    Limits,
    PostRequest,
    PostResult,
    PostTarget,
    count_text,
    file_size,
    format_size,
)
from moments.share.credentials import Account
from moments.share.http import Body, ProgressCallback, Response, http_error, multipart, origin
from moments.share.http import poll as poll_until
from moments.share.http import send as http_send

log = logging.getLogger(__name__)

SERVICE = "Mastodon"
UPLOAD_SHARE = 0.85
"""Of the progress bar: the upload; processing and publishing share the rest."""


class MastodonTarget(PostTarget):
    platform = "mastodon"

    def __init__(
        self,
        account: Account,
        access_token: str,
        *,
        poll_first: float = 1.0,
        poll_longest: float = 5.0,
        processing_timeout: float = 600.0,
    ) -> None:
        super().__init__(account.key, SERVICE, account.label)
        self.instance = origin(account.server, SERVICE)
        self._token = access_token
        self._poll = (poll_first, poll_longest, processing_timeout)
        self._limits: Limits | None = None

    def limits(self, *, cancel: CancelToken | None = None) -> Limits:
        if self._limits is not None:
            return self._limits
        preset = Limits.of_preset("mastodon")
        fallback = Limits(
            preset.text,
            "graphemes",
            preset.max_video_size,
            None,
            "mastodon",
            url_length=23,
            mention_domains_count=False,
        )
        try:
            response = self._send("GET", "/api/v2/instance", cancel=cancel, auth=False)
        except ShareError as exc:
            log.info("Mastodon limits unknown, using the preset's: %s", exc)
            return fallback
        if not response.ok:
            return fallback
        conf = _dict(response.json().get("configuration"))
        statuses = _dict(conf.get("statuses"))
        media = _dict(conf.get("media_attachments"))
        self._limits = Limits(
            text=_int(statuses.get("max_characters")) or fallback.text,
            unit="graphemes",
            max_video_size=_int(media.get("video_size_limit")) or fallback.max_video_size,
            max_video_duration=None,
            preset="mastodon",
            url_length=_int(statuses.get("characters_reserved_per_url")) or 23,
            mention_domains_count=False,
            from_service=True,
        )
        return self._limits

    def post(
        self,
        request: PostRequest,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> PostResult:
        report = progress or (lambda fraction: None)
        limits = self.limits(cancel=cancel)
        size = file_size(request.file)
        if limits.max_video_size and size > limits.max_video_size:
            raise self._too_large(limits.max_video_size, size)
        text = request.full_text
        count = count_text(limits, text)
        if count.over:
            raise ShareError(
                f"The text is {count.used} characters long; {self._host} posts hold "
                f"{count.limit}. Shorten it and post again."
            )
        report(0.0)
        media_id, ready = self._upload(request, lambda f: report(f * UPLOAD_SHARE), cancel)
        if not ready:
            self._wait_processed(media_id, cancel)
        report(0.95)
        result = self._publish(request, text, media_id, cancel)
        report(1.0)
        return result

    # --- steps ------------------------------------------------------------------------------

    def _upload(
        self, request: PostRequest, progress: ProgressCallback, cancel: CancelToken | None
    ) -> tuple[str, bool]:
        """The media id, and whether it is processed already."""
        fields = [("description", request.alt_text)] if request.alt_text else []
        body = multipart(fields, [("file", request.file, "video/mp4")])
        response = self._send(
            "POST", "/api/v2/media", body=body, cancel=cancel, progress=progress, timeout=300
        )
        if response.status == 413:
            raise self._too_large(self.limits().max_video_size, file_size(request.file))
        if not response.ok:
            raise self._error(response, "the video")
        media = _dict(response.json())
        if not media.get("id"):
            raise ShareError(
                "Mastodon accepted the video but did not say where it is.",
                kind=ShareErrorKind.SERVER,
            )
        return str(media["id"]), response.status == 200 and bool(media.get("url"))

    def _wait_processed(self, media_id: str, cancel: CancelToken | None) -> None:
        first, longest, timeout = self._poll
        path = f"/api/v1/media/{urllib.parse.quote(media_id)}"

        def ready() -> bool | None:
            response = self._send("GET", path, cancel=cancel)
            if response.status == 206:
                return None
            if not response.ok:
                raise self._error(response, "the video while processing it")
            return True if _dict(response.json()).get("url") else None

        if poll_until(ready, cancel=cancel, timeout=timeout, first=first, longest=longest):
            return
        raise ShareError(
            f"{self._host} is still processing the video after {timeout / 60:.0f} minutes; "
            "Moments will try again later.",
            kind=ShareErrorKind.SERVER,
        )

    def _publish(
        self, request: PostRequest, text: str, media_id: str, cancel: CancelToken | None
    ) -> PostResult:
        fields = [("status", text), ("media_ids[]", media_id), ("visibility", request.visibility)]
        if request.language:
            fields.append(("language", request.language))
        response = self._send(
            "POST",
            "/api/v1/statuses",
            body=Body.of_form(fields),
            headers={"Idempotency-Key": request.idempotency_key},
            cancel=cancel,
        )
        if not response.ok:
            raise self._error(response, "the post")
        status = _dict(response.json())
        url = str(status.get("url") or status.get("uri") or "")
        return PostResult(url=url, remote_id=str(status.get("id", "")))

    # --- helpers ----------------------------------------------------------------------------

    @property
    def _host(self) -> str:
        return urllib.parse.urlsplit(self.instance).netloc

    def _send(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Response:
        all_headers = {"Authorization": f"Bearer {self._token}"} if auth else {}
        all_headers.update(headers or {})
        return http_send(
            method, self.instance + path, service=SERVICE, headers=all_headers, **kwargs
        )

    def _error(self, response: Response, doing: str) -> ShareError:
        reason = str(_dict(response.json()).get("error", ""))
        return http_error(response, service=SERVICE, doing=doing, reason=reason, preset="mastodon")

    def _too_large(self, limit: int | None, size: int) -> ShareError:
        if limit and size > limit:
            bound = f"it is larger than {format_size(limit)} (this file is {format_size(size)})"
        else:
            bound = f"it is too large for {self._host}"
        return ShareError(
            f"Mastodon refused the video: {bound}. Export it again with the Mastodon preset.",
            kind=ShareErrorKind.TOO_LARGE,
            preset="mastodon",
        )


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
