"""The coverage figures a page shows, from the one entry point every aggregate goes through
(``app.services.coverage.publication``): the same rows, totals and protection as the API, so
a total row never gives back a hidden count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from app.pages.forms import CoverageFilter
from app.principal import Principal
from app.services.coverage import CoveragePublication, publication
from geo.codes import level_of

CHILD_LEVEL = {None: "kabkota", "kabkota": "kecamatan", "kecamatan": "kelurahan"}


def publication_for(conn: Connection, principal: Principal, flt: CoverageFilter
                    ) -> CoveragePublication:
    """The protected publication for a page's filters (one per request)."""
    return publication(conn, principal, ref_date=flt.ref_date, desil_max=flt.desil_max)


def area_rows(conn: Connection, principal: Principal, flt: CoverageFilter, level: str,
              parent: str | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(rows of ``level`` under ``parent``, their total), as the principal may see them."""
    pub = publication_for(conn, principal, flt)
    rows = pub.areas(level, parent, program=flt.program, agency=flt.agency)
    if flt.program or flt.agency:  # only roles that may see persons get here (else refused)
        from geo.coverage import total_row

        return rows, total_row(rows)
    return rows, {**pub.total(parent), "kode": None, "nama": "Jumlah"}


def program_rows(conn: Connection, principal: Principal, flt: CoverageFilter
                 ) -> list[dict[str, Any]]:
    """Per program: of the filtered area for roles that may see persons, of the whole scope
    for the others (a program breakdown of one area is not published to them)."""
    pub = publication_for(conn, principal, flt)
    return pub.programs(None if pub.protected else flt.parent, program=flt.program,
                        agency=flt.agency)


def poverty(conn: Connection, principal: Principal, flt: CoverageFilter, line: float
            ) -> dict[str, Any]:
    """FGT P0/P1/P2 over the whole filtered area (every household, whatever its status)."""
    return publication_for(conn, principal, flt).poverty_total(flt.parent, line)


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
