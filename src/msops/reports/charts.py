"""Small SVG charts drawn on the server: horizontal bars, stacked bars and lines.

Each function returns one `<svg>` element as text, with no script, style sheet or font to
fetch. A value of None is a suppressed figure: it is drawn as no bar, labelled "[c]".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

PALETTE = ("#1d4e89", "#e07a1f", "#3b8d4f", "#b23a48", "#6c4f9c", "#7a7a7a")
FONT = 'font-family="DejaVu Sans, Arial, sans-serif" font-size="11"'
Value = int | None
Rate = float | None  # a line chart's value: a count or a rate


def _svg(width: int, height: int, title: str, body: list[str], links: bool = False) -> str:
    """The chart as one `<svg>`: an image, or a group when it holds links (an image's content
    is hidden from screen readers and keyboards, so links inside one could not be reached)."""
    role = "group" if links else "img"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="{role}" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )
    return "".join([head, *body, "</svg>"])


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT}{extra}>{escape(text)}</text>'
    )


def _shown(value: Value) -> str:
    return "[c]" if value is None else f"{value:,}"


def bar_chart(
    items: Sequence[tuple[str, Value]],
    title: str,
    width: int = 640,
    links: Sequence[str | None] | None = None,
    label_width: int | None = None,
) -> str:
    """Horizontal bars, one per (label, value), largest value spanning the plot.

    Each bar carries its label and value as a `<title>` (shown on hover); with `links`, the bar
    whose link is not None is an `<a href>` to it (one link per item, in order). `label_width`:
    room for the labels, in pixels (default by the chart's width).
    """
    label_w, row_h, top = label_width or (230 if width >= 500 else 120), 20, 8
    plot_w = width - label_w - 60
    most = max((v for _, v in items if v), default=1)
    height = top + row_h * max(len(items), 1) + 8
    body = []
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        w = 0.0 if not value else plot_w * value / most
        bar = [
            f"<title>{escape(label)}: {_shown(value)}</title>",
            _text(label_w - 6, y + 14, label[: max(40, int(label_w / LABEL_CHAR_W))], "end"),
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}"'
            f' fill="{PALETTE[0]}"/>',
            _text(label_w + w + 4, y + 14, _shown(value)),
        ]
        body.append(_linked(links[i] if links else None, bar))
    return _svg(width, height, title, body, links=any(links or ()))


def _linked(href: str | None, parts: Sequence[str]) -> str:
    """One group of shapes, as a link when `href` is given (the first part is its `<title>`)."""
    inner = "".join(parts)
    if href is None:
        return f"<g>{inner}</g>"
    return f'<a href="{escape(href)}" class="bar">{inner}</a>'


def stacked_bar_chart(
    rows: Sequence[str],
    segments: Sequence[tuple[str, Sequence[Value]]],
    title: str,
    width: int = 640,
) -> str:
    """Horizontal stacked bars: one bar per row, one coloured segment per (name, values)."""
    label_w, row_h, top = 230, 20, 26
    plot_w = width - label_w - 70
    totals = [sum(vals[i] or 0 for _, vals in segments) for i in range(len(rows))]
    most = max(totals, default=1) or 1
    body = _legend([name for name, _ in segments], label_w, 4)
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(_text(label_w - 6, y + 14, row[:40], "end"))
        x = float(label_w)
        for k, (_, vals) in enumerate(segments):
            w = plot_w * (vals[i] or 0) / most
            colour = PALETTE[k % len(PALETTE)]
            body.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}"'
                f' fill="{colour}"/>'
            )
            x += w
        hidden = any(vals[i] is None for _, vals in segments)
        body.append(_text(x + 4, y + 14, f"{totals[i]:,}" + (" + [c]" if hidden else "")))
    return _svg(width, top + row_h * max(len(rows), 1) + 8, title, body)


def _legend(names: Sequence[str], x0: float, y: float) -> list[str]:
    out, x = [], x0
    for k, name in enumerate(names):
        out.append(
            f'<rect x="{x:.1f}" y="{y}" width="10" height="10" fill="{PALETTE[k % len(PALETTE)]}"/>'
        )
        out.append(_text(x + 14, y + 9, name))
        x += 24 + 7 * len(name)
    return out


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Rate]]],
    title: str,
    width: int = 640,
    height: int = 220,
    links: Sequence[str | None] | None = None,
    fmt: str = "{:,}",
    missing: str = "[c]",
) -> str:
    """Lines over months (`x_labels` as YYYY-MM); a None value breaks the line.

    With `links`, each month is a column the height of the plot that names its values on hover
    (`<title>`, each value written with `fmt`, None as `missing`) and links to its `links`
    entry."""
    left, right, top, bottom = 48, 12, 24, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vals in series for v in vals if v is not None]
    most = max(values, default=0) or 1
    n = max(len(x_labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + plot_w * i / n, top + plot_h * (1 - v / most)

    body = _legend([name for name, _ in series], left, 4)
    body += _axes(x_labels, fmt.format(most), left, top, plot_w, plot_h, right)
    for k, (_, vals) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        for run in _runs(vals):
            points = " ".join("{:.1f},{:.1f}".format(*xy(i, v)) for i, v in run)
            if len(run) == 1:
                x, y = xy(*run[0])
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{colour}"/>')
            else:
                body.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}"'
                    ' stroke-width="1.8"/>'
                )
    if links:
        body += _month_targets(x_labels, series, links, (left, top, plot_w, plot_h), (fmt, missing))
    return _svg(width, height, title, body, links=any(links or ()))


def _month_targets(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Rate]]],
    links: Sequence[str | None],
    plot: tuple[float, float, float, float],
    shown_as: tuple[str, str],
) -> list[str]:
    left, top, plot_w, plot_h = plot
    fmt, missing = shown_as
    n = max(len(x_labels) - 1, 1)
    step = plot_w / n
    out = []
    for i, label in enumerate(x_labels):
        x = max(left, left + plot_w * i / n - step / 2)
        w = min(step, left + plot_w - x)
        shown = (missing if vals[i] is None else fmt.format(vals[i]) for _, vals in series)
        named = ", ".join(f"{name} {v}" for (name, _), v in zip(series, shown, strict=True))
        target = [
            f"<title>{escape(label)}: {escape(named)}</title>",
            f'<rect x="{x:.1f}" y="{top}" width="{w:.1f}" height="{plot_h}"'
            ' fill="#ffffff" fill-opacity="0"/>',
        ]
        out.append(_linked(links[i], target))
    return out


def _runs(vals: Sequence[Rate]) -> list[list[tuple[int, float]]]:
    runs: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(vals):
        if v is None:
            runs.append([])
        else:
            runs[-1].append((i, v))
    return [r for r in runs if r]


def _axes(
    x_labels: Sequence[str],
    most: str,
    left: float,
    top: float,
    plot_w: float,
    plot_h: float,
    right: float,
) -> list[str]:
    base = top + plot_h
    out = [
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#444"/>',
        _text(left - 4, top + 4, most, "end"),
        _text(left - 4, base, "0", "end"),
    ]
    n = max(len(x_labels) - 1, 1)
    step = max(1, math.ceil(len(x_labels) * 64 / plot_w))  # a label needs about 64 px
    last = len(x_labels) - 1
    for i, label in enumerate(x_labels):
        # every `step`-th month, and always the last one (the report's month), with room for it
        if i == last or (i % step == 0 and i <= last - step):
            x = left + plot_w * i / n
            out.append(
                f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}" stroke="#444"/>'
            )
            out.append(_text(x, base + 16, label, _anchor(x, label, left + plot_w + right)))
    return out


LABEL_CHAR_W = 6.5  # about the width of one character at font-size 11


def _anchor(x: float, label: str, width: float) -> str:
    """Centre a label under its tick unless that puts it past an edge of the chart: then it
    ends (or starts) at the tick, so the last month is never cut off."""
    half = len(label) * LABEL_CHAR_W / 2
    if x + half > width:
        return "end"
    return "start" if x - half < 0 else "middle"
