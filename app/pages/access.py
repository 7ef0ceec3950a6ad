"""Who may open a page: the guard every page route takes, and what the layout needs to know
about the user (kept on ``request.state`` so that error pages can show the same header)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request

from app.deps import ConnDep
from app.pages.nav import ROLE_LABELS, Page
from app.principal import Principal
from app.security import PrincipalDep
from app.services.wilayah import area_names
from geo.errors import PermissionDenied


def area_label(conn: Any, principal: Principal) -> str:
    """The area in scope as people name it: ``Kota Bontang (64.74)``, or ``Semua wilayah``."""
    if not principal.area_prefixes:
        return "Semua wilayah"
    names = area_names(conn, principal.area_prefixes)
    return ", ".join(f"{names[c]} ({c})" if c in names else c for c in principal.area_prefixes)


def guard(page: Page) -> Any:
    """``principal: Principal = guard(PAGE)``: the logged-in principal, after checking that
    its role may use ``page`` (else 403, shown as the "tidak berhak" page)."""

    def check(request: Request, conn: ConnDep, principal: PrincipalDep) -> Principal:
        request.state.principal = principal
        request.state.area_label = area_label(conn, principal)
        if not page.allows(principal):
            raise PermissionDenied(f"Halaman {page.label} tidak tersedia untuk peran "
                                   f"{ROLE_LABELS.get(principal.role, principal.role)}.")
        return principal

    return Depends(check)
