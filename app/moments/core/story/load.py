"""Reading a ``*.story.json``: size limits, the format version, the JSON Schema
(``resources/story.schema.json``, checked with jsonschema), then the model.

``load_story`` is what the player and ``walk`` use: it refuses a story that cannot play,
with one sentence (``StoryError``). ``read_document`` + ``schema_problems`` +
``build_story`` are the steps, for ``check``, which reports everything instead.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema_rs

from moments.core.errors import StoryError
from moments.core.paths import resources_dir
from moments.core.story.model import (
    FORMAT,
    Candidate,
    Chapter,
    Choice,
    Ending,
    EndingKind,
    Group,
    Option,
    Segment,
    Story,
    SwitchMode,
    Variable,
    VarType,
)
from moments.core.story.problems import Problem, error

MAX_BYTES = 32 * 2**20
MAX_SEGMENTS = 5_000
"""Bandersnatch has about 250; past this a story is refused with a clear message rather
than making the player and the path map crawl."""
MAX_CHOICES = 5_000
MAX_GROUPS = 5_000
MAX_VARIABLES = 500
MAX_SCHEMA_LINES = 50


def read_document(path: Path) -> dict[str, Any]:
    """The story file's JSON object; StoryError (code BAD_JSON/TOO_LARGE) when it is not one."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _refuse(
                error(
                    "TOO_LARGE",
                    f"“{name}” is {size / 2**20:.0f} MB; a story file may be "
                    f"at most {MAX_BYTES // 2**20} MB",
                )
            )
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise StoryError(f"The story “{name}” does not exist.", details=str(path)) from exc
    except IsADirectoryError as exc:
        raise StoryError(f"“{name}” is a folder, not a story file.") from exc
    except OSError as exc:
        raise StoryError(f"The story “{name}” cannot be read: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        raise _refuse(error("BAD_JSON", f"“{name}” is not UTF-8 text")) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"“{name}” is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise _refuse(error("BAD_JSON", message)) from exc
    except RecursionError as exc:
        raise _refuse(error("BAD_JSON", f"“{name}” is nested too deeply")) from exc
    if not isinstance(data, dict):
        raise _refuse(
            error(
                "BAD_JSON",
                f"“{name}” holds a JSON {type(data).__name__}, "
                "not an object with format, segments and choices",
            )
        )
    return data


def limit_problems(data: dict[str, Any]) -> list[Problem]:
    """The format version and the size limits, checked before the (slower) schema."""
    found = data.get("format")
    if isinstance(found, int) and not isinstance(found, bool) and found > FORMAT:
        return [
            error(
                "FORMAT",
                f"the story is in format {found}, made for a newer Moments; "
                f"this one reads format {FORMAT}",
            )
        ]
    problems = []
    for key, most in (
        ("segments", MAX_SEGMENTS),
        ("choices", MAX_CHOICES),
        ("groups", MAX_GROUPS),
        ("state", MAX_VARIABLES),
    ):
        count = len(data[key]) if isinstance(data.get(key), dict | list) else 0
        if count > most:
            problems.append(
                error(
                    "TOO_LARGE",
                    f"the story has {count:,} {_noun(key)}; Moments plays stories "
                    f"of at most {most:,}",
                )
            )
    return problems


def schema_problems(data: dict[str, Any]) -> list[Problem]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.instance_path])
    problems = [error("SCHEMA", _schema_message(e)) for e in errors[:MAX_SCHEMA_LINES]]
    if len(errors) > MAX_SCHEMA_LINES:
        more = len(errors) - MAX_SCHEMA_LINES
        problems.append(error("SCHEMA", f"… and {more} more schema errors"))
    return problems


@functools.cache
def _validator() -> Any:
    """jsonschema-rs: 2.5 ms for a 1,000-segment story where the pure-Python jsonschema
    takes 1.9 s (docs/architecture.md)."""
    schema = json.loads((resources_dir() / "story.schema.json").read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema)


ONE_OF_HINTS = {
    "condition": 'a condition is true, false or a JsonLogic rule such as {"var": "name"}',
    "default": 'a default is an option number from 0, or "random"',
    "disappear": 'a time in ms, or "end"',
    "media": "media is a file path, or an object of name → file path",
}


def _schema_message(exc: Any) -> str:
    path = [str(part) for part in exc.instance_path]
    where = "/".join(path) or "the top level"
    message = " ".join(str(exc.message).split())
    last = path[-1] if path else ""
    if "False schema does not allow" in message:
        message = f"“{last}” does not belong here"
    elif "under any of the schemas listed in the 'oneOf'" in message:
        key = path[-2] if len(path) > 1 and path[-2] == "set" else last
        hint = ONE_OF_HINTS.get(key, "a change sets a value or a JsonLogic rule")
        message = f"{_shown(exc.instance)} is not right here: {hint}"
    if len(message) > 160:
        message = message[:159] + "…"
    return f"at {where}: {message}"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def build_story(data: dict[str, Any], path: Path) -> Story:
    """The model of a schema-valid document (references are not resolved here)."""
    folder = path.parent
    raw_media = data.get("media")
    media: dict[str, Path] = {}
    if isinstance(raw_media, str):
        media["main"] = folder / raw_media
    elif isinstance(raw_media, dict):
        media.update({key: folder / value for key, value in raw_media.items()})
    segments = {}
    for sid, raw in data["segments"].items():
        named = raw.get("media")
        if named is None:
            key = next(iter(media)) if len(media) == 1 else ""
        elif named in media:
            key = named
        else:  # a file of its own
            key = named
            media.setdefault(named, folder / named)
        segments[sid] = _segment(sid, raw, key)
    first = next(iter(data["segments"]))
    return Story(
        path=path,
        start=data.get("start", first),
        media=media,
        variables={n: _variable(n, raw) for n, raw in data.get("state", {}).items()},
        segments=segments,
        groups={gid: _group(gid, raw) for gid, raw in data.get("groups", {}).items()},
        choices={cid: _choice(cid, raw) for cid, raw in data["choices"].items()},
        chapters={cid: Chapter(cid, raw["title"]) for cid, raw in data.get("chapters", {}).items()},
        title=data.get("title", ""),
        id=data.get("id", ""),
    )


def _segment(sid: str, raw: dict[str, Any], media: str) -> Segment:
    ending = raw.get("ending")
    return Segment(
        id=sid,
        media=media,
        start_ms=raw["start"],
        end_ms=raw["end"],
        title=raw.get("title", ""),
        next=raw.get("next"),
        choice=raw.get("choice"),
        ending=None
        if ending is None
        else Ending(
            id=ending.get("id", sid),
            title=ending.get("title", "") or raw.get("title", "") or sid,
            kind=EndingKind(ending.get("kind", "credits")),
        ),
        changes=raw.get("set", {}),
        chapter=raw.get("chapter"),
    )


def _variable(name: str, raw: dict[str, Any]) -> Variable:
    return Variable(
        name=name,
        type=VarType(raw["type"]),
        default=raw["default"],
        values=tuple(raw.get("values", ())),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        persistent=raw.get("persistent", False),
        description=raw.get("description", ""),
    )


def _group(gid: str, raw: dict[str, Any]) -> Group:
    candidates = tuple(Candidate(c["segment"], c.get("condition", True)) for c in raw["candidates"])
    return Group(gid, candidates, raw.get("title", ""))


def _choice(cid: str, raw: dict[str, Any]) -> Choice:
    options = tuple(
        Option(o["label"], o["target"], o.get("set", {}), o.get("condition", True))
        for o in raw["options"]
    )
    disappear = raw.get("disappear", "end")
    default = raw.get("default", 0)
    return Choice(
        id=cid,
        prompt=raw["prompt"],
        options=options,
        appear_ms=raw.get("appear"),
        disappear_ms=None if disappear == "end" else disappear,
        timer=raw.get("timer", True),
        default=None if default == "random" else default,
        switch=SwitchMode(raw.get("switch", "segment_end")),
    )


def parse_story(data: dict[str, Any], path: Path) -> tuple[Story | None, list[Problem]]:
    """Limits, schema, model: the story (None when the schema fails) and the problems."""
    problems = limit_problems(data)
    if problems:
        return None, problems
    problems = schema_problems(data)
    if problems:
        return None, problems
    return build_story(data, path), []


def load_story(path: Path, *, require_media: bool = True) -> Story:
    """A story ready to play. StoryError with one sentence when it cannot play: broken JSON,
    schema errors, broken references, a loop with no choice, missing media…"""
    from moments.core.story.structure import BLOCKING, structure_problems

    story, problems = parse_story(read_document(path), path)
    if story is not None:
        problems = [p for p in structure_problems(story) if p.code in BLOCKING]
        if require_media and not problems:
            problems = media_file_problems(story)
    if problems:
        raise _refuse(*problems)
    assert story is not None
    return story


def media_file_problems(story: Story) -> list[Problem]:
    used = {segment.media for segment in story.segments.values()}
    return [
        error(
            "MEDIA_MISSING",
            f"the media “{story.media[key].name}” is not there (looked for {story.media[key]})",
        )
        for key in sorted(used)
        if key in story.media and not story.media[key].is_file()
    ]


def _refuse(*problems: Problem) -> StoryError:
    first = problems[0]
    more = f" (and {len(problems) - 1} more: see “moments story check”)" if problems[1:] else ""
    return StoryError(
        f"This story cannot play: {first.message}{more}.",
        problems=tuple(str(p) for p in problems),
    )


def _noun(key: str) -> str:
    return {"state": "state variables"}.get(key, key)
