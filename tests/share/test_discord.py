"""Discord webhooks: the URL's shape, the multipart upload, 413 → re-export, 429."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from moments.core.errors import ShareError, ShareErrorKind
from moments.media.export.engine import ExportRequest
from moments.share import discord
from moments.share.base import PostRequest
from moments.share.credentials import AccountStore
from moments.share.reexport import needs_reexport, reexport
from moments.share.targets import open_target
from tests.support.fake_discord import WEBHOOK_ID, FakeDiscord


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    with FakeDiscord() as server:
        yield server


@pytest.mark.parametrize(
    "url",
    [
        "https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz-_0123",
        "https://canary.discord.com/api/v10/webhooks/123456789012345678/abcdefghijklmnopqrstuvwx",
        "https://discordapp.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwx/",
    ],
)
def test_webhook_urls_are_recognised(url: str) -> None:
    assert discord.parse_webhook(url)[1] == "123456789012345678"


@pytest.mark.parametrize(
    "url",
    [
        "http://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwx",
        "https://discord.com.evil.example/api/webhooks/123456789012345678/abcdefghijklmnopqrstu",
        "https://discord.com/channels/123/456",
        "not a url",
    ],
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(ShareError, match="not a Discord webhook"):
        discord.parse_webhook(url)


def test_add_and_post(fake: FakeDiscord, store: AccountStore, clip: Path) -> None:
    with pytest.raises(ShareError, match="does not know this webhook"):
        discord.add_webhook(store, fake.webhook_url.replace(fake.token, "x" * 30))
    account = discord.add_webhook(store, fake.webhook_url)
    assert account.key == f"discord:{WEBHOOK_ID}" and account.label == "test webhook"
    assert fake.token not in store.registry.read_text()

    fractions: list[float] = []
    request = PostRequest(clip, "Regardez ça 🎬 @everyone", alt_text="Bars", hashtags=("Moments",))
    result = open_target(store, account.key).post(request, progress=fractions.append)
    (sent,) = fake.sent(fake.path, "POST")
    assert fake.versions == ["10", "10"]  # pasted without a version: sent to v10
    assert sent.param("wait") == "true"
    parts = sent.parts()
    payload = json.loads(parts["payload_json"][1])
    assert payload["content"] == "Regardez ça 🎬 @everyone\n\n#Moments"
    assert payload["allowed_mentions"] == {"parse": []}  # a caption never pings anyone
    assert payload["attachments"] == [{"id": 0, "filename": clip.name, "description": "Bars"}]
    assert parts["files[0]"][:2] == (clip.name, clip.read_bytes())
    guild = channel = "199737254929760256"  # webhook.mdx's example webhook
    assert result.url == f"https://discord.com/channels/{guild}/{channel}/{result.remote_id}"
    assert fractions[-1] == 1.0


def test_too_large_asks_for_a_discord_export(
    fake: FakeDiscord, store: AccountStore, clip: Path, tmp_path: Path
) -> None:
    target = open_target(store, discord.add_webhook(store, fake.webhook_url).key)
    big = tmp_path / "big.mp4"
    with big.open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)
    with pytest.raises(ShareError, match="larger than 10 MB") as known:
        target.post(PostRequest(big))
    assert needs_reexport(known.value) == "discord" and not known.value.retryable
    assert fake.sent(fake.path, "POST") == []

    fake.size_limit = 1000  # a server that takes less than we knew: HTTP 413
    with pytest.raises(ShareError, match="Export it again with the Discord preset") as refused:
        target.post(PostRequest(clip))
    assert refused.value.kind is ShareErrorKind.TOO_LARGE and refused.value.preset == "discord"


def test_rate_limited_as_the_docs_show(fake: FakeDiscord, store: AccountStore, clip: Path) -> None:
    target = open_target(store, discord.add_webhook(store, fake.webhook_url).key)
    fake.rate_limit()  # rate-limits.mdx: Retry-After 65, retry_after 64.57 in the body
    with pytest.raises(ShareError, match="slow down") as caught:
        target.post(PostRequest(clip))
    assert caught.value.kind is ShareErrorKind.RATE_LIMITED and caught.value.retry_after == 65


def test_a_forum_webhook_asks_for_a_thread_title(
    fake: FakeDiscord, store: AccountStore, clip: Path
) -> None:
    fake.forum = True
    account = discord.add_webhook(store, fake.webhook_url)
    with pytest.raises(ShareError, match=r"forum channel.*thread title") as caught:
        open_target(store, account.key).post(PostRequest(clip, "hi"))
    assert not caught.value.retryable and fake.messages == []
    assert store.get(account.key).options["forum"] == "1"  # type: ignore[union-attr]
    target = open_target(store, account.key)
    assert isinstance(target, discord.DiscordTarget) and target.forum
    with pytest.raises(ShareError, match="thread title"):
        target.post(PostRequest(clip, "hi"))  # known now: refused before uploading
    assert len(fake.sent(fake.path, "POST")) == 1
    result = target.post(PostRequest(clip, "hi", title="The bridge scene " + "x" * 200))
    assert fake.threads == [("The bridge scene " + "x" * 200)[:100]]
    assert result.remote_id == fake.messages[0]["id"]


def test_forum_is_said_when_adding(fake: FakeDiscord, store: AccountStore) -> None:
    account = discord.add_webhook(store, fake.webhook_url, forum=True)
    assert account.options["forum"] == "1"


def test_a_refused_file_is_exported_again_with_the_discord_preset(
    fake: FakeDiscord, store: AccountStore, clip: Path, tmp_path: Path
) -> None:
    target = open_target(store, discord.add_webhook(store, fake.webhook_url).key)
    fake.size_limit = 1000
    with pytest.raises(ShareError) as refused:
        target.post(PostRequest(clip))
    asked: list[str] = []

    def request_for(preset: str) -> ExportRequest:
        asked.append(preset)
        return ExportRequest(
            source=str(clip), start=0.0, end=1.0, destination=tmp_path / "again.mp4", preset=preset
        )

    result = reexport(refused.value, request_for)
    assert asked == ["discord"] and result.path.is_file() and result.size_bytes < 10 * 1024**2
    fake.size_limit = 10 * 1024 * 1024
    assert target.post(PostRequest(result.path)).url
