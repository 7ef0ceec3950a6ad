"""Who is asking: the authenticated ``Principal`` and the roles it can have.

A small module of its own so that the HTTP seam (``app.security``) and the services that check
or record a principal (``app.services.access``: users, audit; rollout plans...) import it
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geo.errors import PermissionDenied

ROLES = ("admin", "analyst", "agency", "viewer")


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. ``area_prefixes`` empty means everywhere (admin)."""

    username: str
    role: str
    area_prefixes: tuple[str, ...] = field(default=())
    agency_kode: str | None = None

    @property
    def can_see_persons(self) -> bool:
        """Browse the registry: names, addresses, masked NIK (within ``area_prefixes``)."""
        return self.role in ("admin", "analyst")

    @property
    def suppress_small_counts(self) -> bool:
        """Counts 1-4 are shown as ``<5`` to anyone who may not see persons."""
        return not self.can_see_persons

    @property
    def can_check(self) -> bool:
        """The "already covered?" check for one person/household."""
        return self.role in ("admin", "analyst", "agency")

    @property
    def can_import(self) -> bool:
        """Import or edit the household registry."""
        return self.role in ("admin", "analyst")

    @property
    def can_edit_plans(self) -> bool:
        return self.role in ("admin", "analyst")

    @property
    def can_admin(self) -> bool:
        """Manage accounts, programs and agencies; read the audit log."""
        return self.role == "admin"

    def sees_agency(self, agency_kode: str | None) -> bool:
        """Full view of an agency's enrollments (persons): its own agency, or admin/analyst."""
        if self.can_see_persons:
            return True
        return self.role == "agency" and agency_kode is not None and agency_kode == self.agency_kode

    def require(self, allowed: bool, what: str = "melakukan tindakan ini") -> None:
        """Raise the one 403 when ``allowed`` is false, e.g. ``p.require(p.can_import)``."""
        if not allowed:
            raise PermissionDenied(f"Peran '{self.role}' tidak boleh {what}.")


# Local mode and the command line act as this admin (no login on one's own machine).
LOCAL_ADMIN = Principal(username="lokal", role="admin")


# Whoever receives a file written for sharing (``sasaran map --out``) may not see persons.
PUBLIC = Principal(username="publik", role="viewer")
