"""Who is asking, and what they may see."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    NATIONAL_ANALYST = "national_analyst"
    REGIONAL_ANALYST = "regional_analyst"
    FORCE_USER = "force_user"
    PARTNER_USER = "partner_user"
    PCC = "pcc"
    ADMIN = "admin"
    SYSTEM = "system"


@dataclass(frozen=True)
class Principal:
    """The person (or job) on whose behalf a read or write happens."""

    name: str
    role: Role
    organisation: str | None = None  # short name, for force and partner users
    region: str | None = None  # for regional analysts

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.NATIONAL_ANALYST, Role.SYSTEM)

    @property
    def may_see_personal_data(self) -> bool:
        return self.role not in (Role.PCC, Role.ADMIN)

    def describe(self) -> str:
        where = self.organisation or self.region or "national"
        return f"{self.name} ({self.role.value}, {where})"


def system_principal(name: str) -> Principal:
    """The principal for a command run by an operator on the server itself (national scope)."""
    return Principal(name=name, role=Role.SYSTEM)
