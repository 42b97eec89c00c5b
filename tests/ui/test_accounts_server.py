"""The accounts dialog as a user types into it: a malformed server address gets a sentence
while typing (never a Python error or a traceback), and messages appearing never move the
fields under the pointer."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from moments.share.credentials import AccountStore
from moments.ui.common.tasks import TaskRunner
from moments.ui.share.accounts_dialog import AccountsDialog
from tests.support.fake_browser import FakeBrowser, fake_browser
from tests.support.fake_mastodon import FakeMastodon
from tests.support.keyring_file import file_keyring

__all__ = ["fake_browser"]  # fixture


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path) -> Iterator[AccountsDialog]:
    runner = TaskRunner()
    with file_keyring(tmp_path / "keyring.json"):
        box = AccountsDialog(AccountStore(tmp_path / "accounts.json"), runner)
        qtbot.addWidget(box)
        with qtbot.waitExposed(box):
            box.show()
        with qtbot.waitActive(box):
            box.activateWindow()
        yield box
        assert runner.wait(10_000)


def test_a_malformed_server_gets_a_sentence_while_typing(
    qtbot: QtBot, dialog: AccountsDialog, caplog: pytest.LogCaptureFixture
) -> None:
    qtbot.mouseClick(dialog.instance, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is dialog.instance
    token_at = dialog.token.mapTo(dialog, dialog.token.rect().topLeft())
    qtbot.keyClicks(dialog.instance, "mastodon .social")
    hint = dialog.instance_hint
    assert "space" in hint.text() and hint.text().endswith(".")
    assert not dialog.browser_button.isEnabled() and not dialog.token_button.isEnabled()
    assert dialog.token.mapTo(dialog, dialog.token.rect().topLeft()) == token_at  # nothing moved

    dialog.token.setText("some-token")
    qtbot.keyClick(dialog.token, Qt.Key.Key_Return)  # Enter does not send it either
    qtbot.wait(200)
    assert "Error" not in dialog.status.text() and "InvalidURL" not in dialog.status.text()

    dialog.instance.clear()
    qtbot.keyClicks(dialog.instance, "https://mastodon.social/@alice")
    assert hint.text() == "" and dialog.browser_button.isEnabled()
    dialog.instance.clear()
    qtbot.keyClicks(dialog.instance, "mastodon.social:http")
    assert "port" in hint.text() and not dialog.token_button.isEnabled()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def test_a_long_message_does_not_move_the_fields(qtbot: QtBot, dialog: AccountsDialog) -> None:
    fields = (dialog.instance, dialog.token, dialog.handle, dialog.app_password, dialog.webhook)
    before = [f.mapTo(dialog, f.rect().topLeft()) for f in fields]
    dialog.instance.setText("127.0.0.1:9")  # nothing listens there
    qtbot.keyClicks(dialog.token, "token")
    qtbot.mouseClick(dialog.token_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.token_button.isEnabled(), timeout=2000)
    qtbot.waitUntil(lambda: dialog.token_button.isEnabled(), timeout=20_000)
    assert dialog.status.text() and dialog.status.heightForWidth(dialog.status.width()) > 0
    dialog.status.setText(" ".join(["A long message that wraps onto several lines."] * 6))
    qtbot.wait(50)
    assert [f.mapTo(dialog, f.rect().topLeft()) for f in fields] == before


def test_without_a_keyring_the_dialog_offers_this_session_only(
    qtbot: QtBot, tmp_path: Path
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    from tests.support.fake_mastodon import FakeMastodon

    runner = TaskRunner()
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    store = AccountStore(tmp_path / "accounts.json")
    try:
        box = AccountsDialog(store, runner)
        qtbot.addWidget(box)
        with qtbot.waitExposed(box):
            box.show()
        qtbot.waitUntil(box.keyring_notice.isVisible)
        assert "keyring" in box.keyring_text.text()
        assert not box.token_button.isEnabled() and not box.bluesky_button.isEnabled()
        qtbot.mouseClick(box.session_only, Qt.MouseButton.LeftButton)
        assert box.token_button.isEnabled()
        with FakeMastodon() as mastodon:
            box.instance.setText(mastodon.url)
            qtbot.keyClicks(box.token, mastodon.new_token())
            qtbot.mouseClick(box.token_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: box.list.count() == 1, timeout=10_000)
        assert "until Moments quits" in box.status.text()
        (account,) = AccountStore(tmp_path / "accounts.json").accounts()  # the app's store too
        assert not (tmp_path / "accounts.json").exists()  # nothing written
        store.sign_out(account.key)
    finally:
        keyring.set_keyring(previous)
        assert runner.wait(10_000)


def test_sign_in_with_the_browser_says_when_no_browser_opened(
    qtbot: QtBot, dialog: AccountsDialog, fake_browser: FakeBrowser
) -> None:
    fake_browser.behave("none")
    with FakeMastodon() as server:
        dialog.instance.setText(server.url)
        qtbot.mouseClick(dialog.browser_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "No browser opened" in dialog.status.text(), timeout=10_000)
        (asked,) = fake_browser.urls()
        assert asked.startswith(server.url) and "/oauth/authorize" in asked
        assert asked in dialog.status.text() and "window that opened" not in dialog.status.text()
        dialog.reject()  # stops waiting for the approval
