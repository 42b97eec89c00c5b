"""Signing in to a Mastodon instance: OAuth authorization code + PKCE, or a pasted token.

The browser flow, in two worker calls with the browser in between::

    flow = begin_sign_in(store, "mastodon.social")   # registers the app (once per instance)
    open_browser(flow.authorize_url)                 # the UI, on the GUI thread
    account = flow.finish(cancel=token)              # waits for the redirect, gets the token

The app (``POST /api/v1/apps``) is registered once per instance with a loopback redirect
URI; its client id and secret are kept in the keyring and reused while that port is free.
"""

from __future__ import annotations

import json
import logging
import secrets
import urllib.parse
from dataclasses import dataclass

from moments.core.cancel import CancelToken
from moments.core.errors import ShareError, ShareErrorKind
from moments.share.credentials import Account, AccountStore
from moments.share.http import Body, Response, http_error, origin, send
from moments.share.oauth import LoopbackReceiver, Pkce

log = logging.getLogger(__name__)

SERVICE = "Mastodon"
SCOPES = "read:accounts write:media write:statuses"
APP_NAME = "Moments"


@dataclass(frozen=True)
class MastodonApp:
    """Moments as registered on one instance."""

    instance: str
    client_id: str
    client_secret: str
    redirect_uri: str


def discover(instance: str, *, cancel: CancelToken | None = None) -> str:
    """The instance's address after its redirects (``example.social`` may answer from
    ``www.example.social``): ``GET /api/v2/instance`` without credentials follows them."""
    base = origin(instance, SERVICE)
    response = send("GET", f"{base}/api/v2/instance", service=SERVICE, cancel=cancel)
    if response.ok and response.url:
        found = origin(response.url, SERVICE)
        if found != base:
            log.info("Mastodon instance %s answers from %s", _host(base), _host(found))
        return found
    if response.status in (301, 302, 303, 307, 308):
        moved = response.headers.get("Location", "another address")
        raise ShareError(f"{_host(base)} moved to {moved}, which Moments cannot follow.")
    return base


def register_app(
    instance: str, redirect_uri: str, *, cancel: CancelToken | None = None
) -> MastodonApp:
    """``POST /api/v1/apps`` on ``instance`` for ``redirect_uri``."""
    base = origin(instance, SERVICE)
    fields = [("client_name", APP_NAME), ("redirect_uris", redirect_uri), ("scopes", SCOPES)]
    response = send(
        "POST", f"{base}/api/v1/apps", service=SERVICE, body=Body.of_form(fields), cancel=cancel
    )
    if not response.ok:
        raise _error(response, "to register Moments")
    data = response.json()
    if not isinstance(data, dict) or not data.get("client_id") or not data.get("client_secret"):
        raise ShareError(
            f"{_host(base)} did not register Moments (no client id came back).",
            kind=ShareErrorKind.SERVER,
        )
    return MastodonApp(base, str(data["client_id"]), str(data["client_secret"]), redirect_uri)


class MastodonSignIn:
    """One browser sign-in in progress. ``finish()`` or ``close()`` ends it."""

    def __init__(self, store: AccountStore, app: MastodonApp, receiver: LoopbackReceiver) -> None:
        self._store = store
        self.app = app
        self._receiver = receiver
        self._pkce = Pkce.new()

    @property
    def authorize_url(self) -> str:
        """The page to open in the browser."""
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": self.app.client_id,
                "redirect_uri": self.app.redirect_uri,
                "scope": SCOPES,
                "state": self._receiver.state,
                "code_challenge": self._pkce.challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{self.app.instance}/oauth/authorize?{query}"

    def finish(self, *, cancel: CancelToken | None = None, timeout: float = 600.0) -> Account:
        """Wait for the browser's redirect, exchange the code, save the account."""
        code = self._receiver.wait(cancel=cancel, timeout=timeout)
        fields = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", self.app.client_id),
            ("client_secret", self.app.client_secret),
            ("redirect_uri", self.app.redirect_uri),
            ("code_verifier", self._pkce.verifier),
            ("scope", SCOPES),
        ]
        response = send(
            "POST",
            f"{self.app.instance}/oauth/token",
            service=SERVICE,
            body=Body.of_form(fields),
            cancel=cancel,
        )
        if response.status == 401:
            self._store.set_app_secret(_app_key(self.app.instance), "")  # register anew next time
        if not response.ok:
            reason = response.json().get("error_description") or response.json().get("error")
            raise _error(response, "the sign-in", str(reason or ""))
        token = str(response.json().get("access_token", ""))
        if not token:
            raise ShareError(
                f"{_host(self.app.instance)} signed you in but sent no token.",
                kind=ShareErrorKind.SERVER,
            )
        return _save(self._store, self.app.instance, token, cancel)

    def close(self) -> None:
        self._receiver.close()


def begin_sign_in(
    store: AccountStore, instance: str, *, cancel: CancelToken | None = None
) -> MastodonSignIn:
    """Register Moments on ``instance`` (or reuse the registration) and start listening for
    the browser's redirect on 127.0.0.1."""
    base = discover(instance, cancel=cancel)
    state = secrets.token_urlsafe(24)
    app = _cached_app(store, base)
    receiver = None
    if app is not None:
        port = urllib.parse.urlsplit(app.redirect_uri).port or 0
        try:
            receiver = LoopbackReceiver(state, port=port, service=SERVICE)
        except OSError:
            app = None  # that port is taken now: register with a new one
    if app is None or receiver is None:
        receiver = LoopbackReceiver(state, service=SERVICE)
        try:
            app = register_app(base, receiver.redirect_uri, cancel=cancel)
        except BaseException:
            receiver.close()
            raise
        store.set_app_secret(_app_key(base), json.dumps(app.__dict__))
    return MastodonSignIn(store, app, receiver)


def sign_in_with_token(
    store: AccountStore, instance: str, access_token: str, *, cancel: CancelToken | None = None
) -> Account:
    """Use a token made in the instance's settings (Development → New application)."""
    token = access_token.strip()
    if not token:
        raise ShareError("Paste the access token from your Mastodon settings first.")
    return _save(store, discover(instance, cancel=cancel), token, cancel)


def verify_credentials(
    instance: str, token: str, *, cancel: CancelToken | None = None
) -> dict[str, object]:
    """``GET /api/v1/accounts/verify_credentials``: the account the token belongs to."""
    response = send(
        "GET",
        f"{instance}/api/v1/accounts/verify_credentials",
        service=SERVICE,
        headers={"Authorization": f"Bearer {token}"},
        cancel=cancel,
    )
    if not response.ok:
        raise _error(response, "the access token", str(response.json().get("error", "")))
    data = response.json()
    if not isinstance(data, dict) or not data.get("username"):
        raise ShareError(
            f"{_host(instance)} did not say whose token this is.", kind=ShareErrorKind.SERVER
        )
    return data


def _save(store: AccountStore, instance: str, token: str, cancel: CancelToken | None) -> Account:
    me = verify_credentials(instance, token, cancel=cancel)
    account = Account("mastodon", instance, str(me["username"]), str(me.get("display_name") or ""))
    return store.save(account, {"access_token": token})


def _cached_app(store: AccountStore, base: str) -> MastodonApp | None:
    stored = store.app_secret(_app_key(base))
    try:
        data = json.loads(stored) if stored else None
        return MastodonApp(**data) if isinstance(data, dict) else None
    except (TypeError, ValueError):
        return None


def _app_key(base: str) -> str:
    return f"mastodon-app:{_host(base)}"


def _host(base: str) -> str:
    return urllib.parse.urlsplit(base).netloc


def _error(response: Response, doing: str, reason: str = "") -> ShareError:
    return http_error(response, service=SERVICE, doing=doing, reason=reason)
