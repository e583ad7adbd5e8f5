"""The route diagram of a profile: origin -> transit -> region as an SVG flow (alluvial) chart.

Drawn here rather than with a plotting library: the reports' charts are SVG text with no script
or font to fetch (`charts`), and the Python Sankey drawings at hand either need a browser
(Plotly) or draw one node's in- and outflows (matplotlib's `Sankey`), not three stages of nodes.
Every node and band carries a `<title>` with its count, and the table beside the chart holds
the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from msops.analytics.profile_routes import STAGES, Routes
from msops.reports.charts import FONT, PALETTE

WIDTH, TOP, PLOT_H, GAP, NODE_W = 640, 28, 360, 8, 10
COLUMNS = {"origin": 140.0, "transit": 310.0, "region": 470.0}
HEADINGS = {"origin": "Country of origin", "transit": "Transit", "region": "UK region"}
Box = tuple[float, float]  # (top, height)


def _text(x: float, y: float, text: str, anchor: str) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT}>{escape(text)}</text>'


def _layout(nodes: Mapping[str, int], scale: float) -> dict[str, Box]:
    out, y = {}, float(TOP)
    for label, n in nodes.items():
        h = max(n * scale, 2.0)
        out[label] = (y, h)
        y += h + GAP
    return out


def _band(x0: float, a: Box, x1: float, b: Box, colour: str, title: str) -> str:
    mid = (x0 + x1) / 2
    (y0, h0), (y1, h1) = a, b
    path = (
        f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        f" L{x1:.1f},{y1 + h1:.1f} C{mid:.1f},{y1 + h1:.1f} {mid:.1f},{y0 + h0:.1f}"
        f" {x0:.1f},{y0 + h0:.1f} Z"
    )
    fill = f'fill="{colour}" fill-opacity="0.45"'
    return f'<path d="{path}" {fill}><title>{escape(title)}</title></path>'


def _stage(
    found: Routes,
    first: str,
    second: str,
    boxes: Mapping[str, Mapping[str, Box]],
    scale: float,
) -> list[str]:
    """The bands from each node of `first` to the nodes of `second`, stacked in node order."""
    flows = found.flows(first, second)
    out_at = {k: top for k, (top, _) in boxes[first].items()}
    in_at = {k: top for k, (top, _) in boxes[second].items()}
    sources, targets = list(boxes[first]), list(boxes[second])
    body = []
    ordered = sorted(
        flows.items(), key=lambda kv: (sources.index(kv[0][0]), targets.index(kv[0][1]))
    )
    for (a, b), n in ordered:
        h = n * scale
        colour = PALETTE[sources.index(a) % len(PALETTE)]
        title = f"{a} to {b}: {n:,} operation{'s' if n != 1 else ''}"
        x0, x1 = COLUMNS[first] + NODE_W, COLUMNS[second]
        body.append(_band(x0, (out_at[a], h), x1, (in_at[b], h), colour, title))
        out_at[a] += h
        in_at[b] += h
    return body


def _nodes(stage: str, boxes: Mapping[str, Box], nodes: Mapping[str, int]) -> list[str]:
    x = COLUMNS[stage]
    body = [_text(x + NODE_W / 2, TOP - 10, HEADINGS[stage], "middle")]
    for i, (label, (top, h)) in enumerate(boxes.items()):
        colour = PALETTE[i % len(PALETTE)] if stage != "region" else "#444"
        name = f"{label} ({nodes[label]:,})"
        short = label if len(label) <= 24 else label[:23] + "…"
        shown = f"{short} ({nodes[label]:,})"
        body.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{NODE_W}" height="{h:.1f}" fill="{colour}">'
            f"<title>{escape(name)}</title></rect>"
        )
        if stage == "origin":
            body.append(_text(x - 6, top + h / 2 + 4, shown, "end"))
        else:
            body.append(_text(x + NODE_W + 6, top + h / 2 + 4, shown, "start"))
    return body


def route_diagram(found: Routes, title: str) -> str:
    """The three stages as columns of nodes joined by bands as wide as their operations."""
    nodes = {stage: found.nodes(stage) for stage in STAGES}
    if not found.total:
        return ""
    scale = min((PLOT_H - GAP * (len(n) - 1)) / max(sum(n.values()), 1) for n in nodes.values())
    boxes = {stage: _layout(nodes[stage], scale) for stage in STAGES}
    height = int(max(t + h for b in boxes.values() for t, h in b.values()) + 12)
    body: list[str] = [
        *_stage(found, "origin", "transit", boxes, scale),
        *_stage(found, "transit", "region", boxes, scale),
    ]
    for stage in STAGES:
        body += _nodes(stage, boxes[stage], nodes[stage])
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )
    return "".join([head, *body, "</svg>"])
