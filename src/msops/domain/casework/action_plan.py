"""The national policing modern slavery action plan as items, and forces' RAG assessments.

The items are data (`data/action_plan.toml`), versioned. The shipped list is msops's working
set, to be replaced by the national lead's official plan (see `docs/casework.md`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from msops.domain.errors import InvalidInput

# Organisation kinds that hold a position against the plan (ROCUs and partners do not).
FORCE_KINDS = frozenset({"territorial_force", "special_force", "devolved_force"})


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def score(self) -> int:
        """Order of progress: red 0, amber 1, green 2."""
        return (Rag.RED, Rag.AMBER, Rag.GREEN).index(self)


class Movement(StrEnum):
    NEW = "new"  # the first assessment of the item
    IMPROVED = "improved"
    DECLINED = "declined"
    UNCHANGED = "unchanged"


def movement(previous: Rag | None, current: Rag) -> Movement:
    if previous is None:
        return Movement.NEW
    if current.score > previous.score:
        return Movement.IMPROVED
    if current.score < previous.score:
        return Movement.DECLINED
    return Movement.UNCHANGED


@dataclass(frozen=True)
class PlanItem:
    id: str
    theme: str
    text: str


@dataclass(frozen=True)
class ActionPlan:
    version: str
    status: str
    items: tuple[PlanItem, ...]

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    def item(self, item_id: str) -> PlanItem:
        """The item called `item_id` (any case), or InvalidInput naming the valid ids."""
        wanted = item_id.strip().upper()
        for found in self.items:
            if found.id.upper() == wanted:
                return found
        raise InvalidInput(
            f"item: {item_id!r} is not an item of action plan {self.version};"
            f" items: {', '.join(self.item_ids)}"
        )


def _load(text: str) -> ActionPlan:
    raw: dict[str, Any] = tomllib.loads(text)
    items = tuple(PlanItem(str(i["id"]), str(i["theme"]), str(i["text"])) for i in raw["items"])
    if len({i.id for i in items}) != len(items):
        raise ValueError("action plan data: item ids must be unique")
    return ActionPlan(str(raw["version"]), str(raw.get("status", "")), items)


@cache
def action_plan() -> ActionPlan:
    """The current action plan shipped in the package."""
    data = resources.files("msops.domain.data").joinpath("action_plan.toml")
    return _load(data.read_text(encoding="utf-8"))


def parse_rag(value: str) -> Rag:
    try:
        return Rag(value.strip().casefold())
    except ValueError:
        raise InvalidInput(
            f"rag: {value!r} is not one of {', '.join(r.value for r in Rag)}"
        ) from None


@dataclass(frozen=True)
class NationalPosition:
    """Where a force's RAG stands among the assessed forces (the force itself excluded)."""

    better: int  # other forces with a better RAG
    same: int
    worse: int

    @property
    def others(self) -> int:
        return self.better + self.same + self.worse

    def label(self) -> str:
        if self.others == 0:
            return "no other force assessed"
        # More forces ahead of it than behind it: behind the national picture, and vice versa.
        if self.better > self.worse:
            return "behind"
        if self.worse > self.better:
            return "ahead"
        return "in line"


def national_position(own: Rag, others: list[Rag]) -> NationalPosition:
    return NationalPosition(
        better=sum(1 for r in others if r.score > own.score),
        same=sum(1 for r in others if r.score == own.score),
        worse=sum(1 for r in others if r.score < own.score),
    )
