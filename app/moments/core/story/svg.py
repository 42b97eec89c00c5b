"""The story's map as SVG, drawn from ``layout`` with nothing but the standard library:
boxes for segments (the start outlined, choices tinted, endings coloured by kind), arrows
for what follows (choices labelled with the option, group variants dashed, loops curved
below). With a ``StoryProgress``, what was seen is solid and the rest faded."""

from __future__ import annotations

import itertools
from xml.sax.saxutils import escape

from moments.core.story.layout import Edge, Layout, NodeBox, layout
from moments.core.story.model import EndingKind, Story
from moments.core.story.progress import StoryProgress

FILL = {"plain": "#eef1f6", "choice": "#dfe9ff", "start": "#e3f5e1"}
ENDING_FILL = {
    EndingKind.CREDITS: "#c9efcf",
    EndingKind.GO_BACK: "#ffe0c2",
    EndingKind.PLAY_AGAIN: "#d8dcff",
}
STYLE = """
text { font-family: 'DejaVu Sans', Arial, sans-serif; fill: #1d2230; }
.title { font-size: 13px; font-weight: 600; }
.sub { font-size: 10.5px; fill: #4a5266; }
.label { font-size: 10.5px; fill: #22325a; }
.halo { stroke: #ffffff; stroke-width: 3.5px; stroke-linejoin: round; fill: #ffffff; }
.edge { fill: none; stroke: #7b8497; stroke-width: 1.4; }
.choice { stroke: #3d64c8; }
.variant { stroke-dasharray: 5 4; }
.faded { opacity: 0.35; }
"""


def story_svg(
    story: Story, progress: StoryProgress | None = None, plan: Layout | None = None
) -> str:
    """``plan``: the story's ``layout``, when the caller has it already."""
    plan = plan or layout(story)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{plan.width:.0f}" height="{plan.height:.0f}" '
        f'viewBox="0 0 {plan.width:.0f} {plan.height:.0f}">',
        f"<title>{escape(story.display_title)}</title>",
        f"<style>{STYLE}</style>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#7b8497"/></marker></defs>',
        # Sizes in user units: QtSvg (the path map) takes "100%" as 100 px.
        f'<rect width="{plan.width:.0f}" height="{plan.height:.0f}" fill="#ffffff"/>',
    ]
    seen = set(progress.seen) if progress else None
    for edge in plan.edges:
        parts.append(_edge(plan, edge, seen))
    for box in plan.nodes.values():
        parts.append(_node(story, box, seen))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _edge(plan: Layout, edge: Edge, seen: set[str] | None) -> str:
    a, b = plan.nodes[edge.source], plan.nodes[edge.target]
    classes = ["edge"]
    if edge.kind == "choice":
        classes.append("choice")
    if edge.kind == "variant":
        classes.append("variant")
    if seen is not None and not (edge.source in seen and edge.target in seen):
        classes.append("faded")
    if edge.back:
        x1, y1 = a.x + a.w / 2, a.y + a.h
        x2, y2 = b.x + b.w / 2, b.y + b.h
        dip = max(y1, y2) + 30 + 6 * abs(a.column - b.column)
        path = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{dip:.1f} {x2:.1f},{dip:.1f} {x2:.1f},{y2:.1f}"
        mid = ((x1 + x2) / 2, dip - 6)
    else:
        points = edge.points
        path = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
        for (xa, ya), (xb, yb) in itertools.pairwise(points):
            bend = (xb - xa) / 2
            path += f" C{xa + bend:.1f},{ya:.1f} {xb - bend:.1f},{yb:.1f} {xb:.1f},{yb:.1f}"
        (xa, ya), (xb, yb) = points[0], points[1]
        t = 0.3 if edge.kind == "choice" else 0.5  # near its own choice, where it is unambiguous
        mid = (xa + (xb - xa) * t, ya + (yb - ya) * (3 * t * t - 2 * t**3) - 4)
    drawn = f'<path class="{" ".join(classes)}" d="{path}" marker-end="url(#arrow)"/>'
    if edge.label:
        fade = " faded" if "faded" in classes else ""
        text = escape(_short(edge.label, 22))
        at = f'x="{mid[0]:.1f}" y="{mid[1]:.1f}" text-anchor="middle"'
        drawn += f'<text class="label halo{fade}" {at}>{text}</text>'
        drawn += f'<text class="label{fade}" {at}>{text}</text>'
    return drawn


def _node(story: Story, box: NodeBox, seen: set[str] | None) -> str:
    segment = story.segments[box.segment]
    if segment.ending is not None:
        fill = ENDING_FILL[segment.ending.kind]
        sub = f"ending: {segment.ending.title}"
    elif segment.choice is not None:
        fill = FILL["choice"]
        choice = story.choices.get(segment.choice)
        sub = f"? {choice.prompt}" if choice else "?"
    else:
        fill = FILL["plain"]
        chapter = story.chapters.get(segment.chapter or "")
        sub = chapter.title if chapter else ""
    start = box.segment in story.targets(story.start)
    stroke = ' stroke="#1f7a35" stroke-width="2.5"' if start else ' stroke="#9aa3b5"'
    faded = ' class="faded"' if seen is not None and box.segment not in seen else ""
    title = escape(_short(segment.title or segment.id, 26))
    lines = [
        f"<g{faded}>",
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.0f}" height="{box.h:.0f}" '
        f'rx="8" fill="{fill}"{stroke}/>',
        f'<text class="title" x="{box.x + 10:.1f}" y="{box.y + 21:.1f}">{title}</text>',
    ]
    if sub:
        lines.append(
            f'<text class="sub" x="{box.x + 10:.1f}" y="{box.y + 40:.1f}">'
            f"{escape(_short(sub, 32))}</text>"
        )
    lines.append(f"<title>{escape(segment.id)}</title></g>")
    return "".join(lines)


def _short(text: str, most: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"
