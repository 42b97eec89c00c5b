"""Mastodon: app registration, OAuth with PKCE through the loopback redirect, pasted tokens,
v2 media upload with processing, statuses with an idempotency key, and every failure kind,
against a fake instance on 127.0.0.1."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from moments.core.cancel import CancelToken
from moments.core.errors import CancelledError, ShareError, ShareErrorKind
from moments.share import mastodon_auth
from moments.share.base import PostRequest, count_text
from moments.share.credentials import Account, AccountStore
from moments.share.mastodon import MastodonTarget
from moments.share.oauth import s256
from tests.support.fake_mastodon import FakeMastodon
from tests.support.fake_service import Reply


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with FakeMastodon() as server:
        yield server


def make_target(fake: FakeMastodon, **kwargs: float) -> MastodonTarget:
    account = Account("mastodon", fake.url, "alice")
    options = {"poll_first": 0.01, "poll_longest": 0.02, **kwargs}
    return MastodonTarget(account, fake.new_token(), **options)


def browse(url: str) -> str:
    """What a browser does: follow the authorize page's redirect to our loopback server."""
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode()


def test_browser_sign_in_registers_the_app_and_proves_pkce(
    fake: FakeMastodon, store: AccountStore, keyring_backend
) -> None:
    flow = mastodon_auth.begin_sign_in(store, fake.url)
    (registration,) = fake.sent("/api/v1/apps")
    form = registration.form()
    redirect = form["redirect_uris"][0]
    assert redirect.startswith("http://127.0.0.1:") and redirect.endswith("/callback")
    assert form["scopes"] == ["read:accounts write:media write:statuses"]

    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(flow.authorize_url).query))
    assert query["code_challenge_method"] == "S256" and query["redirect_uri"] == redirect
    assert len(query["state"]) >= 24 and query["response_type"] == "code"
    assert "go back to Moments" in browse(flow.authorize_url)

    account = flow.finish(timeout=5)
    (exchange,) = fake.sent("/oauth/token")
    sent = {k: v[0] for k, v in exchange.form().items()}
    assert s256(sent["code_verifier"]) == query["code_challenge"]
    assert sent["grant_type"] == "authorization_code" and sent["redirect_uri"] == redirect
    assert account.key == f"mastodon:alice@127.0.0.1:{fake.port}"
    assert account.display_name == "Alice Ünïcode"
    assert [a.key for a in store.accounts()] == [account.key]
    token = store.secrets(account.key)["access_token"]
    assert token in fake.tokens
    assert token not in store.registry.read_text()

    # A second sign-in on the same instance reuses the registration (same port is free).
    again = mastodon_auth.begin_sign_in(store, fake.url)
    assert len(fake.sent("/api/v1/apps")) == 1
    assert again.app.redirect_uri == redirect
    again.close()


def test_a_wrong_pkce_verifier_is_refused(fake: FakeMastodon, store: AccountStore) -> None:
    flow = mastodon_auth.begin_sign_in(store, fake.url)
    browse(flow.authorize_url)
    flow._pkce = type(flow._pkce).new()  # not the verifier of the challenge sent
    with pytest.raises(ShareError, match="PKCE code verifier is wrong") as caught:
        flow.finish(timeout=5)
    assert not caught.value.retryable
    assert store.accounts() == []


def test_a_user_who_refuses_is_told_so(fake: FakeMastodon, store: AccountStore) -> None:
    flow = mastodon_auth.begin_sign_in(store, fake.url)
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(flow.authorize_url).query))["state"]
    query = urllib.parse.urlencode({"error": "access_denied", "state": state})
    browse(f"{flow.app.redirect_uri}?{query}")
    with pytest.raises(ShareError, match="You did not allow Moments") as caught:
        flow.finish(timeout=5)
    assert caught.value.kind is ShareErrorKind.AUTH


def test_waiting_for_the_browser_can_be_cancelled(fake: FakeMastodon, store: AccountStore) -> None:
    flow = mastodon_auth.begin_sign_in(store, fake.url)
    cancel = CancelToken()
    threading.Timer(0.3, cancel.cancel).start()
    with pytest.raises(CancelledError):
        flow.finish(cancel=cancel, timeout=30)
    with pytest.raises(urllib.error.URLError):  # the loopback port is closed again
        browse(flow.app.redirect_uri)


def test_pasted_token_is_verified(fake: FakeMastodon, store: AccountStore) -> None:
    with pytest.raises(ShareError, match="Sign in again") as caught:
        mastodon_auth.sign_in_with_token(store, fake.url, "not-a-token")
    assert caught.value.kind is ShareErrorKind.AUTH
    account = mastodon_auth.sign_in_with_token(store, fake.url, f"  {fake.new_token()}\n")
    assert account.handle == "alice" and store.get(account.key) == account
    (check,) = fake.sent("/api/v1/accounts/verify_credentials")[-1:]
    assert check.headers["Authorization"] == f"Bearer {store.secrets(account.key)['access_token']}"


def test_post_uploads_waits_for_processing_and_publishes(fake: FakeMastodon, clip: Path) -> None:
    target = make_target(fake)
    fractions: list[float] = []
    request = PostRequest(
        clip,
        "Watch this 🎬",
        alt_text="A test pattern, then a beep",
        hashtags=("Moments", "кино"),
        visibility="unlisted",
    )
    result = target.post(request, progress=fractions.append)

    (upload,) = fake.sent("/api/v2/media", "POST")
    parts = upload.parts()
    assert parts["file"][0] == clip.name and parts["file"][1] == clip.read_bytes()
    assert parts["file"][2] == "video/mp4"
    assert parts["description"][1].decode() == "A test pattern, then a beep"
    media_id = fake.statuses[0]["media_ids"][0]  # type: ignore[index]
    assert len(fake.sent(f"/api/v1/media/{media_id}")) == 3  # 206, 206, 200
    (status,) = fake.sent("/api/v1/statuses")
    form = status.form()
    assert form["status"] == ["Watch this 🎬\n\n#Moments #кино"]
    assert form["media_ids[]"] == [media_id] and form["visibility"] == ["unlisted"]
    assert status.headers["Idempotency-Key"] == request.idempotency_key
    assert result.url == f"{fake.url}/@alice/9000" and result.remote_id == "9000"
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 3


def test_limits_come_from_the_instance(fake: FakeMastodon) -> None:
    fake.max_characters, fake.video_size_limit = 11000, 200 * 1024 * 1024
    limits = make_target(fake).limits()
    assert (limits.text, limits.max_video_size, limits.from_service) == (11000, 200 << 20, True)
    assert limits.unit == "graphemes"
    count = count_text(limits, "👩‍👩‍👧 https://example.com/a/very/long/path @bob@other.example")
    assert count.used == 1 + 1 + 23 + 1 + 4  # family emoji, link as 23, @bob without domain


def test_limits_fall_back_to_the_preset_when_the_instance_is_away(fake: FakeMastodon) -> None:
    target = make_target(fake)
    fake.stop()
    limits = target.limits()
    assert limits.text == 500 and not limits.from_service


def test_a_retry_with_the_same_key_never_posts_twice(fake: FakeMastodon, clip: Path) -> None:
    target = make_target(fake)
    request = PostRequest(clip, "once")
    fake.fail_next.append(("/api/v1/statuses", Reply(503, {"error": "Service Unavailable"})))
    with pytest.raises(ShareError) as caught:
        target.post(request)
    assert caught.value.kind is ShareErrorKind.SERVER and caught.value.retryable
    first = target.post(request)
    second = target.post(request)  # the answer was lost, say: the outbox sends it again
    assert first == second and len(fake.statuses) == 1


def test_a_video_over_the_instance_limit_is_refused_before_uploading(
    fake: FakeMastodon, tmp_path: Path
) -> None:
    big = tmp_path / "big.mp4"
    with big.open("wb") as handle:
        handle.truncate(41 * 1024 * 1024)
    with pytest.raises(ShareError) as caught:
        make_target(fake).post(PostRequest(big, "too big"))
    error = caught.value
    assert str(error).startswith("Mastodon refused the video: it is larger than 40 MB")
    assert error.kind is ShareErrorKind.TOO_LARGE and error.preset == "mastodon"
    assert not error.retryable and fake.sent("/api/v2/media") == []


def test_http_413_is_too_large(fake: FakeMastodon, clip: Path) -> None:
    fake.enforced_size_limit = 1000
    with pytest.raises(ShareError, match="refused the video: it is too large") as caught:
        make_target(fake).post(PostRequest(clip))
    assert caught.value.kind is ShareErrorKind.TOO_LARGE and fake.statuses == []


def test_a_revoked_token_asks_to_sign_in_again(fake: FakeMastodon, clip: Path) -> None:
    target = make_target(fake)
    fake.tokens.clear()
    with pytest.raises(ShareError, match="Sign in again") as caught:
        target.post(PostRequest(clip))
    assert caught.value.kind is ShareErrorKind.AUTH and not caught.value.retryable


def test_429_says_when_to_try_again(fake: FakeMastodon, clip: Path) -> None:
    headers = {"Retry-After": "42"}
    fake.fail_next.append(("/api/v2/media", Reply(429, {"error": "Too many requests"}, headers)))
    with pytest.raises(ShareError, match=r"slow down.*in 42 s") as caught:
        make_target(fake).post(PostRequest(clip))
    assert caught.value.kind is ShareErrorKind.RATE_LIMITED and caught.value.retry_after == 42
    assert caught.value.retryable


def test_slow_processing_gives_up_retryably(fake: FakeMastodon, clip: Path) -> None:
    fake.processing_polls = 10_000
    with pytest.raises(ShareError, match="still processing") as caught:
        make_target(fake, processing_timeout=0.3).post(PostRequest(clip))
    assert caught.value.retryable and fake.statuses == []


def test_cancel_during_the_upload_stops_it(fake: FakeMastodon, tmp_path: Path) -> None:
    data = tmp_path / "two-mib.mp4"
    data.write_bytes(b"\0" * (2 * 1024 * 1024))
    cancel = CancelToken()

    def progress(fraction: float) -> None:
        if fraction > 0.2:
            cancel.cancel()

    with pytest.raises(CancelledError):
        make_target(fake).post(PostRequest(data), progress=progress, cancel=cancel)
    assert fake.statuses == []
    assert all(len(r.body) < data.stat().st_size for r in fake.sent("/api/v2/media"))


def test_cancel_while_the_server_processes(fake: FakeMastodon, clip: Path) -> None:
    fake.processing_polls = 10_000
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    with pytest.raises(CancelledError):
        make_target(fake).post(PostRequest(clip), cancel=cancel)
    assert fake.statuses == []


def test_an_unreachable_instance_is_a_network_error(fake: FakeMastodon, clip: Path) -> None:
    target = make_target(fake)
    target.limits()
    fake.stop()
    with pytest.raises(ShareError, match="could not reach Mastodon") as caught:
        target.post(PostRequest(clip))
    assert caught.value.kind is ShareErrorKind.NETWORK and caught.value.retryable


def test_plain_http_is_refused_except_to_this_computer() -> None:
    with pytest.raises(ShareError, match="only over HTTPS"):
        MastodonTarget(Account("mastodon", "http://mastodon.example", "alice"), "t")
    with pytest.raises(ShareError, match="only over HTTPS"):
        mastodon_auth.begin_sign_in(AccountStore(Path("/nonexistent/a.json")), "http://m.example")
