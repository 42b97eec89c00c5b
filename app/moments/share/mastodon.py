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
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any

from moments.core.cancel import CancelToken
from moments.core.errors import ShareError, ShareErrorKind
from moments.share.base import (
    Limits,
    Note,
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
IDEMPOTENCY_WINDOW = 3600 - 300
"""Mastodon keeps an ``Idempotency-Key`` one hour (``PostStatusService``: redis ``setex``
3600); past 55 minutes a retry looks for the post instead of trusting the key."""
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
        note: Note | None = None,
    ) -> PostResult:
        report = progress or (lambda fraction: None)
        keep = note or (lambda name, value: None)
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
        resume = request.resume
        if request.retry and (found := self._earlier_post(resume, cancel)):
            report(1.0)
            return found
        media_id = resume.get("media_id") if request.retry else None
        ready: bool | None = bool(media_id and resume.get("status_tried_at"))
        if media_id and not ready:
            ready = self._media_state(media_id, cancel)  # reused: uploads are rate-limited
            if ready is None:
                media_id = None  # gone: upload again
        if not media_id:
            media_id, ready = self._upload(request, lambda f: report(f * UPLOAD_SHARE), cancel)
            keep("media_id", media_id)
        if not ready:
            self._wait_processed(media_id, cancel)
        report(0.95)
        if not resume.get("status_tried_at"):
            keep("status_tried_at", f"{time.time():.0f}")
        result = self._publish(request, text, media_id, cancel)
        keep("status_id", result.remote_id)
        report(1.0)
        return result

    def _earlier_post(
        self, resume: Mapping[str, str], cancel: CancelToken | None
    ) -> PostResult | None:
        """The status an earlier try published, when its answer was lost.

        Within the hour Mastodon keeps the ``Idempotency-Key``, posting again with it gives
        that status back. Past it (or when asked), the account's recent statuses are read
        for the one carrying the uploaded media: a media id is attached to one status."""
        if status_id := resume.get("status_id"):
            response = self._send(
                "GET", f"/api/v1/statuses/{urllib.parse.quote(status_id)}", cancel=cancel
            )
            if response.ok:
                return _result(_dict(response.json()))
        tried = float(resume.get("status_tried_at") or 0)
        media_id = resume.get("media_id")
        if not tried or not media_id or time.time() - tried < IDEMPOTENCY_WINDOW:
            return None
        me = self._send("GET", "/api/v1/accounts/verify_credentials", cancel=cancel)
        if not me.ok:
            raise self._error(me, "the account")
        account_id = urllib.parse.quote(str(_dict(me.json()).get("id", "")))
        response = self._send(
            "GET", f"/api/v1/accounts/{account_id}/statuses?limit=40", cancel=cancel
        )
        if not response.ok:
            raise self._error(response, "the account's posts")
        for status in response.json() if isinstance(response.json(), list) else []:
            attached = [str(m.get("id")) for m in _dict(status).get("media_attachments") or []]
            if media_id in attached:
                log.info(
                    "Mastodon status %s was already made: not posting it twice", status.get("id")
                )
                return _result(_dict(status))
        return None

    def _media_state(self, media_id: str, cancel: CancelToken | None) -> bool | None:
        """Whether an uploaded media is processed (True), processing (False), or gone or
        attached to a status already (None: a 404)."""
        response = self._send("GET", f"/api/v1/media/{urllib.parse.quote(media_id)}", cancel=cancel)
        if response.status == 404:
            return None
        if response.status == 206:
            return False
        if not response.ok:
            raise self._error(response, "the video")
        return bool(_dict(response.json()).get("url"))

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
        return _result(_dict(response.json()))

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


def _result(status: dict[str, Any]) -> PostResult:
    url = str(status.get("url") or status.get("uri") or "")
    return PostResult(url=url, remote_id=str(status.get("id", "")))


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
