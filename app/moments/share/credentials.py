"""Signed-in accounts: their secrets in the OS keyring, the rest in ``accounts.json``.

Secrets (tokens, app passwords, webhook URLs) go to the keyring through the ``keyring``
package, service ``moments``, one entry per account key, as JSON. They never reach
settings, logs or the library. The registry in the config folder keeps only what the share
panel lists: platform, server, handle, display name. Sign out removes both.

Without a usable keyring (``keyring_problem``), a store set ``session_only`` keeps the
accounts it signs in, and their secrets, in this process's memory until Moments quits:
nothing is written anywhere.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import keyring
import keyring.backends.fail
import keyring.errors

from moments.core.atomic import write_atomic
from moments.core.errors import ShareError, ShareErrorKind
from moments.core.paths import AppDirs

log = logging.getLogger(__name__)
T = TypeVar("T")

KEYRING_SERVICE = "moments"
PLATFORM_NAMES = {"mastodon": "Mastodon", "bluesky": "Bluesky", "discord": "Discord"}


@dataclass(frozen=True)
class Account:
    """A signed-in account, without its secrets."""

    platform: str
    """``mastodon``, ``bluesky`` or ``discord``."""
    server: str
    """Mastodon instance, Bluesky PDS (``https://host``); Discord: ``https://discord.com``."""
    handle: str
    """``alice`` on Mastodon, ``alice.bsky.social`` on Bluesky, the webhook id on Discord."""
    display_name: str = ""
    options: dict[str, str] = field(default_factory=dict)
    """Other non-secret settings (Bluesky's video service URL, Discord's channel)."""

    @property
    def key(self) -> str:
        """Stable id: ``mastodon:alice@mastodon.social``, ``bluesky:alice.bsky.social``."""
        host = self.server.split("://", 1)[-1]
        if self.platform == "mastodon":
            return f"mastodon:{self.handle}@{host}"
        return f"{self.platform}:{self.handle}"

    @property
    def label(self) -> str:
        """How the share panel names it: "@alice@mastodon.social"."""
        host = self.server.split("://", 1)[-1]
        if self.platform == "mastodon":
            return f"@{self.handle}@{host}"
        if self.platform == "bluesky":
            return f"@{self.handle}"
        return self.display_name or f"webhook {self.handle}"


class _SessionVault:
    """Accounts and secrets kept for this run only (no keyring): in memory, never written."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accounts: dict[str, Account] = {}
        self.secrets: dict[str, str] = {}


_SESSION = _SessionVault()


def keyring_problem() -> str | None:
    """None when the system keyring can keep secrets; else what is wrong, in a sentence."""
    try:
        backend = keyring.get_keyring()
        if isinstance(backend, keyring.backends.fail.Keyring):
            return "No system keyring is available to keep sign-ins."
        backend.get_password(KEYRING_SERVICE, "moments-keyring-check")
    except Exception as exc:  # noqa: BLE001 - backends raise their own types (D-Bus, OS)
        log.info("keyring unusable: %s: %s", type(exc).__name__, exc)
        return "The system keyring cannot be used (locked, or its service is not running)."
    return None


def keyring_backend_name() -> str:
    backend = keyring.get_keyring()
    return str(getattr(backend, "name", type(backend).__name__))


class AccountStore:
    """The accounts registry and their keyring entries. Thread safe."""

    def __init__(self, registry: Path | None = None) -> None:
        self.registry = registry or AppDirs.from_environment().config / "accounts.json"
        self._lock = threading.Lock()
        self.session_only = False
        """Sign-ins from now on are kept in memory until Moments quits (no keyring)."""

    def accounts(self) -> list[Account]:
        """Signed-in accounts, in the order they were added (this session's last)."""
        with self._lock:
            accounts = self._load()
        with _SESSION.lock:
            accounts.update({k: a for k, a in _SESSION.accounts.items() if k not in accounts})
        return list(accounts.values())

    def get(self, key: str) -> Account | None:
        with _SESSION.lock:
            if key in _SESSION.accounts:
                return _SESSION.accounts[key]
        with self._lock:
            return self._load().get(key)

    def save(self, account: Account, secrets: dict[str, str]) -> Account:
        """Add or replace ``account`` and its secrets."""
        if self.session_only:
            with _SESSION.lock:
                _SESSION.accounts[account.key] = account
                _SESSION.secrets[account.key] = json.dumps(secrets)
            log.info("signed in to %s as %s for this session", account.platform, account.key)
            return account
        self._set_secret(account.key, secrets)
        with self._lock:
            accounts = self._load()
            accounts[account.key] = account
            self._store(accounts)
        log.info("signed in to %s as %s", account.platform, account.key)
        return account

    def secrets(self, key: str) -> dict[str, str]:
        """The secrets of ``key``; ShareError (AUTH) when the keyring no longer has them."""
        stored = self._get_secret(key)
        try:
            value = json.loads(stored) if stored else None
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise ShareError(
                f"The sign-in of {key.split(':', 1)[-1]} is no longer in the system keyring. "
                "Sign in again.",
                kind=ShareErrorKind.AUTH,
            )
        return {str(k): str(v) for k, v in value.items()}

    def update_secrets(self, key: str, secrets: dict[str, str]) -> None:
        """Replace the secrets of a known account (refreshed tokens)."""
        self._set_secret(key, secrets)

    def set_option(self, key: str, name: str, value: str) -> Account | None:
        """Set one non-secret option of account ``key`` (None when it is gone)."""
        with _SESSION.lock:
            if key in _SESSION.accounts:
                kept = _SESSION.accounts[key]
                kept = dataclasses.replace(kept, options={**kept.options, name: value})
                _SESSION.accounts[key] = kept
                return kept
        with self._lock:
            accounts = self._load()
            account = accounts.get(key)
            if account is None:
                return None
            account = dataclasses.replace(account, options={**account.options, name: value})
            accounts[key] = account
            self._store(accounts)
        return account

    def sign_out(self, key: str) -> None:
        """Forget ``key`` and delete its keyring entry."""
        with _SESSION.lock:
            in_session = _SESSION.accounts.pop(key, None) is not None
            _SESSION.secrets.pop(key, None)
        if not in_session:
            with contextlib.suppress(_Missing):
                _keyring(keyring.delete_password, KEYRING_SERVICE, key)
        with self._lock:
            accounts = self._load()
            accounts.pop(key, None)
            self._store(accounts)
        log.info("signed out of %s", key)

    # Keyring entries that are not an account's (a Mastodon app's client secret).

    def app_secret(self, name: str) -> str | None:
        return self._get_secret(name)

    def set_app_secret(self, name: str, value: str) -> None:
        self._set_secret_text(name, value)

    def _set_secret(self, key: str, secrets: dict[str, str]) -> None:
        self._set_secret_text(key, json.dumps(secrets))

    def _set_secret_text(self, key: str, value: str) -> None:
        with _SESSION.lock:
            if self.session_only or key in _SESSION.secrets:
                _SESSION.secrets[key] = value
                return
        _keyring(keyring.set_password, KEYRING_SERVICE, key, value)

    def _get_secret(self, key: str) -> str | None:
        with _SESSION.lock:
            if key in _SESSION.secrets:
                return _SESSION.secrets[key]
        if self.session_only:
            return None
        return _keyring(keyring.get_password, KEYRING_SERVICE, key)

    def _load(self) -> dict[str, Account]:
        try:
            data: Any = json.loads(self.registry.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("accounts registry %s unreadable: %s", self.registry, exc)
            return {}
        accounts: dict[str, Account] = {}
        for item in data.get("accounts", []) if isinstance(data, dict) else []:
            try:
                account = Account(
                    platform=str(item["platform"]),
                    server=str(item["server"]),
                    handle=str(item["handle"]),
                    display_name=str(item.get("display_name", "")),
                    options={str(k): str(v) for k, v in dict(item.get("options", {})).items()},
                )
            except (KeyError, TypeError, ValueError):
                continue
            accounts[account.key] = account
        return accounts

    def _store(self, accounts: dict[str, Account]) -> None:
        data = {"version": 1, "accounts": [asdict(a) for a in accounts.values()]}
        write_atomic(self.registry, json.dumps(data, indent=2, ensure_ascii=False).encode())


class _Missing(Exception):
    """No such keyring entry (to delete)."""


def _keyring(call: Callable[..., T], *args: str) -> T:
    """``call(*args)``; any failure of the keyring backend (none installed, locked, D-Bus
    gone) becomes one ShareError the user can act on."""
    try:
        return call(*args)
    except keyring.errors.PasswordDeleteError as exc:
        raise _Missing() from exc
    except Exception as exc:  # backends raise their own types (D-Bus, OS)
        raise ShareError(
            "Moments cannot use the system keyring to keep your sign-in "
            "(on Linux: install and unlock GNOME Keyring or KWallet).",
            kind=ShareErrorKind.AUTH,
            details=f"{type(exc).__name__}: {exc}",
        ) from exc
