"""Labels of reference codes, as a force types them into its return."""

from __future__ import annotations

from functools import cache

from msops.domain.reference import code_lists


@cache
def _labels(list_name: str) -> dict[str, str]:
    return {c.code: c.label for c in code_lists()[list_name]}


def label(list_name: str, code: str) -> str:
    """The label of `code` in the code list `list_name` (e.g. sector, nail_bar -> Nail bars)."""
    return _labels(list_name)[code]
