"""The force map as one SVG drawn on the server: a hex per force area, tiles beside it for
BTP, the ROCUs and the partner agencies, shaded by live operations per 100,000 residents or
by count. No script, no fetched tiles: each area's value is in its `<title>` (shown on hover
and read by screen readers) and each area is a link when `link` gives one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from html import escape

from msops.analytics.area_map import AreaFigure, AreaFigures
from msops.domain.area_map import tiles
from msops.domain.reference import Organisation

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
# ColorBrewer "Blues", five classes: ordered light to dark, distinguishable in greyscale.
SHADES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_FIGURE = "#d9d9d9"  # out of scope, suppressed or, for a rate, no population held
DARK_FROM = 3  # shades from this index on take white text
R = 26.0  # hex radius: corner to centre
HEX_W = math.sqrt(3) * R
TOP = 30.0
LEFT = 8.0
SIDE_W, SIDE_H = 118.0, 26.0


class Measure(StrEnum):
    RATE = "rate"
    COUNT = "count"

    @property
    def label(self) -> str:
        return self.label_of("live operations")

    def label_of(self, noun: str) -> str:
        """What is mapped, e.g. "Live operations per 100,000 residents"."""
        words = noun[:1].upper() + noun[1:]
        return f"{words} per 100,000 residents" if self is Measure.RATE else words


@dataclass(frozen=True)
class Scale:
    """Five classes of one round `step` from 0, the last open ("4 or more"): the step is set by
    the 90th percentile, so that one outlier (the City of London's few residents, the Met's
    count) does not leave every other area in the lightest shade."""

    step: float

    @classmethod
    def over(cls, values: Sequence[float], whole: bool) -> Scale:
        ranked = sorted(values)
        if not ranked:
            return cls(1.0)
        p90 = ranked[min(len(ranked) - 1, math.ceil(0.9 * len(ranked)) - 1)]
        return cls(_round_step(p90 / (len(SHADES) - 1), whole))

    def shade(self, value: float) -> int:
        return min(int(value / self.step), len(SHADES) - 1)

    def bounds(self) -> list[tuple[float, float | None]]:
        last = len(SHADES) - 1
        return [
            (i * self.step, None if i == last else (i + 1) * self.step) for i in range(last + 1)
        ]


def _round_step(value: float, whole: bool) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten at or above `value` (a whole
    number when `whole`)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    steps = [m * power for m in (1, 2, 2.5, 5, 10) if not whole or (m * power) % 1 == 0]
    return next((step for step in steps if step >= value), 10 * power) if steps else 1.0


def value_of(figure: AreaFigure, measure: Measure) -> float | None:
    """What the tile is shaded by, or None when it has no figure to shade."""
    if figure.live is None:
        return None
    if measure is Measure.RATE:
        return figure.rate
    return float(figure.live)


def describe(figure: AreaFigure, measure: Measure, noun: str = "live operations") -> str:
    """The tile's hover text: the organisation and what is known of it."""
    name = figure.organisation.name
    if not figure.in_scope:
        return f"{name}: not in your scope"
    text = f"{name}: {figure.shown} {noun}"
    if figure.rate is not None:
        year = figure.population.year if figure.population else ""
        text += f", {figure.rate:.2f} per 100,000 residents (population {year})"
    elif measure is Measure.RATE and figure.live is not None:
        text += ", no population figure held"
    return text


def area_map_svg(
    figures: AreaFigures,
    measure: Measure,
    link: Callable[[Organisation], str | None],
    noun: str = "live operations",
    when: str | None = None,
) -> str:
    """The map of `figures` shaded by `measure`, with its legend: of `noun` (what is counted)
    in `when` (by default the figures' month)."""
    values = [v for f in figures.figures if (v := value_of(f, measure)) is not None]
    scale = Scale.over(values, whole=measure is Measure.COUNT)
    by_org = {f.organisation.short_name: f for f in figures.figures}
    body: list[str] = []
    panel_x = 0.0
    for tile in tiles():
        figure = by_org[tile.organisation.short_name]
        if tile.beside:
            x = _map_width() + 24 + tile.col * (SIDE_W + 8)
            y = TOP + tile.row * (SIDE_H + 6)
            panel_x = max(panel_x, x + SIDE_W)
            shape = _rect(x, y)
            centre = (x + SIDE_W / 2, y + SIDE_H / 2)
        else:
            cx, cy = _hex_centre(tile.col, tile.row)
            shape = _hexagon(cx, cy)
            centre = (cx, cy)
        body.append(_area(shape, centre, tile.label, figure, (measure, noun), scale, link))
    headings = [
        _text(LEFT, 18, "Force areas", 13, weight="bold"),
        _text(_map_width() + 24, 18, "Not force areas", 13, weight="bold"),
    ]
    legend_y = TOP + 12 * R * 1.5 + 20
    legend = _legend(scale, measure, noun, LEFT, legend_y)
    width = max(panel_x, _map_width()) + 8
    height = legend_y + 24 * (len(SHADES) + 2)
    title = f"{measure.label_of(noun)}, {when or figures.period}, by organisation"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="0 0 {width:.0f} {height:.0f}" role="group" aria-label="{escape(title)}"'
        f' class="area-map"><title>{escape(title)}</title>'
    )
    return "".join([head, *headings, *body, *legend, "</svg>"])


def _map_width() -> float:
    cols = max(t.col for t in tiles() if not t.beside) + 1
    return LEFT + (cols + 0.5) * HEX_W


def _hex_centre(col: int, row: int) -> tuple[float, float]:
    x = LEFT + HEX_W / 2 + col * HEX_W + (HEX_W / 2 if row % 2 else 0.0)
    y = TOP + R + row * 1.5 * R
    return x, y


def _hexagon(cx: float, cy: float) -> str:
    corners = [
        (cx + (R - 1) * math.cos(math.radians(a)), cy + (R - 1) * math.sin(math.radians(a)))
        for a in range(30, 390, 60)
    ]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    return f'<polygon points="{points}"'


def _rect(x: float, y: float) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{SIDE_W:.0f}" height="{SIDE_H:.0f}" rx="4"'


def _area(
    shape: str,
    centre: tuple[float, float],
    label: str,
    figure: AreaFigure,
    what: tuple[Measure, str],
    scale: Scale,
    link: Callable[[Organisation], str | None],
) -> str:
    measure, noun = what
    value = value_of(figure, measure)
    shade = None if value is None else scale.shade(value)
    fill = NO_FIGURE if shade is None else SHADES[shade]
    ink = "#ffffff" if shade is not None and shade >= DARK_FROM else "#0b0c0c"
    hover = describe(figure, measure, noun)
    drawn = f'{shape} fill="{fill}" stroke="#6f777b" stroke-width="0.75"/>' + _text(
        centre[0], centre[1] + 4, label, 10, anchor="middle", fill=ink
    )
    slug = figure.organisation.short_name.lower().replace(" ", "-")
    group = f'<g class="area" data-org="{escape(slug)}"><title>{escape(hover)}</title>{drawn}</g>'
    href = link(figure.organisation) if figure.in_scope else None
    if href is None:
        return group
    return f'<a href="{escape(href)}" aria-label="{escape(hover)}">{group}</a>'


def _legend(scale: Scale, measure: Measure, noun: str, x: float, y: float) -> list[str]:
    out = [_text(x, y, measure.label_of(noun), 12, weight="bold")]
    rate = measure is Measure.RATE
    for i, (low, high) in enumerate(scale.bounds()):
        row_y = y + 10 + i * 22
        out.append(f'<rect x="{x:.1f}" y="{row_y:.1f}" width="18" height="16" fill="{SHADES[i]}"/>')
        words = (
            f"{_num(low, rate)} or more"
            if high is None
            else (f"{_num(low, rate)} to under {_num(high, rate)}")
        )
        out.append(_text(x + 26, row_y + 12, words, 11))
    row_y = y + 10 + len(SHADES) * 22
    out.append(f'<rect x="{x:.1f}" y="{row_y:.1f}" width="18" height="16" fill="{NO_FIGURE}"/>')
    missing = (
        "no figure: not in your scope, [c] or no population held"
        if rate
        else ("no figure: not in your scope or [c]")
    )
    out.append(_text(x + 26, row_y + 12, missing, 11))
    return out


def _num(value: float, rate: bool) -> str:
    if rate:
        return f"{value:.2f}".rstrip("0").rstrip(".") or "0"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _text(
    x: float,
    y: float,
    text: str,
    size: int,
    *,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = "#0b0c0c",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} font-size="{size}"'
        f' font-weight="{weight}" fill="{fill}">{escape(text)}</text>'
    )
