"""Who is acting: the user, the clinic and the permissions of the membership.

Built once per request by `ClinicMiddleware`; services and selectors take it as
`actor` so that every write and every read is scoped to `actor.clinic`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from practica.accounts.models import User
    from practica.tenancy.models import Clinic, Membership


@dataclass(frozen=True)
class Actor:
    clinic: Clinic
    user: User | None
    membership: Membership | None
    permissions: frozenset[str]
    role_keys: frozenset[str] = field(default_factory=frozenset)
    ip: str = ""
    user_agent: str = ""

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def is_system(self) -> bool:
        return self.user is None

    @classmethod
    def system(cls, clinic: Clinic, permissions: frozenset[str]) -> Actor:
        """An actor for management commands and demo data (no request)."""
        return cls(clinic=clinic, user=None, membership=None, permissions=permissions)
