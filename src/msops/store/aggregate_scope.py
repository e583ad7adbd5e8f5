"""The aggregate-only scope of a police and crime commissioner (PCC) and of an administrator.

Kept out of scope.py on purpose: `aggregate_scope` must only ever feed functions that return
counts (e.g. `msops.analytics.headline`), never rows.
"""

from __future__ import annotations

from msops.domain.errors import AccessDenied
from msops.domain.principal import Principal, Role


def aggregate_scope(principal: Principal) -> Principal:
    """The principal whose scope bounds the counts `principal` may see.

    A PCC sees counts for their force area (to be disclosure-controlled by the caller); an
    administrator sees none; everyone else sees counts within their own scope.
    """
    if principal.role == Role.PCC and principal.organisation:
        return Principal(principal.name, Role.FORCE_USER, organisation=principal.organisation)
    if principal.role in (Role.PCC, Role.ADMIN):
        raise AccessDenied(f"{principal.describe()} may not see operational figures")
    return principal
