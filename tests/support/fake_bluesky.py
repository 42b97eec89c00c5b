"""A fake Bluesky: a PDS and the video service, two servers on 127.0.0.1, answering as the
services' own artefacts say (tests/conformance/atproto/, SOURCES.md there).

Every request body and parameter set is checked against its lexicon and refused as the PDS
refuses it (400 ``InvalidRequest``); every answer is checked against its output schema
(``self.schema_problems`` collects any breach, and the fixture asserts it stays empty).
Error shapes are the real ones: a repeated ``createRecord`` rkey is a **500**
``InternalServerError`` (``packages/repo/src/mst/mst.ts`` throws "There is already a value
at key", ``packages/xrpc-server/src/errors.ts`` hides a 500's message); an absent record is
400 ``RecordNotFound``. The video service deduplicates: the same bytes uploaded again make a
job that fails with ``already_exists`` *and* carries the earlier blob
(``docs/tutorials/video.mdx``). ``include_did_doc = False`` answers sessions without
``didDoc``; the PDS then also serves the PLC directory (``GET /did:plc:…``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_service import FakeService, Recorded, Reply, bearer
from tests.support.lexicon import LEXICONS

DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"


def did_web(url: str) -> str:
    return "did:web:" + urllib.parse.urlsplit(url).netloc.replace(":", "%3A")


def invalid(message: str) -> Reply:
    return Reply(400, {"error": "InvalidRequest", "message": message})


class FakeVideoService(FakeService):
    def __init__(self, bluesky: FakeBluesky) -> None:
        super().__init__()
        self.bluesky = bluesky

    def handle(self, request: Recorded) -> Reply:
        return self.bluesky.answer(request, self.bluesky.video(request))


@dataclass
class FakeBluesky(FakeService):
    handle_name: str = "alice.test"
    app_password: str = "abcd-efgh-ijkl-mnop"
    processing_polls: int = 2
    can_upload: bool = True
    upload_refusal: tuple[str, str] = ("Daily limit reached", "")
    """``message`` and ``error`` of ``getUploadLimits`` when ``can_upload`` is False."""
    include_did_doc: bool = True
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    service_tokens: dict[str, tuple[str, str]] = field(default_factory=dict)
    """token → (aud, lxm)."""
    schema_problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()
        self.video_service = FakeVideoService(self)
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.expired: set[str] = set()
        self.jobs: dict[str, dict[str, Any]] = {}
        self.blobs: dict[str, dict[str, Any]] = {}
        """sha256 of the uploaded bytes → the blob the video service made of them."""

    def __enter__(self) -> FakeBluesky:
        self.start()
        self.video_service.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.video_service.stop()
        self.stop()

    def expire_access_tokens(self) -> None:
        self.expired |= self.access

    def handle(self, request: Recorded) -> Reply:
        return self.answer(request, self.pds(request))

    def answer(self, request: Recorded, reply: Reply) -> Reply:
        """``reply``, its body checked against the method's output schema first."""
        nsid = request.path.removeprefix("/xrpc/")
        if reply.status == 200 and isinstance(reply.body, dict) and nsid in LEXICONS.docs:
            main = LEXICONS.docs[nsid]["defs"]["main"]
            if "schema" in main.get("output", {}):
                self.schema_problems += LEXICONS.check(f"{nsid}#output", reply.body)
        return reply

    # --- PDS ----------------------------------------------------------------------------------

    def pds(self, request: Recorded) -> Reply:
        if request.path.startswith("/did:") and request.method == "GET":
            return Reply(body=self._did_doc())  # the PLC directory
        nsid = request.path.removeprefix("/xrpc/")
        if problems := self._input_problems(nsid, request):
            return invalid("; ".join(problems))
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
            return self._create_record(request.json())
        if nsid == "com.atproto.repo.getRecord":
            rkey = request.param("rkey") or ""
            uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
            if rkey not in self.records:
                return Reply(
                    400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"}
                )
            return Reply(body={"uri": uri, "cid": self._cid(rkey), "value": self.records[rkey]})
        return Reply(501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"})

    def _input_problems(self, nsid: str, request: Recorded) -> list[str]:
        main = LEXICONS.docs.get(nsid, {}).get("defs", {}).get("main", {})
        if main.get("type") == "query" and "parameters" in main:
            kinds = {k: v["type"] for k, v in main["parameters"]["properties"].items()}
            params: dict[str, Any] = {}
            for key, values in request.query.items():
                value: Any = values[0]
                if kinds.get(key) == "integer" and value.lstrip("-").isdigit():
                    value = int(value)
                elif kinds.get(key) == "boolean" and value in ("true", "false"):
                    value = value == "true"
                params[key] = value
            return LEXICONS.check(f"{nsid}#params", params)
        if main.get("type") == "procedure" and "schema" in main.get("input", {}):
            problems = LEXICONS.check(f"{nsid}#input", request.json())
            if nsid == "com.atproto.repo.createRecord" and not problems:
                body = request.json()
                problems = LEXICONS.check(body["collection"], body["record"])
            return problems
        return []

    def _create_record(self, body: dict[str, Any]) -> Reply:
        rkey = body.get("rkey") or f"3k{secrets.token_hex(5)}"[:13]
        if rkey in self.records:
            # mst.ts: "There is already a value at key"; a 500's message is hidden.
            return Reply(500, {"error": "InternalServerError", "message": "Internal Server Error"})
        self.records[rkey] = body["record"]
        return Reply(
            body={
                "uri": f"at://{DID}/app.bsky.feed.post/{rkey}",
                "cid": self._cid(rkey),
                "validationStatus": "valid",
            }
        )

    @staticmethod
    def _cid(rkey: str) -> str:
        return "bafyrei" + hashlib.sha256(rkey.encode()).hexdigest()[:40]

    def _did_doc(self) -> dict[str, Any]:
        return {
            "id": DID,
            "alsoKnownAs": [f"at://{self.handle_name}"],
            "service": [
                {
                    "id": "#atproto_pds",
                    "type": "AtprotoPersonalDataServer",
                    "serviceEndpoint": self.url,
                }
            ],
        }

    def _session(self) -> dict[str, Any]:
        access, refresh = f"acc-{secrets.token_hex(8)}", f"ref-{secrets.token_hex(8)}"
        self.access.add(access)
        self.refresh.add(refresh)
        session: dict[str, Any] = {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": self.handle_name,
            "did": DID,
            "active": True,
        }
        if self.include_did_doc:
            session["didDoc"] = self._did_doc()
        return session

    # --- video service --------------------------------------------------------------------------

    def video(self, request: Recorded) -> Reply:
        nsid = request.path.removeprefix("/xrpc/")
        if nsid == "app.bsky.video.getJobStatus":
            job = self.jobs.get(request.param("jobId") or "")
            if job is None:
                return Reply(404, {"error": "NotFound", "message": "Job not found"})
            return Reply(body={"jobStatus": self._job_status(job)})
        aud, lxm = self.service_tokens.get(bearer(request) or "", ("", ""))
        if nsid == "app.bsky.video.getUploadLimits":
            if (aud, lxm) != (did_web(self.video_service.url), nsid):
                return Reply(401, {"error": "BadJwt", "message": "wrong audience"})
            if not self.can_upload:
                message, error = self.upload_refusal
                refusal = {"message": message, **({"error": error} if error else {})}
                return Reply(body={"canUpload": False, **refusal})
            return Reply(
                body={
                    "canUpload": True,
                    "remainingDailyVideos": 24,
                    "remainingDailyBytes": 10_000_000_000,
                }
            )
        if nsid == "app.bsky.video.uploadVideo":
            if (aud, lxm) != (did_web(self.url), "com.atproto.repo.uploadBlob"):
                return Reply(401, {"error": "BadJwt", "message": "wrong audience"})
            if request.param("did") != DID or request.headers["Content-Type"] != "video/mp4":
                return invalid("did or type")
            digest = hashlib.sha256(request.body).hexdigest()
            job_id = f"job-{len(self.jobs)}"
            job = {
                "jobId": job_id,
                "polls": self.processing_polls,
                "duplicate": digest in self.blobs,
                "digest": digest,
                "name": request.param("name"),
                "size": len(request.body),
                "at": time.time(),
            }
            self.jobs[job_id] = job
            self.blobs.setdefault(
                digest,
                {
                    "$type": "blob",
                    "ref": {"$link": "bafkrei" + digest[:52]},
                    "mimeType": "video/mp4",
                    "size": len(request.body),
                },
            )
            return Reply(
                body={"jobStatus": {"jobId": job_id, "did": DID, "state": "JOB_STATE_CREATED"}}
            )
        return Reply(501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"})

    def _job_status(self, job: dict[str, Any]) -> dict[str, Any]:
        status: dict[str, Any] = {"jobId": job["jobId"], "did": DID}
        blob = self.blobs[job["digest"]]
        if job["duplicate"]:
            # docs/tutorials/video.mdx: already processed → an error *and* the blob.
            return {**status, "state": "JOB_STATE_FAILED", "error": "already_exists",
                    "message": "Video already processed", "blob": blob}  # fmt: skip
        if job["polls"] > 0:
            job["polls"] -= 1
            return {**status, "state": "JOB_STATE_ENCODING", "progress": 50}
        return {**status, "state": "JOB_STATE_COMPLETED", "blob": blob}
