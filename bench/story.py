"""``moments story check`` and ``walk`` on a 1,000-segment story (target ≤ 0.5 s each),
against reading and parsing the same file with ``json.loads`` alone (the floor). The
story is made here: 200 blocks of a scene, a choice, two branches and a variant picked by
state, four variables, two endings."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bench.common import median, scratch, table

BLOCKS = 200
TARGET_S = 0.5
RUNS = 5


def big_story(blocks: int = BLOCKS) -> dict[str, Any]:
    segments: dict[str, Any] = {}
    groups: dict[str, Any] = {}
    choices: dict[str, Any] = {}
    at = 0

    def segment(name: str, **rest: Any) -> None:
        nonlocal at
        segments[name] = {"start": at, "end": at + 4000, **rest}
        at += 4000

    for k in range(blocks):
        last = k == blocks - 1
        if k:
            segment(f"a{k}", next=f"b{k}", set={"visits": {"+": [{"var": "visits"}, 1]}})
            segment(f"e{k}", next=f"b{k}")
        else:
            segment("a0", next="b0")
        segment(f"b{k}", choice=f"c{k}", chapter=f"ch{k // 20}")
        choices[f"c{k}"] = {
            "prompt": f"Choice {k}?",
            "default": "random" if k % 7 == 0 else 0,
            "options": [
                {"label": "Left", "target": "good" if last else f"l{k}",
                 "set": {"flag": True, "mood": "bold"}},
                {"label": "Right", "target": "bad" if last else f"r{k}",
                 "set": {"flag": False, "mood": "shy"}},
                {"label": "Wait", "target": "good" if last else f"r{k}",
                 "condition": {">=": [{"var": "visits"}, 2]}, "set": {"mood": "calm"}},
            ],
        }  # fmt: skip
        if not last:
            segment(f"l{k}", next=f"g{k + 1}")
            segment(f"r{k}", next=f"g{k + 1}")
            groups[f"g{k + 1}"] = {"candidates": [
                {"segment": f"a{k + 1}", "condition": {"var": "flag"}},
                {"segment": f"e{k + 1}"},
            ]}  # fmt: skip
    segment("good", ending={"title": "Good"})
    segment("bad", ending={"title": "Bad", "kind": "go_back"})
    return {
        "format": 1,
        "title": "A thousand segments",
        "media": "film.mp4",
        "start": "a0",
        "state": {
            "flag": {"type": "bool", "default": False},
            "visits": {"type": "int", "default": 0, "min": 0, "max": 3},
            "mood": {"type": "enum", "values": ["calm", "bold", "shy"], "default": "calm"},
            "plays": {"type": "int", "default": 0, "max": 2, "persistent": True},
        },
        "segments": segments,
        "groups": groups,
        "choices": choices,
        "chapters": {f"ch{n}": {"title": f"Part {n + 1}"} for n in range(blocks // 20)},
    }


def _time(run: Any) -> tuple[float, float, Any]:
    """Median wall time, least CPU time (the machine may be shared), last result."""
    times, cpu, result = [], [], None
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = run()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return median(times), min(cpu), result


def main() -> None:
    from moments.core.story.check import check_story
    from moments.core.story.load import load_story
    from moments.core.story.walk import walk

    folder = scratch("story")
    doc = big_story()
    doc["segments"]["good"]["set"] = {"plays": {"+": [{"var": "plays"}, 1]}}
    doc["choices"]["c0"]["options"][2]["condition"] = {
        "or": [{">=": [{"var": "visits"}, 2]}, {">": [{"var": "plays"}, 0]}]
    }
    path = folder / "big.story.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    (folder / "film.mp4").write_bytes(b"")
    answers = ["0"] * BLOCKS
    floor, floor_cpu, _ = _time(lambda: json.loads(Path(path).read_text(encoding="utf-8")))
    check_s, check_cpu, problems = _time(lambda: check_story(path))
    load_s, load_cpu, _ = _time(lambda: load_story(path))
    walk_s, walk_cpu, result = _time(lambda: walk(load_story(path), answers))
    rows = [["json.loads (floor)", floor, floor_cpu, "", ""]]
    for name, wall, cpu in (("check (--no-media)", check_s, check_cpu),
                            ("load (the player's)", load_s, load_cpu),
                            ("load + walk", walk_s, walk_cpu)):  # fmt: skip
        rows.append([name, wall, cpu, wall / floor, wall / TARGET_S])
    table(
        f"story: {len(doc['segments'])} segments, {len(doc['choices'])} choices; "
        f"check found {len(problems)} problems; walk played {len(result.steps)} segments",
        ["", "median s", "least CPU s", "× json.loads", "× 0.5 s target"],
        rows,
    )


if __name__ == "__main__":
    main()
