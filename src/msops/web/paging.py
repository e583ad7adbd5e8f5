"""Paging for the long lists people read (audit trail, threads, casework registers): which page
was asked for, the slice of rows it shows, and links to the pages either side that keep the
filters. Drawn by templates/_paging.html."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from fastapi import Request

from msops.domain.errors import InvalidInput

PAGE_SIZE = 100
MAX_PAGE = 1_000_000

T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    number: int  # 1-based
    size: int
    more: bool  # a later page exists
    total: int | None  # rows in all pages; None where counting them would cost another query
    query: tuple[tuple[str, str], ...] = ()  # the request's other parameters (its filters)
    key: str = "page"  # the parameter that numbers the pages (two lists on one page differ)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.size))

    def href(self, number: int) -> str:
        return "?" + urlencode((*self.query, (self.key, str(number))))

    @property
    def previous(self) -> str | None:
        return self.href(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.href(self.number + 1) if self.more else None


def asked_page(request: Request, key: str = "page") -> int:
    """The page asked for (`?page=N`, default 1); InvalidInput unless a whole number >= 1."""
    text = request.query_params.get(key, "1").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise InvalidInput(f"{key}: give a whole number from 1 to {MAX_PAGE:,}")
    return int(text)


def _others(request: Request, key: str = "page") -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in request.query_params.multi_items() if k != key)


def window(
    request: Request, rows: Sequence[T], size: int = PAGE_SIZE, key: str = "page"
) -> tuple[list[T], Paging]:
    """The asked page of rows already in hand (a page past the last shows the last)."""
    pages = max(1, -(-len(rows) // size))
    number = min(asked_page(request, key), pages)
    paging = Paging(number, size, number < pages, len(rows), _others(request, key), key)
    return list(rows[paging.offset : paging.offset + size]), paging


def fetched(request: Request, rows: Sequence[T], number: int, size: int) -> Paging:
    """The paging of page `number`, whose rows were fetched with `offset=(number-1)*size,
    limit=size` (exactly what is shown, so that what is recorded as listed is what was seen):
    a full page offers the next, which may be empty when the rows end with this page."""
    return Paging(number, size, len(rows) == size, None, _others(request))


__all__ = ["PAGE_SIZE", "Paging", "asked_page", "fetched", "window"]
