"""Posting a video to Bluesky through its video service.

1. ``com.atproto.server.getServiceAuth`` (aud = the PDS's ``did:web``, lxm
   ``com.atproto.repo.uploadBlob``): a short-lived token for the video service;
2. ``POST <video>/xrpc/app.bsky.video.uploadVideo?did=…&name=…`` with the MP4;
3. ``app.bsky.video.getJobStatus`` until ``JOB_STATE_COMPLETED`` with a blob;
4. ``com.atproto.repo.createRecord`` of an ``app.bsky.feed.post`` with an
   ``app.bsky.embed.video`` embed (blob, alt, aspectRatio) and tag/link facets. The record key
   is the request's idempotency key, so a retry finds the post instead of posting it twice.

Limits: ``app.bsky.video.getUploadLimits`` (daily quota) within the ``bluesky`` preset.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from moments.core.cancel import CancelToken
from moments.core.errors import ShareError, ShareErrorKind
from moments.media.probe import probe
from moments.share.base import (
    Limits,
    Note,
    PostRequest,
    PostResult,
    PostTarget,
    file_size,
    format_size,
)
from moments.share.bluesky_session import BlueskySession, did_web, xrpc, xrpc_error
from moments.share.bluesky_text import MAX_GRAPHEMES, facets, too_long
from moments.share.credentials import Account, AccountStore
from moments.share.http import Body, ProgressCallback, origin
from moments.share.http import poll as poll_until

log = logging.getLogger(__name__)

SERVICE = "Bluesky"
DEFAULT_PDS = "https://bsky.social"
DEFAULT_VIDEO_SERVICE = "https://video.bsky.app"
_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
UPLOAD_SHARE = 0.8


def sign_in(
    store: AccountStore,
    handle: str,
    app_password: str,
    *,
    pds: str = DEFAULT_PDS,
    video_service: str = DEFAULT_VIDEO_SERVICE,
    cancel: CancelToken | None = None,
) -> Account:
    """Sign in with a handle (``alice.bsky.social``) and an app password; save the account."""
    identifier = handle.strip().removeprefix("@")
    if not identifier or not app_password.strip():
        raise ShareError("Type your Bluesky handle and an app password first.")
    session = BlueskySession(pds, identifier, {"app_password": app_password.strip()})
    session.create(cancel=cancel)
    account = Account(
        "bluesky",
        session.entryway,
        session.handle,
        options={"video_service": origin(video_service, SERVICE)},
    )
    return store.save(account, session.secrets)


class BlueskyTarget(PostTarget):
    platform = "bluesky"

    def __init__(
        self,
        account: Account,
        secrets: dict[str, str],
        *,
        on_secrets: Callable[[dict[str, str]], None] | None = None,
        poll_first: float = 1.0,
        poll_longest: float = 5.0,
        processing_timeout: float = 600.0,
    ) -> None:
        super().__init__(account.key, SERVICE, account.label)
        self.session = BlueskySession(account.server, account.handle, secrets, on_change=on_secrets)
        video = account.options.get("video_service", DEFAULT_VIDEO_SERVICE)
        self.video_service = origin(video, SERVICE)
        self._poll = (poll_first, poll_longest, processing_timeout)
        self._limits: Limits | None = None

    def limits(self, *, cancel: CancelToken | None = None) -> Limits:
        if self._limits is not None:
            return self._limits
        preset = Limits.of_preset("bluesky")
        try:
            quota = self._upload_limits(cancel)
        except ShareError as exc:
            log.info("Bluesky upload limits unknown, using the preset's: %s", exc)
            return preset
        size = preset.max_video_size
        remaining = quota.get("remainingDailyBytes")
        if isinstance(remaining, int) and size is not None:
            size = min(size, remaining)
        self._limits = Limits(
            MAX_GRAPHEMES,
            "graphemes",
            size,
            preset.max_video_duration,
            "bluesky",
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
        text = request.full_text
        problem = too_long(text)
        if problem:
            raise ShareError(problem)
        rkey = request.idempotency_key if _TID.match(request.idempotency_key) else None
        if request.retry and rkey and (found := self._existing(rkey, cancel)):
            report(1.0)
            return found  # an earlier try made it; its answer was lost
        size = file_size(request.file)
        cap = Limits.of_preset("bluesky").max_video_size
        if cap is not None and size > cap:
            raise _too_large(cap, size)
        width, height = request.size or _video_size(request)
        report(0.0)
        blob = _blob_of(request.resume.get("blob"))
        if blob is None:
            blob = self._processed_video(request, report, cancel, keep)
            keep("blob", json.dumps(blob))
        embed: dict[str, Any] = {
            "$type": "app.bsky.embed.video",
            "video": blob,
            "aspectRatio": {"width": width, "height": height},
        }
        if request.alt_text:
            embed["alt"] = request.alt_text
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": _now_iso(),
            "embed": embed,
        }
        if found_facets := facets(text):
            record["facets"] = found_facets
        if request.language:
            record["langs"] = [request.language]
        keep("create_tried", "1")
        result = self._create(record, rkey, cancel)
        report(1.0)
        return result

    def _processed_video(
        self,
        request: PostRequest,
        report: ProgressCallback,
        cancel: CancelToken | None,
        keep: Note,
    ) -> dict[str, Any]:
        """The blob of the video, processed by the video service: an earlier try's job
        followed when it is known, else the file uploaded."""
        quota = self._upload_limits(cancel)
        if quota.get("canUpload") is False:
            said = str(quota.get("message") or "the daily video limit is reached").rstrip(".")
            code = f" ({quota['error']})" if quota.get("error") else ""
            raise ShareError(f"Bluesky will not take videos from this account now: {said}{code}.")
        job = request.resume.get("job")
        if job:
            try:
                return self._wait_for_blob(job, report, cancel)
            except ShareError as exc:
                log.info("Bluesky job %s of an earlier try is gone (%s): uploading again", job, exc)
        job_or_blob = self._upload(request, lambda f: report(f * UPLOAD_SHARE), cancel)
        if isinstance(job_or_blob, dict):
            return job_or_blob
        keep("job", job_or_blob)
        return self._wait_for_blob(job_or_blob, report, cancel)

    # --- steps ------------------------------------------------------------------------------

    def _service_token(self, aud: str, lxm: str, cancel: CancelToken | None) -> str:
        params = {"aud": aud, "lxm": lxm, "exp": str(int(time.time()) + 30 * 60)}
        response = self.session.call(
            "GET", "com.atproto.server.getServiceAuth", params=params, cancel=cancel
        )
        if not response.ok:
            raise xrpc_error(response, "to let Moments upload a video")
        return str(response.json().get("token", ""))

    def _upload_limits(self, cancel: CancelToken | None) -> dict[str, Any]:
        token = self._service_token(
            did_web(self.video_service), "app.bsky.video.getUploadLimits", cancel
        )
        response = xrpc(
            "GET", self.video_service, "app.bsky.video.getUploadLimits", token=token, cancel=cancel
        )
        if not response.ok:
            raise xrpc_error(response, "to say how many videos it takes")
        data = response.json()
        return data if isinstance(data, dict) else {}

    def _upload(
        self, request: PostRequest, progress: ProgressCallback, cancel: CancelToken | None
    ) -> str | dict[str, Any]:
        """The job id, or the blob when the service already has this video."""
        token = self._service_token(
            did_web(self.session.pds), "com.atproto.repo.uploadBlob", cancel
        )
        params = {"did": self.session.did, "name": request.file.name}
        response = xrpc(
            "POST",
            self.video_service,
            "app.bsky.video.uploadVideo",
            params=params,
            token=token,
            body=Body.of_file(request.file, "video/mp4"),
            cancel=cancel,
            progress=progress,
            timeout=300,
        )
        status = _job(response.json())
        if blob := _blob_of(status.get("blob")):
            return blob  # processed before (already_exists): use its blob, whatever the state
        if response.status == 409 and status.get("jobId"):
            return str(status["jobId"])  # the same video was uploaded before: follow that job
        if response.status == 413:
            raise _too_large(Limits.of_preset("bluesky").max_video_size, file_size(request.file))
        if not response.ok or not status.get("jobId"):
            raise xrpc_error(response, "the video", preset="bluesky")
        return str(status["jobId"])

    def _wait_for_blob(
        self, job_id: str, report: ProgressCallback, cancel: CancelToken | None
    ) -> dict[str, Any]:
        first, longest, timeout = self._poll

        def done() -> dict[str, Any] | None:
            response = xrpc(
                "GET",
                self.video_service,
                "app.bsky.video.getJobStatus",
                params={"jobId": job_id},
                cancel=cancel,
            )
            if not response.ok:
                raise xrpc_error(response, "the video while processing it")
            status = _job(response.json())
            if blob := _blob_of(status.get("blob")):
                # docs/tutorials/video.mdx: a video processed before fails with
                # already_exists *and* its blob — use the blob whatever the state.
                return blob
            if status.get("state") == "JOB_STATE_FAILED":
                reason = str(status.get("message") or status.get("error") or "unknown reason")
                raise ShareError(f"Bluesky could not process the video: {reason.rstrip('.')}.")
            if isinstance(status.get("progress"), int):
                report(UPLOAD_SHARE + 0.15 * min(100, int(status["progress"])) / 100)
            return None

        blob = poll_until(done, cancel=cancel, timeout=timeout, first=first, longest=longest)
        if blob is None:
            raise ShareError(
                f"Bluesky is still processing the video after {timeout / 60:.0f} minutes; "
                "Moments will try again later.",
                kind=ShareErrorKind.SERVER,
            )
        return blob

    def _create(
        self, record: dict[str, Any], rkey: str | None, cancel: CancelToken | None
    ) -> PostResult:
        body: dict[str, Any] = {
            "repo": self.session.did,
            "collection": "app.bsky.feed.post",
            "record": record,
        }
        if rkey:
            body["rkey"] = rkey
        try:
            response = self.session.call(
                "POST", "com.atproto.repo.createRecord", body=Body.of_json(body), cancel=cancel
            )
        except ShareError as exc:
            # The answer was lost: the record may be there all the same.
            if rkey and exc.retryable and (found := self._existing(rkey, cancel)):
                return found
            raise
        if not response.ok and rkey and (found := self._existing(rkey, cancel)):
            # A PDS answers a taken rkey with 500 ("There is already a value at key",
            # its message hidden): the post an earlier try made.
            return found
        if not response.ok:
            raise xrpc_error(response, "the post")
        return self._result(str(response.json().get("uri", "")))

    def _existing(self, rkey: str, cancel: CancelToken | None) -> PostResult | None:
        """The post at ``rkey`` when it exists (``com.atproto.repo.getRecord``)."""
        params = {"repo": self.session.did, "collection": "app.bsky.feed.post", "rkey": rkey}
        try:
            response = self.session.call(
                "GET", "com.atproto.repo.getRecord", params=params, cancel=cancel
            )
        except ShareError:
            return None
        if not response.ok or not response.json().get("uri"):
            return None
        log.info("Bluesky post %s was already made: not posting it twice", rkey)
        return self._result(str(response.json()["uri"]))

    def _result(self, uri: str) -> PostResult:
        rkey = uri.rsplit("/", 1)[-1]
        url = f"https://bsky.app/profile/{self.session.handle}/post/{rkey}"
        return PostResult(url=url, remote_id=uri)


def _blob_of(value: Any) -> dict[str, Any] | None:
    """A BlobRef (a dict, or its JSON as kept by ``note``), when ``value`` is one."""
    if isinstance(value, str) and value:
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, dict) and value.get("$type") == "blob" and value.get("ref"):
        return value
    return None


def _job(data: Any) -> dict[str, Any]:
    """The JobStatus of an answer: under ``jobStatus`` (lexicon) or at the top (the service)."""
    if not isinstance(data, dict):
        return {}
    inner = data.get("jobStatus")
    return inner if isinstance(inner, dict) else data


def _video_size(request: PostRequest) -> tuple[int, int]:
    video = probe(str(request.file)).primary_video
    if video is None:
        raise ShareError(f"{request.file.name} has no video to post.")
    return video.display_size


def _too_large(cap: int | None, size: int) -> ShareError:
    bound = f"it is larger than {format_size(cap)}" if cap else "it is too large"
    return ShareError(
        f"Bluesky refused the video: {bound} (this file is {format_size(size)}). "
        "Export it again with the Bluesky preset.",
        kind=ShareErrorKind.TOO_LARGE,
        preset="bluesky",
    )


def _now_iso() -> str:
    now = datetime.datetime.now(datetime.UTC)
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
