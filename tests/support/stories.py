"""Stories made in the tests: a JSON document written beside a placeholder media file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from moments.core.story import Story, load_story


def write_story(folder: Path, doc: dict[str, Any], name: str = "test.story.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    media = doc.get("media", "film.mp4")
    for file in [media] if isinstance(media, str) else list(media.values()):
        (folder / file).write_bytes(b"")
    path = folder / name
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return path


def story_of(folder: Path, doc: dict[str, Any]) -> Story:
    return load_story(write_story(folder, doc))


def branching() -> dict[str, Any]:
    """intro → choice “path” (forest / cave, the cave needs a torch) → a group whose variant
    depends on a bool set by the choice → ending good / false ending that goes back."""
    return copy.deepcopy(
        {
            "format": 1,
            "title": "Branching",
            "media": "film.mp4",
            "start": "intro",
            "state": {
                "brave": {"type": "bool", "default": False},
                "torch": {"type": "bool", "default": True},
                "score": {"type": "int", "default": 0, "min": 0, "max": 10},
                "mood": {"type": "enum", "values": ["calm", "scared"], "default": "calm"},
                "endings_seen": {"type": "int", "default": 0, "max": 9, "persistent": True},
            },
            "segments": {
                "intro": {"start": 0, "end": 10000, "next": "hall", "chapter": "one"},
                "hall": {"start": 10000, "end": 20000, "choice": "path", "chapter": "one"},
                "forest": {"start": 20000, "end": 30000, "next": "camp", "set": {"mood": "calm"}},
                "cave": {"start": 30000, "end": 40000, "next": "camp", "set": {"mood": "scared"}},
                "camp_brave": {"start": 40000, "end": 50000, "choice": "last"},
                "camp_plain": {"start": 50000, "end": 60000, "choice": "last"},
                "good": {
                    "start": 60000,
                    "end": 70000,
                    "set": {"endings_seen": {"+": [{"var": "endings_seen"}, 1]}},
                    "ending": {"title": "Home", "kind": "credits"},
                },
                "bad": {
                    "start": 70000,
                    "end": 75000,
                    "ending": {"title": "Lost", "kind": "go_back"},
                },
            },
            "groups": {
                "camp": {
                    "candidates": [
                        {"segment": "camp_brave", "condition": {"var": "brave"}},
                        {"segment": "camp_plain"},
                    ]
                }
            },
            "choices": {
                "path": {
                    "prompt": "Which way?",
                    "appear": -5000,
                    "default": 0,
                    "options": [
                        {"label": "Forest", "target": "forest"},
                        {
                            "label": "Cave",
                            "target": "cave",
                            "condition": {"var": "torch"},
                            "set": {"brave": True, "score": {"+": [{"var": "score"}, 3]}},
                        },
                    ],
                },
                "last": {
                    "prompt": "Go home?",
                    "default": 1,
                    "options": [
                        {"label": "Home", "target": "good"},
                        {"label": "Wander", "target": "bad"},
                        {
                            "label": "Rest by the fire",
                            "target": "good",
                            "condition": {
                                "and": [
                                    {">=": [{"var": "score"}, 3]},
                                    {"==": [{"var": "mood"}, "scared"]},
                                    {">": [{"var": "endings_seen"}, 0]},
                                ]
                            },
                        },
                    ],
                },
            },
            "chapters": {"one": {"title": "The start"}},
        }
    )
