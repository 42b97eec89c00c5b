"""Bluesky against the AT Protocol's own artefacts: the interop syntax files check the
validator, the validator checks what Moments makes (TIDs, record keys, datetimes) and every
request body it sends (the fake PDS refuses any that breaks its lexicon, as the PDS does)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from moments.share import bluesky
from moments.share.base import PostRequest, new_idempotency_key
from moments.share.bluesky import _now_iso
from moments.share.credentials import AccountStore
from moments.share.targets import open_target
from tests.support.fake_bluesky import FakeBluesky
from tests.support.lexicon import LEXICONS, valid

SYNTAX = Path(__file__).parent / "atproto" / "syntax"
FORMATS = {"tid": "tid", "recordkey": "record-key", "datetime": "datetime", "did": "did"}
FORMATS["handle"] = "handle"


def lines(name: str) -> list[str]:
    text = (SYNTAX / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_the_validator_agrees_with_the_interop_files(kind: str) -> None:
    good, bad = lines(f"{kind}_syntax_valid.txt"), lines(f"{kind}_syntax_invalid.txt")
    assert good and bad
    assert [v for v in good if not valid(FORMATS[kind], v)] == []
    assert [v for v in bad if valid(FORMATS[kind], v)] == []


def test_idempotency_keys_are_tids_and_record_keys() -> None:
    keys = {new_idempotency_key() for _ in range(2000)}
    assert len(keys) == 2000
    assert all(valid("tid", k) and valid("record-key", k) for k in keys)


def test_created_at_is_an_atproto_datetime() -> None:
    assert valid("datetime", _now_iso())


@pytest.fixture
def sky() -> Iterator[FakeBluesky]:
    with FakeBluesky(processing_polls=1) as server:
        yield server


def test_every_request_and_answer_of_a_post_fits_the_lexicons(
    sky: FakeBluesky, store: AccountStore, clip: Path
) -> None:
    account = bluesky.sign_in(
        store, "alice.test", sky.app_password, pds=sky.url, video_service=sky.video_service.url
    )
    target = open_target(store, account.key)
    target._poll = (0.01, 0.02, 10.0)  # type: ignore[attr-defined]
    text = "Le pont 🌉 #cinéma voir bsky.app et https://example.com/a_(b) $MOMT"
    target.post(PostRequest(clip, text, alt_text="Un pont", hashtags=("日本",), language="fr"))
    (create,) = sky.sent("/xrpc/com.atproto.repo.createRecord")
    body = create.json()
    assert LEXICONS.check("com.atproto.repo.createRecord#input", body) == []
    assert LEXICONS.check("app.bsky.feed.post", body["record"]) == []
    kinds = [f["features"][0]["$type"].rsplit("#", 1)[1] for f in body["record"]["facets"]]
    assert kinds == ["tag", "link", "link", "tag", "tag"]
    assert sky.schema_problems == []
    assert LEXICONS.check("app.bsky.feed.post", {**body["record"], "text": "é" * 301}) != []
