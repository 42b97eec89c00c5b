"""A small Lexicon validator for the AT Protocol schemas in tests/conformance/atproto/.

``Lexicons.check(ref, value)`` lists what in ``value`` breaks the schema ``ref``
(``app.bsky.feed.post``, ``com.atproto.repo.createRecord#input``…): types, required
properties, string lengths and graphemes, integer bounds, formats (did, handle, datetime,
record-key, tid, at-uri, language…), blobs, refs and open unions by ``$type``. Enough for
the requests Moments makes and the answers it reads; not a full implementation.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from moments.core.presets import grapheme_count

ROOT = Path(__file__).parents[1] / "conformance" / "atproto" / "lexicons"

FORMATS = {
    "did": re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$"),
    "handle": re.compile(
        r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
    ),
    "tid": re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$"),
    "record-key": re.compile(r"^(?!\.{1,2}$)[a-zA-Z0-9_~.:-]{1,512}$"),
    "datetime": re.compile(
        r"^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9](\.[0-9]{1,20})?"
        r"(Z|([+-][0-2][0-9]:[0-5][0-9]))$"
    ),
    "nsid": re.compile(r"^[a-zA-Z]([a-zA-Z0-9-]{0,62})?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})?)+$"),
    "at-uri": re.compile(r"^at://[^/\s]+(/[a-zA-Z0-9.-]+(/[a-zA-Z0-9_~.:-]{1,512})?)?$"),
    "cid": re.compile(r"^[a-zA-Z0-9+=]{8,256}$"),
    "uri": re.compile(r"^[a-z][a-z.+-]*:\S+$"),
    "language": re.compile(r"^(i|[a-z]{2,3})(-[a-zA-Z0-9]+)*$"),
}


def valid(format_name: str, value: str) -> bool:
    """Whether ``value`` has the syntax of ``format_name``."""
    if format_name == "at-identifier":
        return valid("did", value) or valid("handle", value)
    pattern = FORMATS.get(format_name)
    if pattern is None or not pattern.match(value):
        return pattern is None
    if format_name == "datetime":
        if value.endswith("-00:00"):
            return False
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
    if format_name == "handle":
        return len(value) <= 253
    if format_name == "did":
        return len(value) <= 2048
    return True


class Lexicons:
    def __init__(self, root: Path = ROOT) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        for path in root.rglob("*.json"):
            doc = json.loads(path.read_text(encoding="utf-8"))
            self.docs[doc["id"]] = doc

    def schema(self, ref: str) -> dict[str, Any]:
        """``nsid``, ``nsid#def``, or ``nsid#input``/``#output``/``#params`` of a method."""
        nsid, _, name = ref.partition("#")
        defs = self.docs[nsid]["defs"]
        if name in ("input", "output"):
            return dict(defs["main"][name]["schema"])
        if name == "params":
            return dict(defs["main"]["parameters"])
        main = defs[name or "main"]
        return dict(main["record"]) if main["type"] == "record" else dict(main)

    def check(self, ref: str, value: Any) -> list[str]:
        return self._check(self.schema(ref), value, ref.partition("#")[0], "$")

    def _check(self, schema: dict[str, Any], value: Any, nsid: str, where: str) -> list[str]:
        kind = schema["type"]
        if kind == "ref":
            target = schema["ref"]
            full = f"{nsid}{target}" if target.startswith("#") else target
            return self._check(self.schema(full), value, full.partition("#")[0], where)
        if kind == "union":
            if not isinstance(value, dict) or "$type" not in value:
                return [f"{where}: a union member needs $type"]
            refs = [f"{nsid}{r}" if r.startswith("#") else r for r in schema["refs"]]
            name = value["$type"]
            known = {r.removesuffix("#main") for r in refs}
            if name not in known:
                return [] if not schema.get("closed") else [f"{where}: {name} not in union"]
            return self._check(self.schema(name), value, name.partition("#")[0], where)
        if kind in ("object", "params"):
            if not isinstance(value, dict):
                return [f"{where}: not an object"]
            problems = [
                f"{where}.{k}: missing" for k in schema.get("required", []) if k not in value
            ]
            for key, sub in schema.get("properties", {}).items():
                if key in value and value[key] is not None:
                    problems += self._check(sub, value[key], nsid, f"{where}.{key}")
            return problems
        if kind == "array":
            if not isinstance(value, list):
                return [f"{where}: not an array"]
            problems = []
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                problems.append(f"{where}: more than {schema['maxLength']} items")
            for index, item in enumerate(value):
                problems += self._check(schema["items"], item, nsid, f"{where}[{index}]")
            return problems
        return self._scalar(schema, value, where)

    def _scalar(self, schema: dict[str, Any], value: Any, where: str) -> list[str]:
        kind = schema["type"]
        if kind == "string":
            if not isinstance(value, str):
                return [f"{where}: not a string"]
            problems = []
            if len(value.encode()) > schema.get("maxLength", 1 << 30):
                problems.append(f"{where}: over {schema['maxLength']} bytes")
            if grapheme_count(value) > schema.get("maxGraphemes", 1 << 30):
                problems.append(f"{where}: over {schema['maxGraphemes']} graphemes")
            if "format" in schema and not valid(schema["format"], value):
                problems.append(f"{where}: {value!r} is not a {schema['format']}")
            return problems
        if kind == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                return [f"{where}: not an integer"]
            low, high = schema.get("minimum"), schema.get("maximum")
            if (low is not None and value < low) or (high is not None and value > high):
                return [f"{where}: {value} out of range"]
            return []
        if kind == "boolean":
            return [] if isinstance(value, bool) else [f"{where}: not a boolean"]
        if kind == "blob":
            ok = isinstance(value, dict) and value.get("$type") == "blob"
            ok = ok and isinstance(value.get("ref"), dict) and "$link" in value["ref"]
            ok = (
                ok and isinstance(value.get("mimeType"), str) and isinstance(value.get("size"), int)
            )
            if ok and schema.get("accept") and value["mimeType"] not in schema["accept"]:
                return [f"{where}: {value['mimeType']} not accepted"]
            return [] if ok else [f"{where}: not a blob"]
        if kind in ("unknown", "cid-link", "bytes"):
            return []
        return [f"{where}: unknown type {kind}"]


LEXICONS = Lexicons()
