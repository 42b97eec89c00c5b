"""Accounts to post to: sign in to Mastodon (in the browser, or with a pasted token), to
Bluesky (handle and app password), add a Discord webhook; sign out. Every network call
runs in a worker; secrets go to the OS keyring (``share/credentials``), never to settings.
Without a keyring, the dialog offers to keep sign-ins for this session only. Server
addresses are checked as they are typed; messages have room kept for them, so nothing
moves under the pointer when one appears."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from moments.core.errors import CancelledError, MomentsError
from moments.share import bluesky, discord, mastodon_auth
from moments.share.credentials import PLATFORM_NAMES, Account, AccountStore, keyring_problem
from moments.share.server_address import server_origin
from moments.ui.common import Task, TaskContext, TaskRunner, desktop

log = logging.getLogger(__name__)

ROLE_KEY = 0x0100


class AccountsDialog(QDialog):
    accounts_changed = Signal()

    def __init__(self, store: AccountStore, tasks: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle("Accounts — Moments")
        self.resize(560, 620)
        self.store = store
        self.tasks = tasks
        self._pending: Task | None = None
        self._flow: mastodon_auth.MastodonSignIn | None = None
        self._busy_now = False
        self._keyring_missing = False
        layout = QVBoxLayout(self)
        layout.addWidget(self._keyring_notice())
        layout.addWidget(QLabel("Post moments to these accounts:"))
        self.list = QListWidget()
        self.list.setAccessibleName("Signed-in accounts")
        layout.addWidget(self.list)
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.setAccessibleName("Sign out of the selected account")
        self.sign_out_button.clicked.connect(self._sign_out)
        layout.addWidget(self.sign_out_button)
        layout.addWidget(self._mastodon_box())
        layout.addWidget(self._bluesky_box())
        layout.addWidget(self._discord_box())
        self.status = _message_label("accountsStatus", lines=3)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()
        self.tasks.run(
            lambda _ctx: keyring_problem(),
            name="check the keyring",
            context=self,
            on_success=self._on_keyring_checked,
        )

    def _keyring_notice(self) -> QWidget:
        self.keyring_notice = QWidget()
        self.keyring_notice.setObjectName("keyringNotice")
        box = QVBoxLayout(self.keyring_notice)
        box.setContentsMargins(0, 0, 0, 0)
        self.keyring_text = QLabel()
        self.keyring_text.setWordWrap(True)
        self.session_only = QCheckBox("Keep sign-ins for this session only (until Moments quits)")
        self.session_only.setObjectName("sessionOnly")
        self.session_only.toggled.connect(self._on_session_only)
        box.addWidget(self.keyring_text)
        box.addWidget(self.session_only)
        self.keyring_notice.hide()
        return self.keyring_notice

    def _on_keyring_checked(self, problem: str | None) -> None:
        self._keyring_missing = problem is not None
        if problem is not None:
            self.keyring_text.setText(
                f"⚠️ {problem} Moments can keep your sign-ins in memory until it quits "
                "(you sign in again next time), or install and unlock GNOME Keyring or "
                "KWallet to keep them."
            )
        self.keyring_notice.setVisible(problem is not None)
        self._update_buttons()

    def _on_session_only(self, on: bool) -> None:
        self.store.session_only = on
        self._update_buttons()

    # -- boxes ---------------------------------------------------------------------------------
    def _mastodon_box(self) -> QGroupBox:
        box = QGroupBox("Mastodon")
        form = QFormLayout(box)
        self.instance = QLineEdit()
        self.instance.setPlaceholderText("mastodon.social")
        self.instance.setAccessibleName("Mastodon server")
        self.instance.textChanged.connect(lambda _t: self._update_buttons())
        form.addRow("Server", self.instance)
        self.instance_hint = _message_label("mastodonServerHint", lines=2)
        form.addRow("", self.instance_hint)
        self.browser_button = QPushButton("Sign in with the browser")
        self.browser_button.clicked.connect(self._mastodon_browser)
        form.addRow("", self.browser_button)
        token_row = QHBoxLayout()
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("or paste an access token")
        self.token.setAccessibleName("Mastodon access token")
        self.token_button = QPushButton("Use token")
        self.token_button.clicked.connect(self._mastodon_token)
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.token_button)
        form.addRow("Token", token_row)
        return box

    def _bluesky_box(self) -> QGroupBox:
        box = QGroupBox("Bluesky")
        form = QFormLayout(box)
        self.handle = QLineEdit()
        self.handle.setPlaceholderText("you.bsky.social")
        self.handle.setAccessibleName("Bluesky handle")
        self.app_password = QLineEdit()
        self.app_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.app_password.setPlaceholderText("Settings → Privacy and security → App passwords")
        self.app_password.setAccessibleName("Bluesky app password")
        self.pds = QLineEdit(bluesky.DEFAULT_PDS)
        self.pds.setAccessibleName("Bluesky server")
        self.pds.textChanged.connect(lambda _t: self._update_buttons())
        self.pds_hint = _message_label("blueskyServerHint", lines=2)
        self.bluesky_button = QPushButton("Sign in")
        self.bluesky_button.clicked.connect(self._bluesky)
        form.addRow("Handle", self.handle)
        form.addRow("App password", self.app_password)
        form.addRow("Server", self.pds)
        form.addRow("", self.pds_hint)
        form.addRow("", self.bluesky_button)
        return box

    def _discord_box(self) -> QGroupBox:
        box = QGroupBox("Discord")
        form = QFormLayout(box)
        self.webhook = QLineEdit()
        self.webhook.setEchoMode(QLineEdit.EchoMode.Password)
        self.webhook.setPlaceholderText("Channel settings → Integrations → Webhooks → Copy URL")
        self.webhook.setAccessibleName("Discord webhook URL")
        self.webhook_name = QLineEdit()
        self.webhook_name.setPlaceholderText("#clips on my server")
        self.webhook_name.setAccessibleName("Name for this webhook")
        self.webhook_forum = QCheckBox("Forum or media channel (each post starts a thread)")
        self.webhook_forum.setAccessibleName(
            "The webhook's channel is a forum or media channel: posts will ask for a thread title"
        )
        self.discord_button = QPushButton("Add webhook")
        self.discord_button.clicked.connect(self._discord)
        form.addRow("Webhook", self.webhook)
        form.addRow("Name", self.webhook_name)
        form.addRow("", self.webhook_forum)
        form.addRow("", self.discord_button)
        return box

    # -- state ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.list.clear()
        try:
            accounts = self.store.accounts()
        except MomentsError as exc:
            self._say(str(exc), error=True)
            accounts = []
        for account in accounts:
            item = QListWidgetItem(f"{PLATFORM_NAMES.get(account.platform, '')} {account.label}")
            item.setData(ROLE_KEY, account.key)
            self.list.addItem(item)
        self.sign_out_button.setEnabled(bool(accounts))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #e06c5a" if error else "")

    def _busy(self, busy: bool) -> None:
        self._busy_now = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        """Sign-in buttons work when nothing runs, the secrets have a place to go (the
        keyring, or this session) and the server address is one."""
        can = not self._busy_now and (not self._keyring_missing or self.session_only.isChecked())
        mastodon = _check_server(self.instance, self.instance_hint, "Mastodon")
        bluesky_ok = _check_server(self.pds, self.pds_hint, "Bluesky")
        for button in (self.browser_button, self.token_button):
            button.setEnabled(can and mastodon)
        self.bluesky_button.setEnabled(can and bluesky_ok)
        self.discord_button.setEnabled(can)

    def _run(self, what: str, fn: Callable[[TaskContext], Account]) -> None:
        self._busy(True)
        self._say(f"{what}…")
        self._pending = self.tasks.run(
            fn, name=what, context=self, on_success=self._signed_in, on_error=self._failed
        )

    def _signed_in(self, account: Account) -> None:
        self._busy(False)
        self._pending = None
        where = (
            "kept until Moments quits"
            if self.store.session_only
            else "secrets are kept in your system's keyring"
        )
        self._say(f"Signed in: {account.label}; {where}.")
        for field in (self.token, self.app_password, self.webhook):
            field.clear()
        self.refresh()
        self.accounts_changed.emit()

    def _failed(self, error: BaseException) -> None:
        self._busy(False)
        self._pending = None
        if isinstance(error, CancelledError):
            self._say("Sign-in cancelled.")
        elif isinstance(error, MomentsError):
            self._say(str(error), error=True)
        else:
            log.error("sign-in failed", exc_info=error)
            self._say("The sign-in failed unexpectedly; the log file has the details.", error=True)

    # -- actions -------------------------------------------------------------------------------
    def _mastodon_browser(self) -> None:
        instance = self.instance.text().strip() or "mastodon.social"
        store = self.store
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        def begin(ctx: TaskContext) -> mastodon_auth.MastodonSignIn:
            return mastodon_auth.begin_sign_in(store, instance, cancel=ctx.cancel)

        def opened(flow: mastodon_auth.MastodonSignIn) -> None:
            self._flow = flow
            self._say("Opening the browser to approve Moments…")
            desktop.open_in_browser(
                flow.authorize_url, self, lambda ok: self._browser_answered(flow, ok)
            )
            self._pending = self.tasks.run(
                lambda ctx: flow.finish(cancel=ctx.cancel),
                name="Mastodon sign-in",
                context=self,
                on_success=self._signed_in,
                on_error=self._failed,
                on_finished=self._close_flow,
            )

        self._busy(True)
        self._say(f"Contacting {instance}…")
        self.tasks.run(
            begin, name="Mastodon app", context=self, on_success=opened, on_error=self._failed
        )

    def _browser_answered(self, flow: mastodon_auth.MastodonSignIn, opened: bool) -> None:
        if flow is not self._flow:
            return  # finished or cancelled meanwhile
        if opened:
            self._say("Approve Moments in the browser window that opened; then come back.")
        else:
            address = flow.authorize_url
            self._say(f"No browser opened. Open this address in one to approve Moments: {address}")

    def _close_flow(self) -> None:
        if self._flow is not None:
            self._flow.close()
            self._flow = None

    def _mastodon_token(self) -> None:
        instance = self.instance.text().strip() or "mastodon.social"
        token, store = self.token.text(), self.store
        self._run(
            "Checking the token",
            lambda ctx: mastodon_auth.sign_in_with_token(store, instance, token, cancel=ctx.cancel),
        )

    def _bluesky(self) -> None:
        handle, password = self.handle.text(), self.app_password.text()
        pds, store = self.pds.text().strip() or bluesky.DEFAULT_PDS, self.store
        self._run(
            "Signing in to Bluesky",
            lambda ctx: bluesky.sign_in(store, handle, password, pds=pds, cancel=ctx.cancel),
        )

    def _discord(self) -> None:
        url, name, store = self.webhook.text(), self.webhook_name.text(), self.store
        forum = self.webhook_forum.isChecked()
        self._run(
            "Checking the webhook",
            lambda ctx: discord.add_webhook(store, url, name=name, forum=forum, cancel=ctx.cancel),
        )

    def _sign_out(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        key, store = str(item.data(ROLE_KEY)), self.store

        def signed_out(_result: object) -> None:
            self._say("Signed out; the secrets were removed from the keyring.")
            self.refresh()
            self.accounts_changed.emit()

        self.tasks.run(  # the keyring may answer slowly (D-Bus)
            lambda _ctx: store.sign_out(key),
            name="sign out",
            context=self,
            on_success=signed_out,
            on_error=self._failed,
        )

    def done(self, result: int) -> None:
        if self._pending is not None:
            self._pending.cancel()
        self._close_flow()
        super().done(result)


def _message_label(name: str, *, lines: int) -> QLabel:
    """A wrapped message with room kept for ``lines`` lines: text appearing moves nothing."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + 4)
    return label


def _check_server(field: QLineEdit, hint: QLabel, service: str) -> bool:
    """Show what is wrong with the address typed in ``field`` (empty: the default server)."""
    text = field.text()
    problem = ""
    if text.strip():
        try:
            server_origin(text, service)
        except MomentsError as exc:
            problem = str(exc)
    hint.setText(problem)
    hint.setStyleSheet("color: #d93025" if problem else "")
    hint.setToolTip(problem)
    field.setAccessibleDescription(problem)
    return not problem
