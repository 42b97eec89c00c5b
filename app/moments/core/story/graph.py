"""The story as a graph of segments, ignoring state: what may follow what."""

from __future__ import annotations

from collections import deque

from moments.core.story.model import Story


def successors(story: Story, segment_id: str) -> tuple[str, ...]:
    """Every segment that may play right after ``segment_id`` (any option, any candidate)."""
    segment = story.segments[segment_id]
    found: list[str] = []
    if segment.next is not None:
        found += story.targets(segment.next)
    choice = story.choices.get(segment.choice or "")
    if choice is not None:
        for option in choice.options:
            found += story.targets(option.target)
    return tuple(dict.fromkeys(found))


def reachable_segments(story: Story) -> set[str]:
    """The segments some path from the start reaches (conditions taken as possibly true)."""
    seen = set(story.targets(story.start))
    queue = deque(seen)
    while queue:
        for following in successors(story, queue.popleft()):
            if following not in seen:
                seen.add(following)
                queue.append(following)
    return seen


def choice_free_loops(story: Story) -> list[list[str]]:
    """Circles of segments joined by ``next`` alone (no choice on the way), each once, in
    the order they play; found with Tarjan's strongly connected components, iteratively."""
    edges = {
        sid: story.targets(s.next) if s.next is not None and s.choice is None else ()
        for sid, s in story.segments.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    loops: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            following = edges[node]
            if child < len(following):
                work.append((node, child + 1))
                nxt = following[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    loops.append(_in_play_order(component, edges))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return loops


def _in_play_order(component: list[str], edges: dict[str, tuple[str, ...]]) -> list[str]:
    members = set(component)
    first = min(component)
    order = [first]
    while True:
        following = [n for n in edges[order[-1]] if n in members and n not in order]
        if not following:
            return order
        order.append(following[0])
