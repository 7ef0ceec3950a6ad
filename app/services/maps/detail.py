"""One area's side panel (a click on the map): every figure of the area, the same figures per
program, the FGT indices, and, for roles that may see persons, its poorest uncovered households.

Figures come from the coverage service, the same functions as the choropleth and the API.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from app.services.maps.data import MapFilter
from geo.coverage import LEVEL_LENGTH, suppress_row
from geo.errors import InvalidInput, NotFound

LEVEL_OF_LENGTH = {length: level for level, length in LEVEL_LENGTH.items()}
TOP_GAP_HOUSEHOLDS = 10
GAP_COLUMNS = ("id_keluarga", "nama_kepala", "nik_kepala_mask", "alamat", "desil",
               "jumlah_anggota", "pengeluaran_per_kapita")


def area_level(kode: str) -> str:
    level = LEVEL_OF_LENGTH.get(len(kode))
    if level is None:
        raise InvalidInput(f"Kode wilayah '{kode}' tidak sah (contoh: 64.74.03.1002).",
                           {"kode": kode})
    return level


def area_detail(
    conn: Connection, kode: str, flt: MapFilter, *, poverty_line: float,
    area_prefixes: tuple[str, ...] = (), persons: bool = False, suppress: bool = True,
) -> dict[str, Any]:
    """The figures of area ``kode`` under the filter, per program, P0-P2, and (``persons``)
    its ten poorest target households without an active enrollment. The program/agency
    filter narrows the programs counted, as on the choropleth."""
    from app.services.coverage import (
        coverage_by_area,
        coverage_by_program,
        gap_list,
        poverty_by_area,
    )

    level = area_level(kode)
    query: dict[str, Any] = {"ref_date": flt.ref_date, "desil_max": flt.desil_max,
                             "program": flt.program, "agency": flt.agency,
                             "area_prefixes": area_prefixes}
    rows = [r for r in coverage_by_area(conn, level=level, parent=kode, **query)
            if r["kode"] == kode]
    if not rows:
        raise NotFound(f"Wilayah '{kode}' tidak ditemukan di cakupan Anda.", {"kode": kode})
    [row] = rows
    poverty = poverty_by_area(conn, level=level, parent=kode, line=poverty_line,
                              area_prefixes=area_prefixes)
    fgt = next((p for p in poverty if p["kode"] == kode), {})
    row.update({f: fgt.get(f) for f in ("p0", "p1", "p2", "households_without_expenditure")})
    programs = [p for p in coverage_by_program(conn, parent=kode, **query)
                if p["targets"] or p["covered"] or p["leakage"]]
    gaps = []
    if persons:
        gaps = [{k: g[k] for k in GAP_COLUMNS} for g in gap_list(
            conn, parent=kode, limit=TOP_GAP_HOUSEHOLDS, **query)]
    if suppress:
        row = suppress_row(row)
        programs = [suppress_row(p) for p in programs]
    return {"kode": kode, "nama": row["nama"], "level": level, "figures": row,
            "programs": programs, "gap_households": gaps if persons else None}
