"""The coverage figures Beranda shows, gathered from the same service functions as the API
(``app.services.coverage``): area tables through ``coverage_table`` (totals from the
unsuppressed rows, then suppressed alike), program rows suppressed by the API's own path
(``shown``) for roles that may not see persons."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from app.api.coverage_params import shown
from app.pages.forms import CoverageFilter
from app.principal import Principal
from app.services import coverage
from geo.codes import level_of
from geo.coverage import fgt_total

CHILD_LEVEL = {None: "kabkota", "kabkota": "kecamatan", "kecamatan": "kelurahan"}


def area_rows(conn: Connection, principal: Principal, flt: CoverageFilter, level: str,
              parent: str | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(rows of ``level`` under ``parent``, their total), as the principal may see them."""
    table = coverage.coverage_table(conn, level=level, parent=parent,
                                    area_prefixes=principal.area_prefixes,
                                    suppress=principal.suppress_small_counts,
                                    **flt.service_args())
    return table.rows, table.total


def program_rows(conn: Connection, principal: Principal, flt: CoverageFilter
                 ) -> list[dict[str, Any]]:
    rows = coverage.coverage_by_program(conn, parent=flt.parent,
                                        area_prefixes=principal.area_prefixes,
                                        **flt.service_args())
    return shown(rows, principal)


def poverty(conn: Connection, principal: Principal, flt: CoverageFilter, line: float
            ) -> dict[str, Any]:
    """FGT P0/P1/P2 over the whole filtered area (every household, whatever its status)."""
    rows = coverage.poverty_by_area(conn, level="kabkota", parent=flt.parent, line=line,
                                    area_prefixes=principal.area_prefixes)
    return shown([fgt_total(rows)], principal)[0]


def headline(conn: Connection, principal: Principal, flt: CoverageFilter, line: float
             ) -> dict[str, Any]:
    """Beranda: the total of the filtered area, P0/P1/P2, coverage per program and per area one
    level below the filter (kecamatan for a kab/kota or no filter, kelurahan for a kecamatan)."""
    parent_level = level_of(flt.parent) if flt.parent else None
    _, total = area_rows(conn, principal, flt, parent_level or "kabkota", flt.parent)
    below = "kelurahan" if parent_level == "kecamatan" else "kecamatan"
    areas, _ = area_rows(conn, principal, flt, below, flt.parent)
    return {"total": total, "poverty": poverty(conn, principal, flt, line),
            "programs": program_rows(conn, principal, flt), "areas": areas,
            "areas_level": below}
