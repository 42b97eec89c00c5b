"""A Bluesky (AT Protocol) session: XRPC calls to the user's PDS with an app password.

``com.atproto.server.createSession`` gives an access and a refresh token; when the access
token expires (``ExpiredToken``) the session refreshes itself once
(``com.atproto.server.refreshSession``), and when the refresh token is gone too it signs in
again with the app password. ``on_change`` gets the new secrets to keep in the keyring.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Callable
from typing import Any

from moments.core.cancel import CancelToken
from moments.core.errors import ShareError, ShareErrorKind
from moments.share.http import Body, Response, http_error, origin, send

log = logging.getLogger(__name__)

SERVICE = "Bluesky"
_EXPIRED = frozenset({"ExpiredToken", "InvalidToken"})


def xrpc(
    method: str,
    base: str,
    nsid: str,
    *,
    params: dict[str, str] | None = None,
    token: str | None = None,
    **kwargs: Any,
) -> Response:
    """One XRPC request to ``base`` (``https://host``)."""
    url = f"{base}/xrpc/{nsid}"
    if params:
        url += f"?{urllib.parse.urlencode(params)}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return send(method, url, service=SERVICE, headers=headers, log_as=f"/xrpc/{nsid}", **kwargs)


def xrpc_error(response: Response, doing: str, *, preset: str | None = None) -> ShareError:
    """The ShareError of an XRPC error answer, the service's reason kept: its ``message``
    and, for a refusal, its ``error`` code (``unconfirmed_email``)."""
    data = response.json()
    reason = ""
    if isinstance(data, dict):
        message, error = str(data.get("message") or ""), str(data.get("error") or "")
        reason = message or error
        if message and error and error not in message and response.status < 500:
            reason = f"{message.rstrip('.')} ({error})"
    return http_error(response, service=SERVICE, doing=doing, reason=reason, preset=preset)


class BlueskySession:
    """Tokens for one account, refreshed as needed. Not thread safe: one post at a time."""

    def __init__(
        self,
        entryway: str,
        identifier: str,
        secrets: dict[str, str],
        *,
        on_change: Callable[[dict[str, str]], None] | None = None,
    ) -> None:
        self.entryway = origin(entryway, SERVICE)
        self.identifier = identifier
        self._secrets = dict(secrets)
        self._on_change = on_change
        self.did = self._secrets.get("did", "")
        self.handle = identifier
        self.pds = self._secrets.get("pds") or self.entryway

    @property
    def secrets(self) -> dict[str, str]:
        return dict(self._secrets)

    def create(self, *, cancel: CancelToken | None = None) -> dict[str, Any]:
        """Sign in with the app password; returns the session answer."""
        password = self._secrets.get("app_password", "")
        body = Body.of_json({"identifier": self.identifier, "password": password})
        response = xrpc(
            "POST", self.entryway, "com.atproto.server.createSession", body=body, cancel=cancel
        )
        if response.status == 401 or _error_name(response) == "AuthenticationRequired":
            raise ShareError(
                f"Bluesky refused the app password for {self.identifier}. Check it (Settings → "
                "Privacy and security → App passwords) and sign in again.",
                kind=ShareErrorKind.AUTH,
            )
        if not response.ok:
            raise xrpc_error(response, "the sign-in")
        data = response.json()
        self._take(data)
        return dict(data)

    def call(self, method: str, nsid: str, **kwargs: Any) -> Response:
        """An authenticated XRPC call to the PDS, refreshing the session once if needed."""
        if not self._secrets.get("access_jwt"):
            self.create(cancel=kwargs.get("cancel"))
        response = xrpc(method, self.pds, nsid, token=self._secrets["access_jwt"], **kwargs)
        if response.status in (400, 401) and _error_name(response) in _EXPIRED:
            self._refresh(kwargs.get("cancel"))
            response = xrpc(method, self.pds, nsid, token=self._secrets["access_jwt"], **kwargs)
        return response

    def _refresh(self, cancel: CancelToken | None) -> None:
        refresh = self._secrets.get("refresh_jwt", "")
        response = xrpc(
            "POST", self.pds, "com.atproto.server.refreshSession", token=refresh, cancel=cancel
        )
        if response.ok:
            self._take(response.json())
            log.info("Bluesky session of %s refreshed", self.identifier)
            return
        if response.status in (400, 401):
            log.info("Bluesky refresh token of %s expired; signing in again", self.identifier)
            self.create(cancel=cancel)
            return
        raise xrpc_error(response, "to renew the sign-in")

    def _take(self, data: Any) -> None:
        if not isinstance(data, dict) or not data.get("accessJwt") or not data.get("did"):
            raise ShareError(
                "Bluesky answered the sign-in without a session.", kind=ShareErrorKind.SERVER
            )
        self.did = str(data["did"])
        self.handle = str(data.get("handle") or self.handle)
        did_doc = data.get("didDoc") or resolve_did(self.did)
        self.pds = _pds_from(did_doc) or self.pds
        self._secrets.update(
            access_jwt=str(data["accessJwt"]),
            refresh_jwt=str(data.get("refreshJwt", "")),
            did=self.did,
            pds=self.pds,
        )
        if self._on_change is not None:
            self._on_change(self.secrets)


PLC_DIRECTORY = "https://plc.directory"


def resolve_did(did: str, *, cancel: CancelToken | None = None) -> dict[str, Any] | None:
    """The DID document of ``did`` (``did:plc`` from the PLC directory, ``did:web`` from the
    host's ``/.well-known/did.json``), for a session answered without ``didDoc``; None when
    it cannot be had (the entryway is used then)."""
    if did.startswith("did:plc:"):
        url = f"{PLC_DIRECTORY}/{urllib.parse.quote(did, safe=':')}"
    elif did.startswith("did:web:"):
        host = urllib.parse.unquote(did.removeprefix("did:web:"))
        scheme = "http" if host.split(":")[0] in ("127.0.0.1", "localhost") else "https"
        url = f"{scheme}://{host}/.well-known/did.json"
    else:
        return None
    try:
        response = send("GET", url, service=SERVICE, cancel=cancel)
    except ShareError as exc:
        log.warning("could not resolve %s: %s", did, exc)
        return None
    data = response.json()
    return data if response.ok and isinstance(data, dict) else None


def did_web(base: str) -> str:
    """``did:web:host`` of a service at ``base`` (a port is written ``%3A``)."""
    netloc = urllib.parse.urlsplit(base).netloc
    return f"did:web:{netloc.replace(':', '%3A')}"


def _pds_from(did_doc: Any) -> str | None:
    """The ``#atproto_pds`` endpoint of a DID document, when it is a usable address."""
    if not isinstance(did_doc, dict):
        return None
    for service in did_doc.get("service", []) or []:
        if isinstance(service, dict) and str(service.get("id", "")).endswith("#atproto_pds"):
            try:
                return origin(str(service.get("serviceEndpoint", "")), SERVICE)
            except ShareError:
                log.warning("ignoring the PDS endpoint of the DID document: not https")
    return None


def _error_name(response: Response) -> str:
    data = response.json()
    return str(data.get("error", "")) if isinstance(data, dict) else ""
