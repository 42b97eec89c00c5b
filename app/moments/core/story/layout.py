"""Where each segment goes on the story's map: columns by how far into the story it plays
(longest path from the start, loops set aside), rows ordered to keep edges short. Shared by
``moments story graph`` (SVG) and the player's path map (painted by Qt)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, replace

from moments.core.story.model import Story

NODE_W, NODE_H = 200.0, 54.0
GAP_X, GAP_Y = 150.0, 26.0
MARGIN = 24.0

Point = tuple[float, float]


@dataclass(frozen=True)
class NodeBox:
    segment: str
    column: int
    row: int
    x: float
    y: float
    w: float = NODE_W
    h: float = NODE_H


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    """The option's label for a choice; empty for ``next``."""
    kind: str = "next"
    """``next``, ``choice``, or ``variant`` (one candidate of a group)."""
    back: bool = False
    """It goes to the same or an earlier column (a loop)."""
    points: tuple[Point, ...] = ()
    """Where a forward edge passes: from the source's right side, through the free slots of
    the columns it crosses, to the target's left side (empty for a back edge)."""


@dataclass(frozen=True)
class Layout:
    nodes: dict[str, NodeBox]
    edges: list[Edge]
    width: float
    height: float


def story_edges(story: Story) -> list[Edge]:
    edges: list[Edge] = []
    for segment in story.segments.values():
        if segment.next is not None:
            kind = "variant" if segment.next in story.groups else "next"
            edges += [Edge(segment.id, t, "", kind) for t in story.targets(segment.next)]
        choice = story.choices.get(segment.choice or "")
        if choice is not None:
            for option in choice.options:
                targets = story.targets(option.target)
                edges += [Edge(segment.id, t, option.label, "choice") for t in targets]
    return edges


def layout(story: Story) -> Layout:
    """Columns by longest path from the start, long edges given a slot in every column they
    cross (so they never run under a box), rows ordered by the mean row of their neighbours
    (a down and an up pass)."""
    edges = story_edges(story)
    following: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        following[edge.source].append(edge.target)
    back = _back_edges([*story.targets(story.start), *story.segments], following)
    column = _columns(story, edges, back)
    chains: list[list[str]] = []
    links: list[tuple[str, str]] = []
    for number, edge in enumerate(edges):
        if (edge.source, edge.target) in back:
            chains.append([])
            continue
        chain = [edge.source]
        for col in range(column[edge.source] + 1, column[edge.target]):
            slot = f"\0{number}:{col}"
            column[slot] = col
            chain.append(slot)
        chain.append(edge.target)
        links += list(itertools.pairwise(chain))
        chains.append(chain)
    rows = _rows(column, links)
    place = {n: (MARGIN + column[n] * (NODE_W + GAP_X), MARGIN + r * (NODE_H + GAP_Y))
             for n, r in rows.items()}  # fmt: skip
    nodes = {sid: NodeBox(sid, column[sid], rows[sid], *place[sid]) for sid in story.segments}
    placed = []
    for edge, chain in zip(edges, chains, strict=True):
        points: list[Point] = []
        if chain:
            (sx, sy), (tx, ty) = place[chain[0]], place[chain[-1]]
            points.append((sx + NODE_W, sy + NODE_H / 2))
            points += [(place[n][0] + NODE_W / 2, place[n][1] + NODE_H / 2) for n in chain[1:-1]]
            points.append((tx, ty + NODE_H / 2))
        placed.append(replace(edge, back=not chain, points=tuple(points)))
    width = MARGIN * 2 + (max(column.values(), default=0) + 1) * (NODE_W + GAP_X) - GAP_X
    height = MARGIN * 2 + (max(rows.values(), default=0) + 1) * (NODE_H + GAP_Y) - GAP_Y
    return Layout(nodes, placed, width, height + GAP_Y * 2)


def _back_edges(roots: list[str], following: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Edges that close a loop, found by an iterative depth-first search."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    back: set[tuple[str, str]] = set()
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(following[root]))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == 1:
                    back.add((node, child))
                elif child not in state:
                    state[child] = 1
                    stack.append((child, iter(following[child])))
                    break
            else:
                state[node] = 2
                stack.pop()
    return back


def _columns(story: Story, edges: list[Edge], back: set[tuple[str, str]]) -> dict[str, int]:
    """Longest path from the start over the forward edges (Kahn's order)."""
    incoming: dict[str, int] = {sid: 0 for sid in story.segments}
    forward: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        if (edge.source, edge.target) not in back and edge.target in incoming:
            forward[edge.source].append(edge.target)
            incoming[edge.target] += 1
    column = {sid: 0 for sid in story.segments}
    ready = [sid for sid, n in incoming.items() if n == 0]
    while ready:
        node = ready.pop()
        for child in dict.fromkeys(forward[node]):
            column[child] = max(column[child], column[node] + 1)
            incoming[child] -= forward[node].count(child)
            if incoming[child] == 0:
                ready.append(child)
    return column


def _rows(column: dict[str, int], links: list[tuple[str, str]]) -> dict[str, int]:
    """Rows within each column: by the mean row of the previous column's neighbours, then
    of the next column's, keeping the first order on ties."""
    before: dict[str, list[str]] = defaultdict(list)
    after: dict[str, list[str]] = defaultdict(list)
    for a, b in links:
        before[b].append(a)
        after[a].append(b)
    by_column: dict[int, list[str]] = defaultdict(list)
    for node, col in column.items():
        by_column[col].append(node)
    rows = {node: n for members in by_column.values() for n, node in enumerate(members)}
    order = sorted(by_column)
    for columns, neighbours in ((order[1:], before), (order[-2::-1], after)):
        for col in columns:
            members = by_column[col]

            def weight(node: str, neighbours: dict[str, list[str]] = neighbours) -> float:
                near = [rows[n] for n in neighbours[node]]
                return sum(near) / len(near) if near else float(rows[node])

            members.sort(key=lambda n: (weight(n), rows[n]))
            rows.update({node: n for n, node in enumerate(members)})
    return rows
