"""Bluesky: app-password sessions (refresh, sign in again), the video service upload with
service auth, processing jobs, the post record with facets in UTF-8 byte offsets, against a
fake PDS and video service on 127.0.0.1."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from moments.core.errors import ShareError, ShareErrorKind
from moments.share import bluesky, bluesky_session
from moments.share.base import PostRequest
from moments.share.bluesky import BlueskyTarget
from moments.share.credentials import Account, AccountStore
from moments.share.targets import open_target
from tests.support.fake_bluesky import DID, FakeBluesky, did_web
from tests.support.fake_service import Reply


@pytest.fixture
def fake() -> Iterator[FakeBluesky]:
    with FakeBluesky() as server:
        yield server
        assert server.schema_problems == []  # every answer was what the lexicons say


def sign_in(fake: FakeBluesky, store: AccountStore) -> Account:
    return bluesky.sign_in(
        store, "@alice.test", fake.app_password, pds=fake.url, video_service=fake.video_service.url
    )


def make_target(fake: FakeBluesky, store: AccountStore, **kwargs: float) -> BlueskyTarget:
    account = sign_in(fake, store)
    options = {"poll_first": 0.01, "poll_longest": 0.02, **kwargs}
    secrets = store.secrets(account.key)
    return BlueskyTarget(
        account, secrets, on_secrets=lambda s: store.update_secrets(account.key, s), **options
    )


def test_sign_in_with_an_app_password(fake: FakeBluesky, store: AccountStore) -> None:
    with pytest.raises(ShareError, match="refused the app password") as caught:
        bluesky.sign_in(store, "alice.test", "wrong", pds=fake.url)
    assert caught.value.kind is ShareErrorKind.AUTH
    account = sign_in(fake, store)
    assert account.key == "bluesky:alice.test" and account.label == "@alice.test"
    assert account.options == {"video_service": fake.video_service.url}
    secrets = store.secrets(account.key)
    assert secrets["app_password"] == fake.app_password and secrets["did"] == DID
    assert secrets["access_jwt"] in fake.access
    assert fake.app_password not in store.registry.read_text()


def test_post_uploads_through_the_video_service_and_makes_the_record(
    fake: FakeBluesky, store: AccountStore, clip: Path
) -> None:
    target = make_target(fake, store)
    fractions: list[float] = []
    request = PostRequest(
        clip,
        "Ce moment 👩‍👩‍👧 là #café, voir https://example.com/x",
        alt_text="Colour bars and a beep",
        hashtags=("日本映画", "Moments"),
    )
    result = target.post(request, progress=fractions.append)

    (upload,) = fake.video_service.sent("/xrpc/app.bsky.video.uploadVideo")
    assert upload.param("did") == DID and upload.param("name") == clip.name
    assert upload.body == clip.read_bytes() and upload.headers["Content-Type"] == "video/mp4"
    token = upload.headers["Authorization"].removeprefix("Bearer ")
    assert fake.service_tokens[token] == (did_web(fake.url), "com.atproto.repo.uploadBlob")
    assert len(fake.video_service.sent("/xrpc/app.bsky.video.getJobStatus")) == 3

    (create,) = fake.sent("/xrpc/com.atproto.repo.createRecord")
    body = create.json()
    assert body["repo"] == DID and body["collection"] == "app.bsky.feed.post"
    assert body["rkey"] == request.idempotency_key
    record = body["record"]
    text = record["text"]
    assert text == ("Ce moment 👩‍👩‍👧 là #café, voir https://example.com/x\n\n#日本映画 #Moments")
    assert record["$type"] == "app.bsky.feed.post" and record["createdAt"].endswith("Z")
    assert record["embed"] == {
        "$type": "app.bsky.embed.video",
        "video": {
            "$type": "blob",
            "ref": {"$link": "bafkrei" + hashlib.sha256(clip.read_bytes()).hexdigest()[:52]},
            "mimeType": "video/mp4",
            "size": clip.stat().st_size,
        },
        "aspectRatio": {"width": 320, "height": 180},
        "alt": "Colour bars and a beep",
    }
    data = text.encode("utf-8")

    def span(needle: str) -> dict[str, int]:
        start = data.index(needle.encode("utf-8"))
        return {"byteStart": start, "byteEnd": start + len(needle.encode("utf-8"))}

    assert record["facets"] == [
        {
            "index": span("#café"),
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "café"}],
        },
        {
            "index": span("https://example.com/x"),
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/x"}],
        },
        {
            "index": span("#日本映画"),
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "日本映画"}],
        },
        {
            "index": span("#Moments"),
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Moments"}],
        },
    ]
    assert span("#café")["byteStart"] == len("Ce moment 👩‍👩‍👧 là ".encode())  # not a char index
    assert result.url == f"https://bsky.app/profile/alice.test/post/{request.idempotency_key}"
    assert result.remote_id == f"at://{DID}/app.bsky.feed.post/{request.idempotency_key}"
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_limits_come_from_the_video_service(fake: FakeBluesky, store: AccountStore) -> None:
    limits = make_target(fake, store).limits()
    assert (limits.text, limits.unit, limits.from_service) == (300, "graphemes", True)
    assert limits.max_video_size == 100_000_000 and limits.max_video_duration == 180
    (ask,) = fake.video_service.sent("/xrpc/app.bsky.video.getUploadLimits")
    aud, lxm = fake.service_tokens[ask.headers["Authorization"].removeprefix("Bearer ")]
    assert (aud, lxm) == (did_web(fake.video_service.url), "app.bsky.video.getUploadLimits")


def test_an_expired_session_is_refreshed_and_kept(
    fake: FakeBluesky, store: AccountStore, clip: Path
) -> None:
    account = sign_in(fake, store)
    before = store.secrets(account.key)
    fake.expire_access_tokens()
    target = open_target(store, account.key)
    assert isinstance(target, BlueskyTarget)
    target._poll = (0.01, 0.02, 10.0)
    target.post(PostRequest(clip, "refreshed", size=(16, 9)))
    assert len(fake.sent("/xrpc/com.atproto.server.refreshSession")) == 1
    after = store.secrets(account.key)
    assert after["access_jwt"] != before["access_jwt"] and after["access_jwt"] in fake.access


def test_when_the_refresh_token_is_gone_too_it_signs_in_again(
    fake: FakeBluesky, store: AccountStore, clip: Path
) -> None:
    target = make_target(fake, store)
    fake.expire_access_tokens()
    fake.refresh.clear()
    target.post(PostRequest(clip, "again", size=(16, 9)))
    assert len(fake.sent("/xrpc/com.atproto.server.createSession")) == 2


def test_a_retry_finds_the_post_instead_of_posting_twice(
    fake: FakeBluesky, store: AccountStore, clip: Path
) -> None:
    target = make_target(fake, store)
    request = PostRequest(clip, "only once", size=(16, 9))
    first = target.post(request)
    second = target.post(request)  # as after an answer lost on the way back
    assert first == second and len(fake.records) == 1


def test_text_over_300_graphemes_is_refused_before_uploading(
    fake: FakeBluesky, store: AccountStore, clip: Path
) -> None:
    target = make_target(fake, store)
    with pytest.raises(ShareError, match="301 characters long; Bluesky posts hold 300"):
        target.post(PostRequest(clip, "👍🏽" * 301))
    assert target.post(PostRequest(clip, "👍🏽" * 300)).url
    assert len(fake.video_service.sent("/xrpc/app.bsky.video.uploadVideo")) == 1


def test_can_upload_false_is_a_clear_error_with_its_reason(
    fake: FakeBluesky, store: AccountStore, clip: Path
) -> None:
    fake.can_upload = False
    fake.upload_refusal = ("Please confirm your email address", "unconfirmed_email")
    with pytest.raises(ShareError) as caught:
        make_target(fake, store).post(PostRequest(clip, size=(16, 9)))
    assert str(caught.value) == (
        "Bluesky will not take videos from this account now: "
        "Please confirm your email address (unconfirmed_email)."
    )
    assert caught.value.kind is ShareErrorKind.REFUSED and not caught.value.retryable
    assert fake.video_service.sent("/xrpc/app.bsky.video.uploadVideo") == []


def test_processing_failure_and_slowness(
    fake: FakeBluesky, store: AccountStore, clip: Path
) -> None:
    target = make_target(fake, store, processing_timeout=0.3)
    fake.processing_polls = 10_000
    with pytest.raises(ShareError, match="still processing") as slow:
        target.post(PostRequest(clip, size=(16, 9)))
    assert slow.value.retryable
    failed = Reply(
        body={
            "jobStatus": {
                "jobId": "job-1",
                "state": "JOB_STATE_FAILED",
                "error": "Video is not valid",
            }
        }
    )
    fake.video_service.fail_next.append(("/xrpc/app.bsky.video.getJobStatus", failed))
    with pytest.raises(ShareError, match="could not process the video: Video is not valid") as bad:
        target.post(PostRequest(clip, size=(16, 9)))
    assert not bad.value.retryable and fake.records == {}


def test_a_video_service_error_is_retryable(
    fake: FakeBluesky, store: AccountStore, clip: Path
) -> None:
    target = make_target(fake, store)
    fake.video_service.fail_next.append(
        ("/xrpc/app.bsky.video.uploadVideo", Reply(502, {"error": "BadGateway"}))
    )
    with pytest.raises(ShareError, match="error 502") as caught:
        target.post(PostRequest(clip, size=(16, 9)))
    assert caught.value.kind is ShareErrorKind.SERVER


def test_a_session_without_did_doc_resolves_the_did(
    fake: FakeBluesky, store: AccountStore, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.include_did_doc = False  # createSession's didDoc is optional (lexicon: unknown)
    monkeypatch.setattr(bluesky_session, "PLC_DIRECTORY", fake.url)
    entryway = fake.url.replace("127.0.0.1", "localhost")  # the PDS is not the entryway
    account = bluesky.sign_in(
        store, "alice.test", fake.app_password, pds=entryway, video_service=fake.video_service.url
    )
    assert store.secrets(account.key)["pds"] == fake.url
    assert fake.sent(f"/{DID}", "GET")  # asked the PLC directory
    target = open_target(store, account.key)
    target._poll = (0.01, 0.02, 10.0)  # type: ignore[attr-defined]
    assert target.post(PostRequest(clip, "resolved", size=(16, 9))).url
    (create,) = fake.sent("/xrpc/com.atproto.repo.createRecord")
    assert create.headers["Host"] == fake.url.removeprefix("http://")
