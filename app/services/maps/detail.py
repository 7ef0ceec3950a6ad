"""One area's side panel (a click on the map): every figure of the area, the same figures per
program, the FGT indices, and, for roles that may see persons, its poorest uncovered households.

Figures come from the coverage service, the same functions as the choropleth and the API.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from app.principal import Principal
from app.services.maps.data import MapFilter
from geo.coverage import LEVEL_LENGTH
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
    conn: Connection, kode: str, flt: MapFilter, *, principal: Principal, poverty_line: float,
) -> dict[str, Any]:
    """The figures of area ``kode`` under the filter, per program, P0-P2, and (for roles that
    may see persons) its ten poorest target households without an active enrollment. The
    program/agency filter narrows the programs counted, as on the choropleth. Every figure
    comes from ``app.services.coverage.publication``: to roles without person access the
    area's figures are protected and its per-program figures are not given (``programs``
    None: one area's program breakdown would undo the protection)."""
    from app.services.coverage import gap_list, publication

    level = area_level(kode)
    pub = publication(conn, principal, ref_date=flt.ref_date, desil_max=flt.desil_max)
    rows = [r for r in pub.areas(level, kode, program=flt.program, agency=flt.agency)
            if r["kode"] == kode]
    if not rows:
        raise NotFound(f"Wilayah '{kode}' tidak ditemukan di cakupan Anda.", {"kode": kode})
    [row] = rows
    fgt = next((p for p in pub.poverty(level, kode, poverty_line) if p["kode"] == kode), {})
    row.update({f: fgt.get(f) for f in ("p0", "p1", "p2", "households_without_expenditure",
                                        "fgt_catatan")})
    programs = None
    if not pub.protected:
        programs = [p for p in pub.programs(kode, program=flt.program, agency=flt.agency)
                    if p["targets"] or p["covered"] or p["leakage"]]
    gaps = None
    if principal.can_see_persons:
        gaps = [{k: g[k] for k in GAP_COLUMNS} for g in gap_list(
            conn, parent=kode, limit=TOP_GAP_HOUSEHOLDS, ref_date=flt.ref_date,
            desil_max=flt.desil_max, program=flt.program, agency=flt.agency,
            area_prefixes=principal.area_prefixes)]
    return {"kode": kode, "nama": row["nama"], "level": level, "figures": row,
            "programs": programs, "gap_households": gaps}
