"""Presentation helpers of the coverage table page: which level a parent allows, the drill-down
trail, and sorting rows the way people expect (a suppressed ``<5`` between 0 and 5, missing
values last)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.pages.forms import CoverageFilter
from geo.codes import level_of

ORDER = ("kabkota", "kecamatan", "kelurahan")
CHILD = {"kabkota": "kecamatan", "kecamatan": "kelurahan"}


@dataclass(frozen=True)
class Breadcrumb:
    label: str
    params: dict[str, str] | None  # None: the current place (no link)


def level_for(requested: str | None, parent: str | None) -> str:
    """The level shown: the one asked for when it lies below ``parent``, else the level right
    below it (kab/kota without a parent)."""
    above = level_of(parent) if parent else None
    allowed = ORDER[ORDER.index(above) + 1:] if above in ORDER else ORDER
    if requested in allowed:
        return str(requested)
    return allowed[0] if allowed else "kelurahan"


def trail(flt: CoverageFilter, level: str, choices: dict[str, list[dict[str, Any]]]
          ) -> list[Breadcrumb]:
    """Semua wilayah > kab/kota > kecamatan, each a link except the last."""
    names = {c["kode"]: c["nama"] for c in choices.get("kecamatan", [])}
    crumbs = [Breadcrumb("Semua wilayah", {"level": "kabkota"})]
    if flt.parent:
        kab = flt.parent[:5]
        crumbs.append(Breadcrumb(names.get(kab, kab), {"level": "kecamatan", "kecamatan": kab}))
        if level_of(flt.parent) == "kecamatan":
            crumbs.append(Breadcrumb(names.get(flt.parent, flt.parent),
                                     {"level": "kelurahan", "kecamatan": flt.parent}))
    last = crumbs[-1]
    crumbs[-1] = Breadcrumb(last.label, None)
    return crumbs


def _key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if value == "<5":
        return (1, 2.5)
    if isinstance(value, str):
        return (1, value.casefold())
    return (1, value)


def sorted_rows(rows: list[dict[str, Any]], sort: str, descending: bool,
                allowed: set[str]) -> list[dict[str, Any]]:
    """Rows by ``sort`` (a column key), code order otherwise; missing values always last."""
    if sort not in allowed:
        return rows
    present = [r for r in rows if r.get(sort) is not None]
    missing = [r for r in rows if r.get(sort) is None]
    return sorted(present, key=lambda r: _key(r[sort]), reverse=descending) + missing
