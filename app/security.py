"""The access-control seam: who is asking, and what they may see.

Every router takes a ``PrincipalDep`` and asks it, never a role string directly:
``principal.can_see_persons`` before returning a person, ``principal.area_prefixes`` to scope
queries (applied inside the SQL, including counts), ``principal.suppress_small_counts`` for
aggregates. Until accounts exist (issue 7) every request is a local admin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends

ROLES = ("admin", "analyst", "agency", "viewer")


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    area_prefixes: tuple[str, ...] = field(default=())  # empty = everywhere
    agency_kode: str | None = None

    @property
    def can_see_persons(self) -> bool:
        return self.role in ("admin", "analyst")

    @property
    def suppress_small_counts(self) -> bool:
        return not self.can_see_persons


LOCAL_ADMIN = Principal(username="lokal", role="admin")


def current_principal() -> Principal:
    return LOCAL_ADMIN


PrincipalDep = Annotated[Principal, Depends(current_principal)]
