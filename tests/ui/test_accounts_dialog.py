"""The accounts dialog against local servers: a pasted Mastodon token, a Bluesky app
password, a Discord webhook; a wrong password says so; sign out removes the secrets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from moments.share.credentials import AccountStore
from moments.ui.common.tasks import TaskRunner
from moments.ui.share.accounts_dialog import AccountsDialog
from tests.support.fake_bluesky import FakeBluesky
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_mastodon import FakeMastodon
from tests.support.keyring_file import file_keyring


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path) -> Iterator[AccountsDialog]:
    runner = TaskRunner()
    with file_keyring(tmp_path / "keyring.json"):
        box = AccountsDialog(AccountStore(tmp_path / "accounts.json"), runner)
        qtbot.addWidget(box)
        box.show()
        yield box
        assert runner.wait(10_000)


def test_sign_in_everywhere_then_out(qtbot: QtBot, dialog: AccountsDialog, tmp_path: Path):
    with FakeMastodon() as mastodon, FakeBluesky() as sky, FakeDiscord() as disc:
        dialog.instance.setText(mastodon.url)
        dialog.token.setText(mastodon.new_token())
        dialog.token_button.click()
        qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=10_000)
        assert "Signed in" in dialog.status.text()

        dialog.handle.setText("alice.test")
        dialog.app_password.setText("wrong-password")
        dialog.pds.setText(sky.url)
        dialog.bluesky_button.click()
        qtbot.waitUntil(lambda: "app password" in dialog.status.text(), timeout=10_000)
        assert dialog.list.count() == 1
        dialog.app_password.setText(sky.app_password)
        dialog.bluesky_button.click()
        qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=10_000)

        dialog.webhook.setText(disc.webhook_url)
        dialog.webhook_name.setText("#clips")
        dialog.discord_button.click()
        qtbot.waitUntil(lambda: dialog.list.count() == 3, timeout=10_000)
        assert dialog.webhook.text() == "" and dialog.app_password.text() == ""

    keyring_file = (tmp_path / "keyring.json").read_text()
    assert disc.token in keyring_file  # secrets in the keyring …
    assert disc.token not in (tmp_path / "accounts.json").read_text()  # … not in the registry
    dialog.list.setCurrentRow(2)
    dialog.sign_out_button.click()
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=10_000)
    assert disc.token not in (tmp_path / "keyring.json").read_text()


def test_a_forum_webhook_is_added_as_one(qtbot: QtBot, dialog: AccountsDialog) -> None:
    with FakeDiscord() as disc:
        disc.forum = True
        dialog.webhook.setText(disc.webhook_url)
        dialog.webhook_forum.setChecked(True)
        dialog.discord_button.click()
        qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=10_000)
    (account,) = dialog.store.accounts()
    assert account.options["forum"] == "1"
