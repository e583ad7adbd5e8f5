"""The return's shape lives in the domain (msops.domain.return_spec); this name is kept for
callers written before the move."""

from msops.domain.return_spec import (
    DETAIL_CODES,
    DETAILS,
    IDENTIFIERS,
    MARKING,
    NATIONALITIES,
    NOMINALS,
    OPERATIONS,
    PARTS,
    PARTS_BY_NAME,
    REQUIRED_PARTS,
    VICTIM_COUNT_COLUMNS,
    Column,
    Part,
)

__all__ = [
    "DETAILS",
    "DETAIL_CODES",
    "IDENTIFIERS",
    "MARKING",
    "NATIONALITIES",
    "NOMINALS",
    "OPERATIONS",
    "PARTS",
    "PARTS_BY_NAME",
    "REQUIRED_PARTS",
    "VICTIM_COUNT_COLUMNS",
    "Column",
    "Part",
]
