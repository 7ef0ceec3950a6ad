"""The page registry: each page declares its path, its navigation label and the roles that
may use it, so the navigation shows only what a role may open and a page's guard refuses the
rest with the "tidak berhak" page.

A page module registers itself at import (``PAGE = register(Page(...))``) and guards its routes
with ``PageUser(PAGE)``-style dependencies from ``app.pages.access``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.principal import ROLES, Principal

ALL_ROLES = frozenset(ROLES)
PERSON_ROLES = frozenset({"admin", "analyst"})
ROLE_LABELS = {"admin": "Admin", "analyst": "Analis", "agency": "Petugas instansi",
               "viewer": "Pimpinan/publik"}


@dataclass(frozen=True)
class Page:
    """A page in the navigation. ``start_for``: roles that land here after login (``/``);
    ``order``: position in the navigation, lower first."""

    key: str
    path: str
    label: str
    roles: frozenset[str]
    order: int = 50
    start_for: frozenset[str] = frozenset()

    def allows(self, principal: Principal) -> bool:
        return principal.role in self.roles


PAGES: dict[str, Page] = {}


def register(page: Page) -> Page:
    """Add (or replace, same key) a page; unknown role names are a programming error."""
    unknown = (page.roles | page.start_for) - ALL_ROLES
    if unknown:
        raise ValueError(f"unknown roles for page {page.key}: {sorted(unknown)}")
    PAGES[page.key] = page
    return page


def visible(principal: Principal) -> list[Page]:
    """The pages ``principal`` may open, in navigation order."""
    return sorted((p for p in PAGES.values() if p.allows(principal)),
                  key=lambda p: (p.order, p.label))


def start_path(principal: Principal) -> str:
    """Where ``/`` sends the role: the page that names it in ``start_for``, else the first
    page it may open, else the map."""
    pages = visible(principal)
    for page in pages:
        if principal.role in page.start_for:
            return page.path
    return pages[0].path if pages else "/map"


# The map is served by app.api.map (issue 15 redesigns it); it is in every role's navigation.
register(Page("peta", "/map", "Peta", ALL_ROLES, order=20))
