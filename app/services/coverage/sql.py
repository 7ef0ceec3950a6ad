"""SQL pieces shared by the coverage services: area scoping, the active-segment filter, and the
program/agency filter resolved to program ids. Fragments carry only bound-parameter names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from geo.coverage import check_desil
from geo.errors import InvalidInput, NotFound

# Inside the principal's areas: no prefixes (everywhere), or equal to / below one of them.
IN_PREFIXES = (
    "(cardinality(CAST(:prefixes AS text[])) = 0 OR EXISTS ("
    "SELECT 1 FROM unnest(CAST(:prefixes AS text[])) AS ap(prefix) "
    "WHERE {col} = ap.prefix OR {col} LIKE ap.prefix || '.%'))"
)
# ... and under ``parent`` (None = everywhere).
IN_AREA = (
    "(CAST(:parent AS text) IS NULL OR {col} = :parent OR {col} LIKE :parent || '.%') AND "
    + IN_PREFIXES
)
TARGET_H = "h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil"
# The one segment of a household containing the reference date, restricted to the filter.
ACTIVE_S = (
    "s.dari <= :ref AND :ref < s.sampai "
    "AND (CAST(:pids AS int[]) IS NULL OR s.program_ids && CAST(:pids AS int[]))"
)
TARGET_S = "(s.terverifikasi AND s.desil <= :desil)"
# Active (household, program) pairs of the filter's programs in a segment (leakage counts them).
HITS_S = (
    "CASE WHEN CAST(:pids AS int[]) IS NULL THEN s.n_program ELSE "
    "(SELECT count(*) FROM unnest(s.program_ids) AS sp(id) "
    "WHERE sp.id = ANY(CAST(:pids AS int[]))) END"
)


@dataclass(frozen=True)
class Query:
    """Parameters of every coverage figure."""

    ref_date: date
    desil_max: int = 4
    program: str | None = None
    agency: str | None = None
    parent: str | None = None
    area_prefixes: tuple[str, ...] = ()

    def params(self, conn: Connection) -> dict[str, Any]:
        check_desil(self.desil_max)
        return {
            "ref": self.ref_date, "desil": self.desil_max, "parent": self.parent or None,
            "prefixes": list(self.area_prefixes), "pids": program_filter(conn, self),
        }

    @property
    def scoped(self) -> bool:
        return bool(self.parent or self.area_prefixes)


def make_query(ref_date: date | None, desil_max: int, program: str | None, agency: str | None,
               parent: str | None, area_prefixes: tuple[str, ...]) -> Query:
    return Query(ref_date or date.today(), desil_max, program or None, agency or None,
                 parent or None, tuple(area_prefixes))


def program_filter(conn: Connection, q: Query) -> list[int] | None:
    """Program ids the figures are restricted to (None = all programs)."""
    if q.program is None and q.agency is None:
        return None
    ids = conn.execute(
        text("SELECT id FROM program WHERE (CAST(:prog AS text) IS NULL OR kode_program = :prog) "
             "AND (CAST(:ag AS text) IS NULL OR instansi = :ag)"),
        {"prog": q.program, "ag": q.agency},
    ).scalars().all()
    if not ids and q.program is not None:
        raise NotFound(f"Program '{q.program}' tidak ditemukan.", {"program": q.program})
    if not ids and not conn.execute(text("SELECT 1 FROM agency WHERE kode = :ag"),
                                    {"ag": q.agency}).first():
        raise NotFound(f"Instansi '{q.agency}' tidak ditemukan.", {"instansi": q.agency})
    return list(ids)


def area_names(conn: Connection, codes: list[str]) -> dict[str, str]:
    rows = conn.execute(text("SELECT kode, nama FROM wilayah WHERE kode = ANY(:codes)"),
                        {"codes": codes})
    return {r.kode: r.nama for r in rows}


def check_parent(parent: str | None) -> None:
    if parent is not None and (not parent or len(parent) > 13):
        raise InvalidInput(f"Kode induk '{parent}' tidak sah.", {"parent": parent})
