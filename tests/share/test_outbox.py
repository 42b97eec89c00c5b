"""The outbox: posts kept in the library, sent, retried with backoff, surviving restarts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from moments.core.cancel import CancelToken
from moments.core.library import Library, PostState
from moments.core.moment import Moment, SourceRange
from moments.share import mastodon_auth
from moments.share.base import PostRequest
from moments.share.credentials import AccountStore
from moments.share.outbox import Outbox, request_of
from moments.share.targets import target_factory
from tests.support.fake_mastodon import FakeMastodon
from tests.support.fake_service import Reply


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with FakeMastodon(processing_polls=0) as server:
        yield server


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    library = Library(tmp_path / "data" / "library.sqlite3")
    yield library
    library.close()


@pytest.fixture
def moment_id(library: Library) -> int:
    moment = library.add_moment(Moment.new("/f.mkv", [SourceRange("/f.mkv", 0, 10)], 5.0))
    assert moment.id is not None
    return moment.id


def account_key(fake: FakeMastodon, store: AccountStore) -> str:
    return mastodon_auth.sign_in_with_token(store, fake.url, fake.new_token()).key


def test_a_post_is_sent_and_recorded(
    fake: FakeMastodon, store: AccountStore, library: Library, moment_id: int, clip: Path
) -> None:
    outbox = Outbox(library, target_factory(store))
    request = PostRequest(clip, "Hello", alt_text="alt", hashtags=("a",), visibility="private",
                          language="fr", size=(320, 180))  # fmt: skip
    post = outbox.enqueue(moment_id, account_key(fake, store), request)
    assert post.state is PostState.QUEUED and post.target == "mastodon"
    assert request_of(post) == request
    fractions: list[float] = []
    done = outbox.send(post.id, progress=fractions.append)
    assert done is not None and done.state is PostState.POSTED
    assert done.url == fake.statuses[0]["url"] and done.remote_id == "9000"
    assert done.progress == 1.0 and done.attempts == 1 and fractions[-1] == 1.0
    assert outbox.send(post.id) is None  # posted: nothing to do
    assert [p.id for p in library.list_posts(moment_id)] == [post.id]


def test_a_server_that_comes_back_gets_the_post(
    fake: FakeMastodon, store: AccountStore, library: Library, moment_id: int, clip: Path
) -> None:
    clock = Clock()
    outbox = Outbox(library, target_factory(store), clock=clock, backoff_base=30)
    outbox.enqueue(moment_id, account_key(fake, store), PostRequest(clip, "later"))
    fake.stop()
    (waiting,) = outbox.send_due()
    assert waiting.state is PostState.QUEUED and waiting.error_kind == "network"
    assert waiting.retryable and "could not reach Mastodon" in (waiting.error or "")
    assert waiting.next_try_at == clock.now + 30
    assert outbox.send_due() == []  # not due yet
    clock.now += 30
    (again,) = outbox.send_due()
    assert again.next_try_at == clock.now + 60  # doubled
    fake.start()  # same port: the server is back
    clock.now += 60
    (posted,) = outbox.send_due()
    assert posted.state is PostState.POSTED and posted.attempts == 3 and posted.error is None
    assert len(fake.statuses) == 1


def test_queued_posts_survive_a_restart(
    fake: FakeMastodon, store: AccountStore, tmp_path: Path, clip: Path
) -> None:
    path = tmp_path / "lib.sqlite3"
    first = Library(path)
    moment = first.add_moment(Moment.new("/f.mkv", [SourceRange("/f.mkv", 0, 10)], 5.0))
    assert moment.id is not None
    outbox = Outbox(first, target_factory(store))
    request = PostRequest(clip, "after the restart")
    queued = outbox.enqueue(moment.id, account_key(fake, store), request)
    interrupted = outbox.enqueue(moment.id, queued.account, PostRequest(clip, "half sent"))
    assert first.claim_post(interrupted.id)
    # The first try published the post but Moments stopped before recording it.
    half = first.get_post(interrupted.id)
    assert half is not None
    outbox._targets(half.account).post(request_of(half))
    first.close()

    second = Library(path)
    outbox = Outbox(second, target_factory(AccountStore(store.registry)))
    assert outbox.resume() == [interrupted.id]
    results = {post.id: post for post in outbox.send_due()}
    assert {p.state for p in results.values()} == {PostState.POSTED}
    assert set(results) == {queued.id, interrupted.id}
    texts = [status["content"] for status in fake.statuses]
    assert sorted(texts) == ["after the restart", "half sent"]  # the half-sent one only once
    second.close()


def test_retry_after_is_honoured(
    fake: FakeMastodon, store: AccountStore, library: Library, moment_id: int, clip: Path
) -> None:
    clock = Clock()
    outbox = Outbox(library, target_factory(store), clock=clock, backoff_base=30)
    post = outbox.enqueue(moment_id, account_key(fake, store), PostRequest(clip))
    fake.fail_next.append(("/api/v2/media", Reply(429, {"error": "Slow"}, {"Retry-After": "600"})))
    waiting = outbox.send(post.id)
    assert waiting is not None and waiting.error_kind == "rate-limited"
    assert waiting.next_try_at == clock.now + 600


def test_failures_a_retry_cannot_fix_stop_and_can_be_retried_by_hand(
    fake: FakeMastodon, store: AccountStore, library: Library, moment_id: int, clip: Path
) -> None:
    outbox = Outbox(library, target_factory(store))
    post = outbox.enqueue(moment_id, account_key(fake, store), PostRequest(clip))
    fake.tokens.clear()
    failed = outbox.send(post.id)
    assert failed is not None and failed.state is PostState.FAILED
    assert failed.error_kind == "auth" and not failed.retryable
    assert "Sign in again" in (failed.error or "") and outbox.due() == []
    fake.tokens.add(AccountStore(store.registry).secrets(post.account)["access_token"])
    outbox.retry(post.id)
    (posted,) = outbox.send_due()
    assert posted.state is PostState.POSTED and posted.attempts == 1


def test_giving_up_after_max_attempts(
    fake: FakeMastodon, store: AccountStore, library: Library, moment_id: int, clip: Path
) -> None:
    clock = Clock()
    outbox = Outbox(library, target_factory(store), clock=clock, max_attempts=2)
    post = outbox.enqueue(moment_id, account_key(fake, store), PostRequest(clip))
    fake.fail_next += [("/api/v2/media", Reply(500, {"error": "boom"}))] * 2
    outbox.send(post.id)
    clock.now += 10_000
    last = outbox.send(post.id)
    assert last is not None and last.state is PostState.FAILED and last.retryable


def test_a_missing_account_or_file_fails_clearly(
    store: AccountStore, library: Library, moment_id: int, tmp_path: Path
) -> None:
    outbox = Outbox(library, target_factory(store))
    post = outbox.enqueue(moment_id, "mastodon:ghost@m.example", PostRequest(tmp_path / "x.mp4"))
    failed = outbox.send(post.id)
    assert failed is not None and failed.state is PostState.FAILED
    assert failed.error == "ghost@m.example is not signed in any more. Sign in again to post."


def test_backoff_doubles_up_to_a_cap(library: Library, store: AccountStore) -> None:
    outbox = Outbox(library, target_factory(store), backoff_base=30, backoff_max=3600)
    assert [outbox.delay(n) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]
    assert outbox.delay(1, retry_after=90) == 90


def test_the_library_never_holds_a_token(
    fake: FakeMastodon, store: AccountStore, library: Library, moment_id: int, clip: Path
) -> None:
    outbox = Outbox(library, target_factory(store))
    key = account_key(fake, store)
    outbox.enqueue(moment_id, key, PostRequest(clip, "secret-free"))
    outbox.send_due()
    token = store.secrets(key)["access_token"]
    files = [library.path, library.path.with_name(library.path.name + "-wal")]
    assert not any(token.encode() in f.read_bytes() for f in files if f.exists())


def test_a_cancel_fails_the_post_but_not_when_moments_quits(
    fake: FakeMastodon, store: AccountStore, library: Library, moment_id: int, clip: Path
) -> None:
    outbox = Outbox(library, target_factory(store))
    key = account_key(fake, store)
    cancelled = CancelToken()
    cancelled.cancel()
    by_user = outbox.send(outbox.enqueue(moment_id, key, PostRequest(clip)).id, cancel=cancelled)
    assert by_user is not None and by_user.state is PostState.FAILED
    assert by_user.error == "Posting was cancelled."
    outbox.close()
    at_quit = outbox.send(outbox.enqueue(moment_id, key, PostRequest(clip)).id, cancel=cancelled)
    assert at_quit is not None and at_quit.state is PostState.QUEUED and at_quit.attempts == 0
    assert fake.statuses == []
