"""Nothing secret reaches the log: tokens, app passwords, webhook tokens, OAuth codes."""

from __future__ import annotations

import logging
import urllib.request
from pathlib import Path

import pytest

from moments.share import bluesky, discord, mastodon_auth
from moments.share.base import PostRequest
from moments.share.credentials import AccountStore
from moments.share.targets import open_target
from tests.support.fake_bluesky import FakeBluesky
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_mastodon import FakeMastodon


def test_signing_in_and_posting_logs_no_secret(
    store: AccountStore, clip: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets: list[str] = []
    with FakeMastodon() as mastodon, FakeBluesky() as sky, FakeDiscord() as hook:
        flow = mastodon_auth.begin_sign_in(store, mastodon.url)
        with urllib.request.urlopen(flow.authorize_url, timeout=10):
            pass
        account = flow.finish(timeout=5)
        open_target(store, account.key).post(PostRequest(clip, "m"))
        secrets += [store.secrets(account.key)["access_token"], flow.app.client_secret]
        secrets += list(mastodon._grants) + [
            r.form()["code"][0] for r in mastodon.sent("/oauth/token")
        ]

        account = bluesky.sign_in(
            store, "alice.test", sky.app_password, pds=sky.url, video_service=sky.video_service.url
        )
        target = open_target(store, account.key)
        target._poll = (0.01, 0.02, 10.0)  # type: ignore[attr-defined]
        target.post(PostRequest(clip, "b"))
        stored = store.secrets(account.key)
        secrets += [sky.app_password, stored["access_jwt"], stored["refresh_jwt"]]
        secrets += list(sky.service_tokens)

        account = discord.add_webhook(store, hook.webhook_url)
        open_target(store, account.key).post(PostRequest(clip, "d"))
        secrets.append(hook.token)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert len(caplog.records) > 10  # it did log the requests
    for secret in secrets:
        assert secret not in logged
    assert not any(secret in store.registry.read_text() for secret in secrets)
