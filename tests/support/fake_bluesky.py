"""A fake Bluesky: a PDS and the video service, two servers on 127.0.0.1.

PDS: ``createSession`` (handle + app password; the DID document points at this PDS),
``refreshSession``, ``getServiceAuth`` (records aud and lxm), ``createRecord`` (rkey taken
once), ``getRecord``. Access tokens can be expired on purpose (``ExpiredToken``).
Video service: ``getUploadLimits``, ``uploadVideo`` (checks the service token's aud is the
PDS's did:web and lxm ``com.atproto.repo.uploadBlob``), ``getJobStatus`` (running for
``processing_polls`` polls, then completed with a blob).
"""

from __future__ import annotations

import secrets
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_service import FakeService, Recorded, Reply, bearer

DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"


def did_web(url: str) -> str:
    return "did:web:" + urllib.parse.urlsplit(url).netloc.replace(":", "%3A")


class FakeVideoService(FakeService):
    def __init__(self, bluesky: FakeBluesky) -> None:
        super().__init__()
        self.bluesky = bluesky

    def handle(self, request: Recorded) -> Reply:
        return self.bluesky.video(request)


@dataclass
class FakeBluesky(FakeService):
    handle_name: str = "alice.test"
    app_password: str = "abcd-efgh-ijkl-mnop"
    processing_polls: int = 2
    can_upload: bool = True
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    service_tokens: dict[str, tuple[str, str]] = field(default_factory=dict)
    """token → (aud, lxm)."""

    def __post_init__(self) -> None:
        super().__init__()
        self.video_service = FakeVideoService(self)
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.expired: set[str] = set()
        self.jobs: dict[str, dict[str, Any]] = {}

    def __enter__(self) -> FakeBluesky:
        self.start()
        self.video_service.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.video_service.stop()
        self.stop()

    def expire_access_tokens(self) -> None:
        self.expired |= self.access

    # --- PDS ----------------------------------------------------------------------------------

    def handle(self, request: Recorded) -> Reply:
        nsid = request.path.removeprefix("/xrpc/")
        if nsid == "com.atproto.server.createSession":
            body = request.json()
            if (body["identifier"], body["password"]) != (self.handle_name, self.app_password):
                return Reply(
                    401,
                    {
                        "error": "AuthenticationRequired",
                        "message": "Invalid identifier or password",
                    },
                )
            return Reply(body=self._session())
        if nsid == "com.atproto.server.refreshSession":
            token = bearer(request)
            if token not in self.refresh:
                return Reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
            self.refresh.discard(token)
            return Reply(body=self._session())
        token = bearer(request)
        if token in self.expired:
            return Reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
        if token not in self.access:
            return Reply(401, {"error": "AuthenticationRequired", "message": "Invalid token"})
        if nsid == "com.atproto.server.getServiceAuth":
            service_token = f"svc-{secrets.token_hex(6)}"
            self.service_tokens[service_token] = (
                request.param("aud") or "",
                request.param("lxm") or "",
            )
            return Reply(body={"token": service_token})
        if nsid == "com.atproto.repo.createRecord":
            body = request.json()
            rkey = body.get("rkey") or f"3k{secrets.token_hex(5)}"
            if rkey in self.records:
                return Reply(400, {"error": "InvalidRequest", "message": "Record already exists"})
            self.records[rkey] = body["record"]
            return Reply(body={"uri": f"at://{DID}/app.bsky.feed.post/{rkey}", "cid": "bafyrei"})
        if nsid == "com.atproto.repo.getRecord":
            rkey = request.param("rkey") or ""
            if rkey not in self.records:
                return Reply(400, {"error": "RecordNotFound", "message": "Could not locate record"})
            return Reply(
                body={
                    "uri": f"at://{DID}/app.bsky.feed.post/{rkey}",
                    "cid": "bafyrei",
                    "value": self.records[rkey],
                }
            )
        return Reply(501, {"error": "MethodNotImplemented"})

    def _session(self) -> dict[str, Any]:
        access, refresh = f"acc-{secrets.token_hex(8)}", f"ref-{secrets.token_hex(8)}"
        self.access.add(access)
        self.refresh.add(refresh)
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": self.handle_name,
            "did": DID,
            "active": True,
            "didDoc": {
                "id": DID,
                "service": [
                    {
                        "id": "#atproto_pds",
                        "type": "AtprotoPersonalDataServer",
                        "serviceEndpoint": self.url,
                    }
                ],
            },
        }

    # --- video service --------------------------------------------------------------------------

    def video(self, request: Recorded) -> Reply:
        nsid = request.path.removeprefix("/xrpc/")
        if nsid == "app.bsky.video.getJobStatus":
            job = self.jobs.get(request.param("jobId") or "")
            if job is None:
                return Reply(404, {"error": "NotFound"})
            if job["polls"] > 0:
                job["polls"] -= 1
                return Reply(
                    body={
                        "jobStatus": {
                            "jobId": job["jobId"],
                            "did": DID,
                            "state": "JOB_STATE_ENCODING",
                            "progress": 50,
                        }
                    }
                )
            return Reply(
                body={
                    "jobStatus": {
                        "jobId": job["jobId"],
                        "did": DID,
                        "state": "JOB_STATE_COMPLETED",
                        "blob": job["blob"],
                    }
                }
            )
        aud, lxm = self.service_tokens.get(bearer(request) or "", ("", ""))
        if nsid == "app.bsky.video.getUploadLimits":
            if (aud, lxm) != (did_web(self.video_service.url), nsid):
                return Reply(401, {"error": "BadJwt", "message": "wrong audience"})
            return Reply(
                body={
                    "canUpload": self.can_upload,
                    "remainingDailyVideos": 24,
                    "remainingDailyBytes": 10_000_000_000,
                    **({} if self.can_upload else {"message": "Daily limit reached"}),
                }
            )
        if nsid == "app.bsky.video.uploadVideo":
            if (aud, lxm) != (did_web(self.url), "com.atproto.repo.uploadBlob"):
                return Reply(401, {"error": "BadJwt", "message": "wrong audience"})
            if request.param("did") != DID or request.headers["Content-Type"] != "video/mp4":
                return Reply(400, {"error": "InvalidRequest", "message": "did or type"})
            job_id = f"job-{len(self.jobs)}"
            blob = {
                "$type": "blob",
                "ref": {"$link": "bafkreivideo"},
                "mimeType": "video/mp4",
                "size": len(request.body),
            }
            self.jobs[job_id] = {
                "jobId": job_id,
                "polls": self.processing_polls,
                "blob": blob,
                "name": request.param("name"),
                "size": len(request.body),
            }
            return Reply(body={"jobId": job_id, "did": DID, "state": "JOB_STATE_CREATED"})
        return Reply(501, {"error": "MethodNotImplemented"})
