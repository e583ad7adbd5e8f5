"""What changed in a profile since last month: the same theme over the window a month earlier.

A saved theme is re-run each month; its readers want to know what moved. The comparison is
between the window ending with the latest month and the one ending a month earlier: how many
operations meet the theme in each, how many joined it (a new operation, or one whose latest
return now meets the theme) and how many left it (closed before the window, or no longer
meeting it), and which categories became, or stopped being, significantly over-represented.
"""

from __future__ import annotations

from dataclasses import dataclass

from msops.analytics.profile_records import Selection
from msops.domain.profile import Window


@dataclass(frozen=True)
class Changes:
    previous: Window
    n_then: int
    n_now: int
    joined: int
    left: int
    newly_over: tuple[str, ...]  # "Sector: Car washes", significant now and not a month ago
    no_longer_over: tuple[str, ...]

    def sentences(self) -> tuple[str, ...]:
        out = [
            f"{self.n_now:,} operations meet the theme, against {self.n_then:,} over"
            f" {self.previous.describe()}: {self.joined:,} joined it and {self.left:,} left it."
        ]
        if self.newly_over:
            out.append("Now over-represented: " + "; ".join(self.newly_over) + ".")
        if self.no_longer_over:
            out.append("No longer over-represented: " + "; ".join(self.no_longer_over) + ".")
        if not (self.newly_over or self.no_longer_over):
            out.append("The over-represented categories are the same as a month earlier.")
        return tuple(out)


def compare(
    then: Selection, now: Selection, then_over: frozenset[str], now_over: frozenset[str]
) -> Changes:
    """The changes between two selections of one theme and their over-represented categories."""
    before = {r.operation_id for r in then.chosen}
    after = {r.operation_id for r in now.chosen}
    return Changes(
        previous=then.window,
        n_then=len(before),
        n_now=len(after),
        joined=len(after - before),
        left=len(before - after),
        newly_over=tuple(sorted(now_over - then_over)),
        no_longer_over=tuple(sorted(then_over - now_over)),
    )
