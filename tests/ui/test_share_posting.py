"""Posting from the share panel to local servers that speak Mastodon's, Bluesky's and
Discord's protocols: one click posts the moment everywhere with its text and hashtags; a
post made while a server is down goes out by itself when it is back; the hand-off for X
copies the text, shows the file and opens the compose page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from pytestqt.qtbot import QtBot

from moments.core.library import Library
from moments.share import bluesky, discord, mastodon_auth
from moments.share.credentials import Account, AccountStore
from moments.share.outbox import Outbox
from moments.share.targets import target_factory
from moments.ui.common.tasks import TaskRunner
from moments.ui.editor.window import EditorWindow
from moments.ui.moments.panel import MomentsPanel
from moments.ui.share.outbox_service import OutboxService
from tests.support.fake_bluesky import FakeBluesky
from tests.support.fake_browser import FakeBrowser, fake_browser
from tests.support.fake_discord import FakeDiscord
from tests.support.fake_mastodon import FakeMastodon
from tests.support.framecode import CodedVideo
from tests.support.keyring_file import file_keyring
from tests.ui.test_editor import library, stored, wait_preview

__all__ = ["fake_browser", "library"]


class Services:
    def __init__(self, tmp: Path) -> None:
        self.mastodon = FakeMastodon(processing_polls=1)
        self.bluesky = FakeBluesky(processing_polls=1)
        self.discord = FakeDiscord()
        self.store = AccountStore(tmp / "accounts.json")
        self.accounts: list[Account] = []


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    found = Services(tmp_path)
    with file_keyring(tmp_path / "keyring.json"), found.mastodon, found.bluesky, found.discord:
        store = found.store
        found.accounts = [
            mastodon_auth.sign_in_with_token(store, found.mastodon.url, found.mastodon.new_token()),
            bluesky.sign_in(
                store,
                "@alice.test",
                found.bluesky.app_password,
                pds=found.bluesky.url,
                video_service=found.bluesky.video_service.url,
            ),
            discord.add_webhook(store, found.discord.webhook_url, name="#clips"),
        ]
        yield found


class Opened(QObject):
    """Stands in for the browser and the file manager."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toEncoded().data().decode())


@pytest.fixture
def opened() -> Iterator[Opened]:
    catcher = Opened()
    for scheme in ("http", "https", "file"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher
    for scheme in ("http", "https", "file"):
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.fixture
def editor_with_outbox(
    qtbot: QtBot, library: Library, services: Services, coded_video: CodedVideo
) -> Iterator[tuple[EditorWindow, OutboxService]]:
    runner = TaskRunner()
    outbox = OutboxService(
        runner, Outbox(library, target_factory(services.store), backoff_base=0.3), interval_ms=150
    )
    outbox.start()
    moment = stored(library, coded_video, 2.0, 8.0)
    editor = EditorWindow(moment, library, runner, accounts=services.store, outbox=outbox)
    editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(editor)
    with qtbot.waitExposed(editor):
        editor.show()
    yield editor, outbox
    outbox.stop()
    editor.close()
    assert runner.wait(20_000)


def test_one_click_posts_to_mastodon_bluesky_and_discord(
    qtbot: QtBot, editor_with_outbox, services: Services
) -> None:
    editor, _outbox = editor_with_outbox
    wait_preview(qtbot, editor, lambda c: c >= 0)
    editor.model.set_hashtags(["#cinema", "#ココ"])
    panel = editor.share
    qtbot.waitUntil(lambda: panel.post.list.count() == 3, timeout=5000)
    panel.set_checked([])
    panel.post.set_checked([a.key for a in services.accounts])
    panel.post.text.setPlainText("What a scene 🎬")
    panel.post.alt.setText("A frame counter ticking up")
    counts = panel.post.counts.text()
    assert "/500 graphemes" in counts and "/300 graphemes" in counts, counts
    assert "/2000 characters" in counts
    assert panel.export_button.isEnabled() and panel.export_button.text() == "Post"
    panel.export_button.click()
    rows = panel.rows()
    assert len(rows) == 3
    qtbot.waitUntil(lambda: all(row.post_url for row in rows), timeout=90_000)

    (status,) = services.mastodon.statuses
    assert "What a scene 🎬" in str(status["content"]) and "#cinema" in str(status["content"])
    (post,) = [r for r in services.bluesky.records.values() if "embed" in r]
    assert post["text"].startswith("What a scene 🎬")
    assert post["embed"]["alt"] == "A frame counter ticking up"
    tags = {f["features"][0]["tag"] for f in post["facets"]}
    assert tags == {"cinema", "ココ"}
    (message,) = services.discord.messages
    assert "What a scene 🎬" in message["content"]
    library = editor.library
    assert library is not None and editor.model.moment.id is not None
    posts = library.list_posts(editor.model.moment.id)
    assert {p.state.value for p in posts} == {"posted"} and len(posts) == 3


def test_a_post_made_while_the_server_is_down_goes_out_when_it_is_back(
    qtbot: QtBot, editor_with_outbox, services: Services
) -> None:
    editor, outbox = editor_with_outbox
    panel = editor.share
    qtbot.waitUntil(lambda: panel.post.list.count() == 3, timeout=5000)
    panel.set_checked([])
    panel.post.set_checked([services.accounts[0].key])
    panel.post.text.setPlainText("Queued while offline")
    services.mastodon.stop()
    (row,) = panel.export_checked()
    qtbot.waitUntil(lambda: "Will try again" in row.status.text(), timeout=60_000)

    my_moments = MomentsPanel(editor.library, editor.tasks, outbox=outbox)  # type: ignore[arg-type]
    qtbot.addWidget(my_moments)
    my_moments.show()
    my_moments.refresh()
    qtbot.waitUntil(lambda: my_moments.list.count() == 1)
    my_moments.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: my_moments.posts.list.count() == 1)
    assert "waiting to be sent" in my_moments.posts.list.item(0).text()

    services.mastodon.start()
    qtbot.waitUntil(lambda: row.post_url is not None, timeout=30_000)
    assert [str(s["content"]) for s in services.mastodon.statuses] == ["Queued while offline"]
    qtbot.waitUntil(lambda: "posted" in my_moments.posts.list.item(0).text(), timeout=5000)


def test_hand_off_to_x(
    qtbot: QtBot,
    editor_with_outbox,
    services: Services,
    opened: Opened,
    fake_browser: FakeBrowser,
    tmp_path: Path,
) -> None:
    editor, _outbox = editor_with_outbox
    editor.model.set_hashtags(["#clip"])
    panel = editor.share
    editor.tabs.setCurrentWidget(panel)
    panel.folder.setText(str(tmp_path / "x"))
    panel.post.text.setPlainText("Look at this")
    panel.set_checked(["x"])
    (row,) = panel.export_checked()
    qtbot.waitUntil(lambda: row.path is not None, timeout=60_000)
    assert row.handoff_button.isVisible()
    row.handoff_button.click()
    assert QGuiApplication.clipboard().text() == "Look at this\n\n#clip"
    qtbot.waitUntil(lambda: "opens with the text filled in" in row.status.text(), timeout=5000)
    intent = [u for u in fake_browser.urls() if u.startswith("https://x.com/intent/post")]
    assert intent and "Look%20at%20this" in intent[0]
    assert any(u.startswith("file://") for u in opened.urls)  # the file shown in its folder


def test_a_discord_forum_webhook_asks_for_a_thread_title(
    qtbot: QtBot, editor_with_outbox, services: Services
) -> None:
    editor, _outbox = editor_with_outbox
    wait_preview(qtbot, editor, lambda c: c >= 0)
    services.discord.forum = True
    forum = services.store.set_option(services.accounts[2].key, "forum", "1")
    assert forum is not None
    panel = editor.share
    panel.post.refresh_accounts()
    qtbot.waitUntil(lambda: panel.post.list.count() == 3, timeout=5000)
    qtbot.waitUntil(lambda: panel.post.accounts()[2].options.get("forum") == "1", timeout=5000)
    panel.set_checked([])
    panel.post.set_checked([forum.key])
    panel.post.text.setPlainText("The bridge")
    panel.refresh()
    title = panel.post.thread_title
    assert title.isVisibleTo(panel.post) and "thread title" in panel.post.counts.text()
    assert not panel.export_button.isEnabled()  # a forum post needs its title
    title.setText("Best bridge scene")
    panel.refresh()
    assert panel.export_button.isEnabled() and "thread title" not in panel.post.counts.text()
    panel.export_button.click()
    (row,) = panel.rows()
    qtbot.waitUntil(lambda: row.post_url is not None, timeout=60_000)
    assert services.discord.threads == ["Best bridge scene"]
    panel.post.set_checked([services.accounts[0].key])
    panel.refresh()
    assert not title.isVisibleTo(panel.post)


def test_a_webhook_that_turns_out_to_be_a_forum_then_asks_for_a_title(
    qtbot: QtBot, editor_with_outbox, services: Services
) -> None:
    editor, _outbox = editor_with_outbox
    wait_preview(qtbot, editor, lambda c: c >= 0)
    services.discord.forum = True  # Discord answers 220001: the webhook object never says
    panel = editor.share
    qtbot.waitUntil(lambda: panel.post.list.count() == 3, timeout=5000)
    panel.set_checked([])
    panel.post.set_checked([services.accounts[2].key])
    panel.post.text.setPlainText("The bridge")
    panel.refresh()
    assert not panel.post.thread_title.isVisibleTo(panel.post)
    panel.export_button.click()
    (row,) = panel.rows()
    qtbot.waitUntil(lambda: "thread title" in row.status.text(), timeout=60_000)
    panel.post.set_checked([services.accounts[2].key])
    qtbot.waitUntil(lambda: panel.post.thread_title.isVisibleTo(panel.post), timeout=5000)
    assert services.discord.messages == []
