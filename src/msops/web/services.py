"""What pages and the API both do: parse filters, gather dashboard figures, submit and export.

Thin on purpose: scope and audit happen in `msops.store`; this only adapts web input to it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, TypeVar

from markupsafe import Markup
from sqlalchemy import Connection, Engine, func, select

from msops.analytics.disclosure import SUPPRESSED, round_half_up
from msops.analytics.headline import UK_WIDE, Headline, headline
from msops.domain import settings
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.domain.reference import find_organisation
from msops.returns.exchange import Format, export_return
from msops.returns.limits import UnpackLimits, check_unpacked, configured_limits
from msops.returns.submit import SubmitResult, submit_file
from msops.store.aggregate_scope import aggregate_scope
from msops.store.operations_repo import (
    MonthCoverage,
    OperationFilter,
    count_operations,
    list_operations,
    month_coverage,
    partial_months,
    settled_period,
)
from msops.store.schema import return_version
from msops.web.observe import count_submission

T = TypeVar("T")
MAX_UPLOAD_BYTES = settings.default("max_upload_mb") * 2**20  # the max_upload_mb setting overrides
UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".zip")
UPLOAD_PATHS = ("/returns/upload", "/api/returns")
FORM_FRAMING = 64 * 2**10  # the form's other fields and framing around the file
UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + FORM_FRAMING
MAX_BODY_BYTES = 2**20  # any other request: forms and JSON
PAGE_SIZE = 100
HEADLINE_FIELDS = (
    ("live_police_led", "Live police-led operations"),
    ("live_led_by_local_forces", "led by local forces"),
    ("live_led_by_rocus", "led by ROCUs"),
    ("live_partner_led", "Live partner-led operations"),
    ("opened_in_month", "Opened in the month"),
    ("closed_in_month", "Closed in the month"),
    ("police_led_held_to_date", "Police-led operations held to date"),
    ("victims_in_live_police_led", "Potential victims in live police-led operations"),
    ("child_victims_in_live_police_led", "of whom children"),
)


def parse_period(text: str | None) -> Period | None:
    return Period.parse(text) if text else None


def organisation_name(text: str | None) -> str | None:
    """The short name of the organisation a user named (None when they named none)."""
    if not text:
        return None
    found = find_organisation(text)
    if found is None:
        raise InvalidInput(f"no organisation is called {text!r}")
    return found.short_name


def search_operations(
    engine: Engine,
    principal: Principal,
    flt: OperationFilter,
    query: str | None,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The operations in scope matching the filter, and `query` in their reference or name."""
    with engine.connect() as conn:
        return list_operations(conn, principal, flt, search=query, limit=limit, offset=offset)


@dataclass(frozen=True)
class OperationsPage:
    rows: list[dict[str, Any]]
    total: int
    number: int  # 1-based, within 1..pages
    pages: int
    key: tuple[Any, ...]  # what it is kept under: scope, filter, search, page, return version


def operations_page(
    engine: Engine,
    principal: Principal,
    flt: OperationFilter,
    query: str | None,
    number: int,
    cache: FiguresCache,
) -> OperationsPage:
    """One page of `PAGE_SIZE` operations; paging, filters and search all happen in SQL.

    The page is reused until a return is stored (the only change to what it lists)."""
    with engine.connect() as conn:
        coverage = cache.coverage(conn)
        flt = replace(flt, period=flt.period or coverage.latest)
        key = ("operations", *scope_key(principal), flt, query, number, coverage.version)
        found = cache.reuse(key)
        if isinstance(found, OperationsPage):
            return found
        total = count_operations(conn, principal, flt, search=query)
        pages = max(1, -(-total // PAGE_SIZE))
        number = min(max(number, 1), pages)
        rows = list_operations(
            conn,
            principal,
            flt,
            search=query,
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
        )
    return cache.keep(key, OperationsPage(rows, total, number, pages, key))


def scope_key(principal: Principal) -> tuple[Any, ...]:
    """What decides which organisations a principal sees (`visible_organisations`)."""
    return (principal.role, principal.organisation, principal.region)


@dataclass(frozen=True)
class Figures:
    period: Period | None
    rows: list[tuple[str, str]]  # (label, shown value)
    protected: bool  # disclosure-controlled (PCC)
    area: str
    partial: tuple[MonthCoverage, ...] = ()  # later months only some organisations are in


@dataclass(frozen=True)
class Coverage:
    """Which months the stored returns cover, as of one return version."""

    version: int | None  # the newest return version's id
    months: tuple[MonthCoverage, ...]
    senders: int

    @property
    def latest(self) -> Period | None:
        """The month the national picture stands at (`latest_period`)."""
        return settled_period(self.months, self.senders)

    @property
    def partial(self) -> list[MonthCoverage]:
        """Later months only some organisations are in (`partial_periods`)."""
        return partial_months(self.months, self.senders)


class FiguresCache:
    """What only changes when a return version is stored, reused until then: the months covered
    (the default month of every page), the headline per scope and month, the pages of the
    operations list per scope, filter and search, and the drawn main blocks of the list and
    the dashboard.

    The national headline scans every month's rows (about 140 ms at ten years), the coverage
    groups every return version and a page of the list joins the month's operations (a few ms
    each, on every dashboard and list); the newest version id, one index lookup, tells whether
    they still hold. A page of the list's rows is about 100 kB, a drawn dashboard about 120 kB
    and a drawn page of the list about 40 kB: 256 entries are at most about 30 MB a worker.
    """

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._coverage: Coverage | None = None

    def reuse(self, key: tuple[Any, ...]) -> Any:
        """What `keep` kept under `key` (which must hold the return version), or None."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def drawn(self, key: tuple[Any, ...], draw: Callable[[], Markup]) -> Markup:
        """A page's main block kept under `key` (which must hold the return version, or name
        what does), drawn by `draw` the first time."""
        found = self.reuse(key)
        return found if isinstance(found, Markup) else self.keep(key, draw())

    def keep(self, key: tuple[Any, ...], value: T) -> T:
        """Keep `value` under `key`, forgetting the least recently used beyond the size."""
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def coverage(self, conn: Connection) -> Coverage:
        version = conn.execute(select(func.max(return_version.c.id))).scalar_one_or_none()
        known = self._coverage
        if known is not None and known.version == version:
            return known
        months, senders = month_coverage(conn)
        self._coverage = Coverage(version, tuple(months), senders)
        return self._coverage

    def headline(
        self, conn: Connection, scope: Principal, period: Period, version: int | None
    ) -> Headline:
        key = ("headline", *scope_key(scope), str(period), version)
        found = self.reuse(key)
        if isinstance(found, Headline):
            return found
        return self.keep(key, headline(conn, scope, period))


def dashboard_figures(
    engine: Engine, principal: Principal, period: Period | None, cache: FiguresCache
) -> Figures:
    """Headline figures in the principal's scope; a PCC's are disclosure-controlled."""
    scope = aggregate_scope(principal)
    area = scope.organisation or scope.region or UK_WIDE
    with engine.connect() as conn:
        coverage = cache.coverage(conn)
        period = period or coverage.latest
        if period is None:
            return Figures(None, [], principal.role == Role.PCC, area)
        figures = cache.headline(conn, scope, period, coverage.version)
    partial = tuple(m for m in coverage.partial if m.period != period)
    protect = principal.role == Role.PCC
    shown = [(label, _shown(figures, name, protect)) for name, label in HEADLINE_FIELDS]
    return Figures(period, shown, protect, area, partial)


def _shown(figures: Headline, name: str, protect: bool) -> str:
    value = int(getattr(figures, name))
    if not protect:
        return f"{value:,}"
    # Small counts in one force area could identify people: suppress under 10, round to 5.
    return SUPPRESSED if value < 10 else f"{round_half_up(value, 5):,}"


def safe_name(filename: str | None) -> str:
    """The uploaded file's base name, reduced to safe characters, keeping its suffix."""
    base = Path((filename or "").replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InvalidInput(
            f"upload an XLSX workbook, a CSV file or a ZIP of CSVs ({suffix or 'no suffix'} given)"
        )
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(base).stem)[:80] or "return"
    return stem + suffix


def max_upload_bytes() -> int:
    """The largest return file an upload may carry: the max_upload_mb setting."""
    return settings.current().max_upload_mb * 2**20


def upload_body_bytes() -> int:
    return max_upload_bytes() + FORM_FRAMING


def too_large_message() -> str:
    return (
        f"the file is over {max_upload_bytes() // 2**20} MB, more than msops accepts; a monthly"
        " return is far smaller: check that it is the right file"
    )


def unpack_limits() -> UnpackLimits:
    """What an uploaded zip or XLSX may unpack to: the settings' limits."""
    return configured_limits()


def submit_upload(
    engine: Engine,
    principal: Principal,
    upload: IO[bytes],
    filename: str | None,
    org: str,
    period: str,
    nil: bool = False,
) -> SubmitResult:
    """Submit an uploaded file as `msops returns submit` would, from a private temp folder.

    At most `max_upload_bytes()` are copied from `upload`; a zip or XLSX is then checked against
    `unpack_limits()` before anything in it is read. A refused file stores nothing. `nil`:
    declared a nil return (nothing to report), as `--nil` does.
    """
    name = safe_name(filename)
    the_period = Period.parse(period)
    limit = max_upload_bytes()
    with tempfile.TemporaryDirectory(prefix="msops-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            shutil.copyfileobj(_Capped(upload, limit + 1), out)
        if path.stat().st_size > limit:
            raise InvalidInput(too_large_message())
        check_unpacked(path, unpack_limits())
        result = submit_file(engine, principal, path, org, the_period, nil=nil)
    count_submission(result)
    return result


class _Capped:
    """A read-only view of the first `limit` bytes of a binary stream."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size < 0 else min(size, self.left)
        data = self.stream.read(size)
        self.left -= len(data)
        return data


def export_file(
    engine: Engine,
    principal: Principal,
    org: str,
    period: str,
    fmt: Format,
    purpose: str,
    recipient: str,
) -> tuple[bytes, str]:
    """The stored return as a file, its disclosure audited with purpose and recipient."""
    if not purpose.strip() or not recipient.strip():
        raise InvalidInput("say why the return is exported and who will receive it")
    found = find_organisation(org)
    if found is None:
        raise InvalidInput(f"no organisation is called {org!r}")
    the_period = Period.parse(period)
    suffix = "xlsx" if fmt == "xlsx" else "zip"
    name = f"{found.short_name}-{the_period}.{suffix}"
    with tempfile.TemporaryDirectory(prefix="msops-export-") as folder:
        path = Path(folder) / name
        export_return(
            engine,
            principal,
            path,
            fmt,
            found.short_name,
            the_period,
            purpose.strip(),
            recipient.strip(),
        )
        return path.read_bytes(), name
