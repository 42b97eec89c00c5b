"""A server address as people type it: a host, a URL, a handle — or a sentence saying
what is wrong, never a Python error."""

from __future__ import annotations

import pytest

from moments.core.errors import ShareError
from moments.share.http import origin
from moments.share.server_address import server_origin


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mastodon.social", "https://mastodon.social"),
        ("  Mastodon.Social  ", "https://mastodon.social"),
        ("https://mastodon.social/@alice", "https://mastodon.social"),
        ("mastodon.social/", "https://mastodon.social"),
        ("@alice@mastodon.social", "https://mastodon.social"),
        ("alice@fosstodon.org", "https://fosstodon.org"),
        ("éxample.social", "https://xn--xample-9ua.social"),
        ("social.example:8443", "https://social.example:8443"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("https://[::1]:9", "https://[::1]:9"),
    ],
)
def test_addresses_people_type(typed: str, expected: str) -> None:
    assert server_origin(typed, "Mastodon") == expected
    assert origin(typed, "Mastodon") == expected


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("mastodon .social", "space"),
        ("masto\tdon.social", "space"),
        ("mastodon.social\n", "mastodon.social"),  # a pasted line end is only trimmed
        ("foo\x00bar.social", "control character"),
        ("http://mastodon.social", "HTTPS"),
        ("ftp://mastodon.social", "web address"),
        ("mastodon..social", "not a server name"),
        ("-mastodon.social", "not a server name"),
        ("mast_odon!.social", "not a server name"),
        ("mastodon.social:99999", "port"),
        ("mastodon.social:http", "port"),
        ("https://[::1", "not a server name"),
        ("mastodon", "not a server name"),
        ("", "Type the server"),
        ("a" * 300 + ".social", "too long"),
    ],
)
def test_malformed_addresses_get_a_sentence(typed: str, says: str) -> None:
    if says == "mastodon.social":
        assert server_origin(typed, "Mastodon") == "https://mastodon.social"
        return
    with pytest.raises(ShareError) as caught:
        server_origin(typed, "Mastodon")
    message = str(caught.value)
    assert says in message
    assert message.endswith(".") and "Error" not in message and "\\" not in message
