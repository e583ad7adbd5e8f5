"""A force's position against the national action plan: current RAG per item, movement since
the previous assessment, and the national comparison (as Markdown or HTML, no external assets).

The national distribution counts every force's current RAG (this force's included) over all
forces that hold a position; "not assessed" is the rest. The force's place is judged against
the other forces that are assessed: "ahead" when more of them are worse than better.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection

from msops.domain.casework.action_plan import (
    Movement,
    NationalPosition,
    PlanItem,
    Rag,
    action_plan,
    movement,
    national_position,
)
from msops.domain.marking import OFFICIAL_SENSITIVE as MARKING
from msops.domain.principal import Principal
from msops.store.casework.action_plan import PositionData, position_data


@dataclass(frozen=True)
class ItemPosition:
    item: PlanItem
    rag: Rag | None = None
    assessed_on: date | None = None
    evidence: str | None = None
    previous: Rag | None = None
    movement: Movement | None = None  # None: never assessed
    national: dict[Rag, int] = field(default_factory=dict)
    not_assessed: int = 0
    place: NationalPosition | None = None

    def share(self, rag: Rag | None, forces: int) -> float:
        n = self.not_assessed if rag is None else self.national.get(rag, 0)
        return 100.0 * n / forces if forces else 0.0


@dataclass(frozen=True)
class PositionSummary:
    organisation: str
    region: str | None
    plan_version: str
    plan_status: str
    as_of: date | None
    forces: int
    items: tuple[ItemPosition, ...]

    @property
    def movements(self) -> Counter[str]:
        return Counter(
            "not assessed" if i.movement is None else i.movement.value for i in self.items
        )

    @property
    def rags(self) -> Counter[str]:
        return Counter("not assessed" if i.rag is None else i.rag.value for i in self.items)


def _item_position(item: PlanItem, data: PositionData) -> ItemPosition:
    others = data.others.get(item.id, [])
    own = data.own.get(item.id, [])
    national = Counter(others)
    if not own:
        return ItemPosition(item, national=dict(national), not_assessed=data.forces - len(others))
    current = own[-1]
    rag = Rag(current["rag"])
    previous = Rag(own[-2]["rag"]) if len(own) > 1 else None
    national[rag] += 1
    return ItemPosition(
        item,
        rag=rag,
        assessed_on=current["assessed_on"],
        evidence=current["evidence"],
        previous=previous,
        movement=movement(previous, rag),
        national=dict(national),
        not_assessed=data.forces - len(others) - 1,
        place=national_position(rag, others),
    )


def position_summary(
    conn: Connection, principal: Principal, org: str, as_of: date | None = None
) -> PositionSummary:
    data = position_data(conn, principal, org, as_of)
    plan = action_plan()
    return PositionSummary(
        data.organisation,
        data.region,
        plan.version,
        plan.status,
        as_of,
        data.forces,
        tuple(_item_position(item, data) for item in plan.items),
    )


def table_rows(summary: PositionSummary) -> list[dict[str, object]]:
    """One row per item, for the console and CSV/JSON output."""
    n = summary.forces
    return [
        {
            "item": i.item.id,
            "theme": i.item.theme,
            "rag": i.rag.value if i.rag else "not assessed",
            "assessed_on": i.assessed_on,
            "previous": i.previous.value if i.previous else "",
            "movement": i.movement.value if i.movement else "",
            "national_red": f"{i.share(Rag.RED, n):.0f}%",
            "national_amber": f"{i.share(Rag.AMBER, n):.0f}%",
            "national_green": f"{i.share(Rag.GREEN, n):.0f}%",
            "national_not_assessed": f"{i.share(None, n):.0f}%",
            "position": _place(i),
        }
        for i in summary.items
    ]


def _place(i: ItemPosition) -> str:
    if i.place is None:
        return ""
    p = i.place
    return f"{p.label()} ({p.better} better, {p.same} same, {p.worse} worse)"


def _heading(summary: PositionSummary) -> list[str]:
    as_of = summary.as_of.isoformat() if summary.as_of else "latest"
    return [
        f"Force position summary: {summary.organisation}",
        f"Action plan {summary.plan_version} ({summary.plan_status}); assessments as of {as_of};"
        f" national comparison over {summary.forces} forces.",
        "Current RAG: "
        + ", ".join(f"{k} {v}" for k, v in sorted(summary.rags.items()))
        + ". Movement since the previous assessment: "
        + ", ".join(f"{k} {v}" for k, v in sorted(summary.movements.items()))
        + ".",
    ]


COLUMNS = [
    ("item", "Item"),
    ("theme", "Theme"),
    ("rag", "RAG"),
    ("assessed_on", "Assessed"),
    ("previous", "Previous"),
    ("movement", "Movement"),
    ("national_red", "Red (national)"),
    ("national_amber", "Amber"),
    ("national_green", "Green"),
    ("national_not_assessed", "Not assessed"),
    ("position", "Against other assessed forces"),
]


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def to_markdown(summary: PositionSummary) -> str:
    title, plan_line, totals = _heading(summary)
    lines = [f"<!-- {MARKING} -->", f"# {title}", "", f"**{MARKING}**", "", plan_line, "", totals]
    lines += ["", "| " + " | ".join(h for _k, h in COLUMNS) + " |"]
    lines.append("|" + "---|" * len(COLUMNS))
    for row in table_rows(summary):
        cells = (_cell(row[k]).replace("|", "/") for k, _h in COLUMNS)
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Items and evidence", ""]
    for i in summary.items:
        evidence = i.evidence or "not assessed"
        lines.append(f"- **{i.item.id}** {i.item.text} _Evidence:_ {evidence}")
    lines += ["", f"**{MARKING}**"]
    return "\n".join(lines) + "\n"


def to_html(summary: PositionSummary) -> str:
    e = html.escape
    title, plan_line, totals = _heading(summary)
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>td.red{{background:#f4c7c3}}"
        "td.amber{background:#fce8b2}td.green{background:#b7e1cd}"
        "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}</style>"
        "</head><body>",
        f"<p><strong>{MARKING}</strong></p><h1>{e(title)}</h1>",
        f"<p>{e(plan_line)}</p><p>{e(totals)}</p><table><thead><tr>",
        "".join(f"<th>{e(h)}</th>" for _k, h in COLUMNS) + "</tr></thead><tbody>",
    ]
    for row in table_rows(summary):
        cells = []
        for key, _h in COLUMNS:
            css = f' class="{row["rag"]}"' if key == "rag" else ""
            cells.append(f"<td{css}>{e(_cell(row[key]))}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table><h2>Items and evidence</h2><dl>")
    for i in summary.items:
        parts.append(
            f"<dt>{e(i.item.id)} ({e(i.item.theme)})</dt><dd>{e(i.item.text)}"
            f"<br><em>Evidence:</em> {e(i.evidence or 'not assessed')}</dd>"
        )
    parts.append(f"</dl><p><strong>{MARKING}</strong></p></body></html>")
    return "\n".join(parts) + "\n"
