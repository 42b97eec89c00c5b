"""The share panel's "Post to" part: the signed-in accounts to post to, the text of the post
with each platform's own count (graphemes for Bluesky, live limits where the service says
them), the alt text, and a thread title when a Discord webhook posts to a forum channel
(each post there starts a thread). Accounts and limits are read in workers."""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from moments.core.errors import MomentsError
from moments.share.base import Limits, TextCount, compose_text, count_text
from moments.share.credentials import PLATFORM_NAMES, Account, AccountStore
from moments.share.discord import MAX_THREAD_NAME
from moments.share.targets import open_target
from moments.ui.common import TaskContext, TaskRunner

log = logging.getLogger(__name__)

ROLE_KEY = Qt.ItemDataRole.UserRole


class PostSection(QWidget):
    changed = Signal()
    """Accounts checked, text or alt text changed."""
    accounts_requested = Signal()
    """Open the accounts dialog."""

    def __init__(
        self, store: AccountStore | None, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("postSection")
        self.store = store
        self.tasks = tasks
        self._accounts: dict[str, Account] = {}
        self._limits: dict[str, Limits] = {}
        self._hashtags: tuple[str, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel("Post to"))
        head.addStretch(1)
        self.accounts_button = QPushButton("Accounts…")
        self.accounts_button.setAccessibleName("Sign in to Mastodon, Bluesky or Discord")
        self.accounts_button.clicked.connect(self.accounts_requested)
        head.addWidget(self.accounts_button)
        layout.addLayout(head)
        self.list = QListWidget()
        self.list.setAccessibleName("Accounts to post to")
        self.list.setMaximumHeight(80)
        self.list.itemChanged.connect(lambda _item: self._on_checked())
        layout.addWidget(self.list)
        self.empty = QLabel("No accounts yet: sign in to post directly.")
        self.empty.setObjectName("postEmpty")
        layout.addWidget(self.empty)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Text of the post")
        self.text.setPlaceholderText("What to say with the clip (hashtags are added)")
        self.text.setMaximumHeight(70)
        self.text.textChanged.connect(self._on_text)
        layout.addWidget(self.text)
        self.alt = QLineEdit()
        self.alt.setAccessibleName("Alt text: the clip described for people who cannot see it")
        self.alt.setPlaceholderText("Alt text: describe the clip for people who cannot see it")
        self.alt.textChanged.connect(lambda _t: self.changed.emit())
        layout.addWidget(self.alt)
        self.thread_row = QWidget()
        row = QHBoxLayout(self.thread_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Thread title"))
        self.thread_title = QLineEdit()
        self.thread_title.setObjectName("threadTitle")
        self.thread_title.setMaxLength(MAX_THREAD_NAME)
        self.thread_title.setAccessibleName("Thread title for the Discord forum channel")
        self.thread_title.setPlaceholderText("The Discord channel is a forum: name the thread")
        self.thread_title.textChanged.connect(self._on_text)
        row.addWidget(self.thread_title, 1)
        self.thread_row.setVisible(False)
        layout.addWidget(self.thread_row)
        self.counts = QLabel()
        self.counts.setObjectName("postCounts")
        self.counts.setWordWrap(True)
        layout.addWidget(self.counts)
        self.refresh_accounts()

    # -- accounts ------------------------------------------------------------------------------
    def refresh_accounts(self) -> None:
        store = self.store
        if store is None:
            self._show_accounts([])
            return
        self.tasks.run(
            lambda _ctx: store.accounts(),
            name="list accounts",
            context=self,
            on_success=self._show_accounts,
            on_error=lambda error: log.warning("accounts unreadable: %s", error),
        )

    def _show_accounts(self, accounts: list[Account]) -> None:
        checked = {a.key for a in self.checked_accounts()}
        self._accounts = {a.key: a for a in accounts}
        self.list.blockSignals(True)
        self.list.clear()
        for account in accounts:
            item = QListWidgetItem(f"{PLATFORM_NAMES.get(account.platform, '')} {account.label}")
            item.setData(ROLE_KEY, account.key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = account.key in checked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.list.setVisible(bool(accounts))
        self.empty.setVisible(not accounts)
        self._update_counts()
        self.changed.emit()

    def accounts(self) -> list[Account]:
        return list(self._accounts.values())

    def checked_accounts(self) -> list[Account]:
        keys = [
            str(self.list.item(i).data(ROLE_KEY))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]
        return [self._accounts[k] for k in keys if k in self._accounts]

    def set_checked(self, keys: list[str]) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            on = item.data(ROLE_KEY) in keys
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def limits(self, account: Account) -> Limits | None:
        """The service's own limits once read (None until then: the preset's apply)."""
        return self._limits.get(account.key)

    def _on_checked(self) -> None:
        store = self.store
        for account in self.checked_accounts():
            if account.key in self._limits or store is None:
                continue
            key = account.key

            def read(_ctx: TaskContext, key: str = key) -> Limits:
                return open_target(store, key).limits()

            self.tasks.run(
                read,
                name="read limits",
                context=self,
                on_success=partial(self._got_limits, key),
                on_error=lambda error: log.info("limits unknown: %s", error),
            )
        self._update_counts()
        self.changed.emit()

    def _got_limits(self, key: str, limits: Limits) -> None:
        self._limits[key] = limits
        self._update_counts()
        self.changed.emit()

    # -- text ----------------------------------------------------------------------------------
    def set_text(self, text: str, hashtags: tuple[str, ...]) -> None:
        """The post's text (without hashtags) and the hashtags, from the edits."""
        self._hashtags = hashtags
        if self.text.toPlainText() != text:
            self.text.blockSignals(True)
            self.text.setPlainText(text)
            self.text.blockSignals(False)
        self._update_counts()

    def post_text(self) -> str:
        return self.text.toPlainText().strip()

    def full_text(self) -> str:
        return compose_text(self.post_text(), self._hashtags)

    def alt_text(self) -> str:
        return self.alt.text().strip()

    def count_for(self, account: Account) -> TextCount:
        limits = self._limits.get(account.key)
        return count_text(limits if limits is not None else account.platform, self.full_text())

    def forum_accounts(self) -> list[Account]:
        """Checked Discord webhooks of forum channels: their posts need a thread title."""
        return [a for a in self.checked_accounts() if a.options.get("forum") == "1"]

    def thread_title_text(self) -> str:
        return self.thread_title.text().strip()

    def missing_title(self) -> list[Account]:
        """Forum webhooks checked while no thread title is typed (posting waits for one)."""
        return [] if self.thread_title_text() else self.forum_accounts()

    def over_limit(self) -> list[Account]:
        return [a for a in self.checked_accounts() if self.count_for(a).over]

    def _on_text(self) -> None:
        self._update_counts()
        self.changed.emit()

    def _update_counts(self) -> None:
        parts = []
        for account in self.checked_accounts():
            try:
                count = self.count_for(account)
            except (MomentsError, KeyError, ValueError) as exc:
                log.info("cannot count for %s: %s", account.key, exc)
                continue
            limit = f"/{count.limit}" if count.limit is not None else ""
            mark = " — too long" if count.over else ""
            parts.append(f"{account.label}: {count.used}{limit} {count.unit}{mark}")
        forum = self.forum_accounts()
        self.thread_row.setVisible(bool(forum))
        if forum and not self.thread_title_text():
            names = ", ".join(a.label for a in forum)
            parts.append(f"{names}: a forum channel — type a thread title")
        self.counts.setText(" · ".join(parts))
        over = any(self.count_for(a).over for a in self.checked_accounts())
        over = over or bool(self.missing_title())
        self.counts.setStyleSheet("color: #e06c5a" if over else "")
