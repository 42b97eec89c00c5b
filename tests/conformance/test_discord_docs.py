"""Discord against its own documentation (discord/discord-api-docs, copied beside this
file): the example webhook object, the rate-limit responses, the forum error code."""

from __future__ import annotations

import json

import pytest

from moments.core.errors import ShareErrorKind
from moments.share import discord
from moments.share.http import Response
from tests.support.fake_discord import DOCS, doc_example, example_429, example_webhook


def test_the_example_webhook_is_what_add_webhook_reads() -> None:
    hook = example_webhook()
    assert {"id", "token", "channel_id", "guild_id", "name"} <= set(hook)
    url = f"https://discord.com/api/webhooks/{hook['id']}/{hook['token']}"
    assert discord.parse_webhook(url) == (
        f"https://discord.com/api/v10/webhooks/{hook['id']}/{hook['token']}",
        hook["id"],
    )


@pytest.mark.parametrize(
    ("heading", "wait"),
    [
        ("Example Exceeded User Rate Limit Response", 65),
        ("Example Exceeded Resource Rate Limit Response", 1337),
        ("Example Exceeded Global Rate Limit Response", 65),
    ],
)
def test_each_documented_429_waits_retry_after(heading: str, wait: float) -> None:
    reply = example_429(heading)
    response = Response(429, reply.headers, json.dumps(reply.body).encode())
    error = discord._error(response, "the video")
    assert error.kind is ShareErrorKind.RATE_LIMITED and error.retry_after == wait


def test_the_versions_and_codes_moments_relies_on_are_documented() -> None:
    codes = (DOCS / "opcodes-and-status-codes.mdx").read_text(encoding="utf-8")
    assert (
        f"| {discord.FORUM_NEEDS_THREAD_NAME} | "
        "Webhooks posted to forum channels must have a thread_name" in codes
    )
    webhook = (DOCS / "webhook.mdx").read_text(encoding="utf-8")
    assert (
        "If the webhook channel is a forum or media channel, you must provide either `thread_id`"
        in webhook
    )
    reference = (DOCS / "reference.mdx").read_text(encoding="utf-8")
    assert f"| {discord.API_VERSION}" in reference and "Available" in reference
    assert "files[n]" in reference and "payload_json" in reference
    assert doc_example("rate-limits.mdx", "Example Exceeded User Rate Limit Response")
