"""Where each figure of the national picture leads: the operations behind it, or a narrower area.

National -> region -> force pages of the picture (`/?region=`, `/?org=`), and from any of them
the operations list filtered to the figure (`/operations?...`). A PCC sees no operation, so
their figures lead nowhere but to another month of their own area.
"""

from __future__ import annotations

from urllib.parse import urlencode

from msops.analytics import overview_breakdowns as b
from msops.analytics.headline import Area
from msops.domain.periods import Period
from msops.domain.reference import REGIONS, code_lists, typology

# headline row -> operations-list filter (rows not named here have no list of their own)
HEADLINE_FILTERS: dict[str, dict[str, str]] = {
    "Live operations": {"status": "live"},
    "Live police-led operations": {"status": "live", "lead": "police"},
    "Led by local forces": {"status": "live", "lead": "local"},
    "Led by ROCUs": {"status": "live", "lead": "rocu"},
    "Led by partner agencies": {"status": "live", "lead": "partner"},
    "Closed in the month": {"status": "closed"},
}
LEAD_FILTERS = {b.LOCAL_FORCE: "local", b.ROCU: "rocu", b.PARTNER: "partner"}
OUTCOME_COLUMNS = {label: column for column, label in b.OUTCOME_LABELS.items()}
EUROPOL_FILTERS = {"Checked": "checked", "Not checked": "unchecked"}


class Links:
    """The links of one page of the picture: its month and area, and whether operations show."""

    def __init__(self, period: Period, area: Area, operations: bool) -> None:
        self.period, self.area, self.operations = period, area, operations

    def _area(self) -> dict[str, str]:
        if self.area.organisation:
            return {"org": self.area.organisation}
        return {"region": self.area.region} if self.area.region else {}

    def month(self, period: str) -> str:
        return "/?" + urlencode({"period": period, **self._area()})

    def ops(self, **filters: str) -> str | None:
        if not self.operations:
            return None
        return "/operations?" + urlencode({"period": str(self.period), **self._area(), **filters})

    def region(self, name: str) -> str | None:
        if not self.operations or name not in REGIONS:
            return None
        return "/?" + urlencode({"period": str(self.period), "region": name})

    def organisation(self, name: str) -> str | None:
        if not self.operations:
            return None
        return "/?" + urlencode({"period": str(self.period), "org": name})

    def headline(self, label: str) -> str | None:
        found = HEADLINE_FILTERS.get(label)
        return self.ops(**found) if found is not None else None

    def lead(self, label: str) -> str | None:
        return self.ops(status="live", lead=LEAD_FILTERS[label])

    def category(self, label: str) -> str | None:
        code = {c.label: c.code for c in code_lists()["exploitation_category"]}.get(label)
        return self.ops(status="live", exploitation=code) if code else None

    def exploitation_type(self, label: str) -> str | None:
        code = {t.label: t.code for t in typology()}.get(label)
        return self.ops(status="live", exploitation=code) if code else None

    def nationality(self, people: str, label: str) -> str | None:
        if label == "All other nationalities":
            return None
        return self.ops(status="live", nationality=label, people=people)

    def outcome(self, label: str) -> str | None:
        column = OUTCOME_COLUMNS.get(label)
        return self.ops(outcome=column) if column else None

    def europol(self, label: str) -> str | None:
        found = EUROPOL_FILTERS.get(label)
        return self.ops(europol=found) if found else None
