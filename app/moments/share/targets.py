"""From a signed-in account to the target that posts for it."""

from __future__ import annotations

from collections.abc import Callable

from moments.core.errors import ShareError, ShareErrorKind
from moments.share.base import PostTarget
from moments.share.bluesky import BlueskyTarget
from moments.share.credentials import AccountStore
from moments.share.discord import DiscordTarget
from moments.share.mastodon import MastodonTarget

TargetFactory = Callable[[str], PostTarget]
"""Account key → target (the outbox takes one, so tests can build their own)."""


def open_target(store: AccountStore, key: str) -> PostTarget:
    """The target of account ``key``, its secrets read from the keyring. ShareError (AUTH)
    when the account is not signed in any more."""
    account = store.get(key)
    if account is None:
        raise ShareError(
            f"{key.split(':', 1)[-1]} is not signed in any more. Sign in again to post.",
            kind=ShareErrorKind.AUTH,
        )
    secrets = store.secrets(key)
    if account.platform == "mastodon":
        return MastodonTarget(account, secrets.get("access_token", ""))
    if account.platform == "bluesky":
        return BlueskyTarget(
            account, secrets, on_secrets=lambda new: store.update_secrets(key, new)
        )
    if account.platform == "discord":
        return DiscordTarget(
            account,
            secrets.get("webhook_url", ""),
            on_forum=lambda: (store.set_option(key, "forum", "1"), None)[1],
        )
    raise ShareError(f"Moments cannot post to {account.platform}.")


def target_factory(store: AccountStore) -> TargetFactory:
    return lambda key: open_target(store, key)
