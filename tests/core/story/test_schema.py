"""resources/story.schema.json is a valid Draft 2020-12 schema, and jsonschema-rs (what
Moments validates with, for speed) agrees with the reference jsonschema on where a
document is wrong."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import jsonschema_rs
import pytest

from moments.core.paths import resources_dir
from tests.support.stories import branching

SCHEMA = json.loads((resources_dir() / "story.schema.json").read_text(encoding="utf-8"))


def _broken(change: str) -> dict[str, Any]:
    doc = branching()
    if change == "time":
        doc["segments"]["intro"]["start"] = "0"
    elif change == "options":
        doc["choices"]["path"]["options"] = doc["choices"]["path"]["options"] * 3
    elif change == "condition":
        doc["choices"]["path"]["options"][1]["condition"] = {"var": "a", "or": []}
    elif change == "variable":
        doc["state"]["mood"] = {"type": "enum", "default": "calm"}
    elif change == "name":
        doc["state"]["2fast"] = {"type": "bool", "default": False}
    elif change == "extra":
        doc["segments"]["intro"]["loop"] = True
    elif change == "ending":
        doc["segments"]["good"]["ending"] = {"kind": "sad"}
    return doc


def test_the_schema_is_valid_and_accepts_the_clean_story() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert jsonschema.Draft202012Validator(SCHEMA).is_valid(branching())
    assert jsonschema_rs.validator_for(SCHEMA).is_valid(branching())


@pytest.mark.parametrize(
    "change", ["time", "options", "condition", "variable", "name", "extra", "ending"]
)
def test_both_validators_find_the_same_places(change: str) -> None:
    doc = _broken(change)
    reference = {
        tuple(e.absolute_path) for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc)
    }
    ours = {tuple(e.instance_path) for e in jsonschema_rs.validator_for(SCHEMA).iter_errors(doc)}
    assert reference and ours == reference
