"""A force's position against the national action plan: current RAG per item, movement since
the previous assessment, and the national comparison (the document, Markdown or HTML, is
`msops.reports.documents.render_position`).

The national distribution counts every force's current RAG (this force's included) over all
forces that hold a position; "not assessed" is the rest. The force's place is judged against
the other forces that are assessed: "ahead" when more of them are worse than better.
"""

from __future__ import annotations

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


# The keys of `table_rows` with their headings, in the order the documents and console show them.
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
