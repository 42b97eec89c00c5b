"""Done when (issue 14): a re-post of the same video to Bluesky, a lost answer on each
service, a 429 from each service and a redirecting Mastodon address all end in exactly one
published post or one clear error — never a duplicate, never a "failed" post that is online.
End to end: the Outbox, the real targets, the fakes rebuilt from the services' artefacts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from moments.core.library import Library, PostState
from moments.core.moment import Moment, SourceRange
from moments.share import bluesky, discord, mastodon, mastodon_auth
from moments.share.base import PostRequest
from moments.share.credentials import AccountStore
from moments.share.outbox import Outbox
from moments.share.targets import target_factory
from tests.support.fake_bluesky import FakeBluesky
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_mastodon import FakeMastodon
from tests.support.fake_service import FakeRedirect, Reply


class Clock:
    """The outbox's, the fake Mastodon's and the Mastodon target's time."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(mastodon, "time", clock, raising=False)
    return clock


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    library = Library(tmp_path / "library.sqlite3")
    yield library
    library.close()


@pytest.fixture
def moment_id(library: Library) -> int:
    moment = library.add_moment(Moment.new("/f.mkv", [SourceRange("/f.mkv", 0, 10)], 5.0))
    assert moment.id is not None
    return moment.id


@pytest.fixture
def outbox(library: Library, store: AccountStore, clock: Clock) -> Outbox:
    return Outbox(library, target_factory(store), clock=clock)


@pytest.fixture
def sky() -> Iterator[FakeBluesky]:
    with FakeBluesky(processing_polls=0) as server:
        yield server
        assert server.schema_problems == []


@pytest.fixture
def masto(clock: Clock) -> Iterator[FakeMastodon]:
    with FakeMastodon(processing_polls=0, clock=clock) as server:
        yield server


@pytest.fixture
def hook() -> Iterator[FakeDiscord]:
    with FakeDiscord() as server:
        yield server


def bluesky_key(sky: FakeBluesky, store: AccountStore) -> str:
    account = bluesky.sign_in(
        store, "alice.test", sky.app_password, pds=sky.url, video_service=sky.video_service.url
    )
    return account.key


def send_until_done(outbox: Outbox, clock: Clock, post_id: int, tries: int = 5) -> PostState:
    for _ in range(tries):
        post = outbox.library.get_post(post_id)
        assert post is not None
        if post.state in (PostState.POSTED, PostState.FAILED):
            return post.state
        clock.now = max(clock.now, post.next_try_at or clock.now)
        outbox.send(post_id)
    post = outbox.library.get_post(post_id)
    assert post is not None
    return post.state


# --- Bluesky ------------------------------------------------------------------------------------


def test_bluesky_a_repost_of_the_same_video_is_published(
    sky: FakeBluesky, store: AccountStore, outbox: Outbox, moment_id: int, clip: Path
) -> None:
    key = bluesky_key(sky, store)
    first = outbox.enqueue(moment_id, key, PostRequest(clip, "first", size=(320, 180)))
    second = outbox.enqueue(moment_id, key, PostRequest(clip, "again", size=(320, 180)))
    assert outbox.send(first.id).state is PostState.POSTED  # type: ignore[union-attr]
    again = outbox.send(second.id)
    assert again is not None and again.state is PostState.POSTED, again.error
    videos = {str(r["embed"]["video"]["ref"]) for r in sky.records.values()}
    assert len(sky.records) == 2 and len(videos) == 1  # the first upload's blob, reused


def test_bluesky_a_lost_create_record_answer_is_found_not_reposted(
    sky: FakeBluesky, store: AccountStore, outbox: Outbox, clock: Clock, moment_id: int, clip: Path
) -> None:
    key = bluesky_key(sky, store)
    post = outbox.enqueue(moment_id, key, PostRequest(clip, "once", size=(320, 180)))
    sky.lose_answer.append("/xrpc/com.atproto.repo.createRecord")
    sky.fail_next.append(("/xrpc/com.atproto.repo.getRecord", Reply(502, b"")))
    waiting = outbox.send(post.id)
    assert waiting is not None and waiting.state is PostState.QUEUED  # not "failed"
    assert send_until_done(outbox, clock, post.id) is PostState.POSTED
    done = outbox.library.get_post(post.id)
    assert done is not None and done.remote_id and done.remote_id.endswith(post.idempotency_key)
    assert len(sky.records) == 1
    assert len(sky.video_service.sent("/xrpc/app.bsky.video.uploadVideo")) == 1  # not again


def test_bluesky_a_taken_rkey_500_means_the_post_is_there(
    sky: FakeBluesky, store: AccountStore, clip: Path
) -> None:
    target = target_factory(store)(bluesky_key(sky, store))
    request = PostRequest(clip, "x", size=(320, 180))
    first = target.post(request)
    # The PDS answers 500 to the same rkey (mst.ts); not a retry, so no getRecord before.
    assert target.post(request) == first and len(sky.records) == 1
    assert len(sky.sent("/xrpc/com.atproto.repo.createRecord")) == 2
    assert sky.sent("/xrpc/com.atproto.repo.getRecord")  # asked after the 500


def test_bluesky_429_waits_for_the_reset_then_posts_once(
    sky: FakeBluesky, store: AccountStore, outbox: Outbox, clock: Clock, moment_id: int, clip: Path
) -> None:
    key = bluesky_key(sky, store)
    post = outbox.enqueue(moment_id, key, PostRequest(clip, "x", size=(320, 180)))
    reset = int(time.time()) + 900
    limited = Reply(
        429,
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        {"RateLimit-Limit": "5000", "RateLimit-Remaining": "0", "RateLimit-Reset": str(reset)},
    )
    sky.fail_next.append(("/xrpc/com.atproto.repo.createRecord", limited))
    waiting = outbox.send(post.id)
    assert waiting is not None and waiting.state is PostState.QUEUED
    assert waiting.next_try_at == pytest.approx(clock.now + 900, abs=30)
    assert send_until_done(outbox, clock, post.id) is PostState.POSTED
    assert len(sky.records) == 1


# --- Mastodon -----------------------------------------------------------------------------------


def mastodon_key(masto: FakeMastodon, store: AccountStore) -> str:
    return mastodon_auth.sign_in_with_token(store, masto.url, masto.new_token()).key


def test_mastodon_a_lost_status_answer_reuses_key_and_media(
    masto: FakeMastodon,
    store: AccountStore,
    outbox: Outbox,
    clock: Clock,
    moment_id: int,
    clip: Path,
) -> None:
    post = outbox.enqueue(moment_id, mastodon_key(masto, store), PostRequest(clip, "once"))
    masto.lose_answer.append("/api/v1/statuses")
    assert outbox.send(post.id).state is PostState.QUEUED  # type: ignore[union-attr]
    assert send_until_done(outbox, clock, post.id) is PostState.POSTED
    assert len(masto.statuses) == 1
    assert len(masto.sent("/api/v2/media")) == 1  # the uploaded media id was reused


def test_mastodon_a_lost_answer_retried_after_the_idempotency_hour_is_found(
    masto: FakeMastodon,
    store: AccountStore,
    outbox: Outbox,
    clock: Clock,
    moment_id: int,
    clip: Path,
) -> None:
    post = outbox.enqueue(moment_id, mastodon_key(masto, store), PostRequest(clip, "once"))
    masto.lose_answer.append("/api/v1/statuses")
    outbox.send(post.id)
    clock.now += 2 * 3600  # Moments was closed; Mastodon forgot the Idempotency-Key
    assert send_until_done(outbox, clock, post.id) is PostState.POSTED
    done = outbox.library.get_post(post.id)
    assert len(masto.statuses) == 1 and done is not None
    assert done.remote_id == masto.statuses[0]["id"]


def test_mastodon_429_waits_until_x_ratelimit_reset(
    masto: FakeMastodon,
    store: AccountStore,
    outbox: Outbox,
    clock: Clock,
    moment_id: int,
    clip: Path,
) -> None:
    post = outbox.enqueue(moment_id, mastodon_key(masto, store), PostRequest(clip, "x"))
    masto.media_limit = 0
    waiting = outbox.send(post.id)
    assert waiting is not None and waiting.state is PostState.QUEUED
    reset = clock.now + (1800 - clock.now % 1800)  # rack-attack's period end
    assert waiting.next_try_at == pytest.approx(reset, abs=2)
    masto.media_limit = 30
    assert send_until_done(outbox, clock, post.id) is PostState.POSTED
    assert len(masto.statuses) == 1


def test_mastodon_a_redirecting_address_posts_once_and_keeps_the_token_home(
    masto: FakeMastodon, store: AccountStore, outbox: Outbox, moment_id: int, clip: Path
) -> None:
    www = masto.url.replace("127.0.0.1", "localhost")  # example.social → www.example.social
    with FakeRedirect(www) as moved:
        account = mastodon_auth.sign_in_with_token(store, moved.url, masto.new_token())
        assert account.server == www
        post = outbox.enqueue(moment_id, account.key, PostRequest(clip, "moved"))
        assert outbox.send(post.id).state is PostState.POSTED  # type: ignore[union-attr]
    assert len(masto.statuses) == 1
    assert all("Authorization" not in r.headers for r in moved.requests)


# --- Discord ------------------------------------------------------------------------------------


def test_discord_a_lost_answer_is_one_clear_error_not_a_second_message(
    hook: FakeDiscord, store: AccountStore, outbox: Outbox, clock: Clock, moment_id: int, clip: Path
) -> None:
    key = discord.add_webhook(store, hook.webhook_url).key
    post = outbox.enqueue(moment_id, key, PostRequest(clip, "once"))
    hook.lose_answer.append("/api/")
    assert send_until_done(outbox, clock, post.id) is PostState.FAILED
    failed = outbox.library.get_post(post.id)
    assert failed is not None and "may be in the channel" in (failed.error or "")
    assert len(hook.messages) == 1
    outbox.retry(post.id)  # the user looked: not there (here it is, so: a second message)
    assert outbox.send(post.id).state is PostState.POSTED  # type: ignore[union-attr]


def test_discord_429_waits_for_retry_after_then_posts_once(
    hook: FakeDiscord, store: AccountStore, outbox: Outbox, clock: Clock, moment_id: int, clip: Path
) -> None:
    key = discord.add_webhook(store, hook.webhook_url).key
    post = outbox.enqueue(moment_id, key, PostRequest(clip, "x"))
    hook.rate_limit()
    waiting = outbox.send(post.id)
    assert waiting is not None and waiting.next_try_at == pytest.approx(clock.now + 65)
    assert send_until_done(outbox, clock, post.id) is PostState.POSTED
    assert len(hook.messages) == 1
