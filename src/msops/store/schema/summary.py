"""Monthly totals of the current returns, kept up to date at submission for the overview's trend.

The trend of live, opened and closed operations reads every month on record; from the
operation months themselves that is ten times the rows of one month per year of history. This
table holds, for each organisation's current return of a month, the totals the trend needs, one
row per lead organisation named in that return. `msops.store.summary_repo` recomputes an
(organisation, month) from `operation_month` in the transaction that changes its current
version, and migration 0009 fills it from the returns already stored.

It is keyed by the lead organisation rather than holding counts by lead type: whether a lead is
a police force or a partner agency is read from `organisation` when the trend is asked for, so a
change of the reference data (an organisation's kind or region) never leaves the totals stale.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from msops.store.schema.base import metadata

month_summary = Table(
    "month_summary",
    metadata,
    # The period leads the key: the trend reads the months in order, up to the one asked for.
    Column("period", String(7), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True),  # the holder
    Column("lead_org_id", ForeignKey("organisation.id"), primary_key=True),
    Column("return_version_id", ForeignKey("return_version.id"), nullable=False),
    Column("operations", Integer, nullable=False),  # operation months of this return and lead
    Column("live", Integer, nullable=False),  # status Live or Reopened
    Column("opened", Integer, nullable=False),  # opening date in the month of the return
    Column("closed", Integer, nullable=False),  # status Closed
)
