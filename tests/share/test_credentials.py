"""Accounts: secrets in the keyring only, the rest in accounts.json; sign out forgets both."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring

from moments.core.errors import ShareError, ShareErrorKind
from moments.share.credentials import Account, AccountStore
from tests.support.keyring_file import FileKeyring


def test_accounts_keep_secrets_in_the_keyring(
    store: AccountStore, keyring_backend: FileKeyring
) -> None:
    mastodon = Account("mastodon", "https://mastodon.social", "alice", "Alice")
    bluesky = Account(
        "bluesky",
        "https://bsky.social",
        "alice.bsky.social",
        options={"video_service": "https://video.bsky.app"},
    )
    store.save(mastodon, {"access_token": "SECRET-1"})
    store.save(bluesky, {"app_password": "SECRET-2"})
    assert [a.key for a in store.accounts()] == [
        "mastodon:alice@mastodon.social",
        "bluesky:alice.bsky.social",
    ]
    assert mastodon.label == "@alice@mastodon.social" and bluesky.label == "@alice.bsky.social"
    assert store.secrets(mastodon.key) == {"access_token": "SECRET-1"}
    registry = store.registry.read_text()
    assert "SECRET" not in registry
    assert json.loads(registry)["accounts"][1]["options"] == {
        "video_service": "https://video.bsky.app"
    }
    assert "SECRET-1" in keyring_backend.path.read_text()

    reopened = AccountStore(store.registry)
    assert reopened.get(bluesky.key) == bluesky
    reopened.sign_out(mastodon.key)
    assert [a.key for a in reopened.accounts()] == [bluesky.key]
    assert "SECRET-1" not in keyring_backend.path.read_text()
    with pytest.raises(ShareError, match="Sign in again") as caught:
        reopened.secrets(mastodon.key)
    assert caught.value.kind is ShareErrorKind.AUTH
    reopened.sign_out(mastodon.key)  # twice is fine


def test_no_keyring_is_a_clear_error(store: AccountStore) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        with pytest.raises(ShareError, match="system keyring") as caught:
            store.save(Account("discord", "https://discord.com", "1"), {"webhook_url": "x"})
    finally:
        keyring.set_keyring(previous)
    assert caught.value.kind is ShareErrorKind.AUTH
    assert store.accounts() == []


def test_a_damaged_registry_lists_nothing(store: AccountStore) -> None:
    store.registry.parent.mkdir(parents=True)
    store.registry.write_text("{not json")
    assert store.accounts() == []


def test_without_a_keyring_a_sign_in_can_be_kept_for_this_session(store: AccountStore) -> None:
    from moments.share.credentials import keyring_problem

    assert keyring_problem() is None  # the test's file keyring works
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        problem = keyring_problem()
        assert problem is not None and "keyring" in problem and problem.endswith(".")
        store.session_only = True
        account = Account("mastodon", "https://mastodon.social", "alice")
        store.save(account, {"access_token": "SESSION-SECRET"})
        store.set_app_secret("app:mastodon.social", "APP-SECRET")
        assert store.accounts() == [account]
        other = AccountStore(store.registry)  # the outbox's store, same run
        assert other.secrets(account.key) == {"access_token": "SESSION-SECRET"}
        assert other.app_secret("app:mastodon.social") == "APP-SECRET"
        other.update_secrets(account.key, {"access_token": "REFRESHED"})
        assert store.secrets(account.key) == {"access_token": "REFRESHED"}
        assert not store.registry.exists() or "alice" not in store.registry.read_text()
        store.sign_out(account.key)
        assert store.accounts() == [] and other.accounts() == []
    finally:
        keyring.set_keyring(previous)
