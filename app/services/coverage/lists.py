"""Person lists (gap and leakage households) and FGT poverty indices per area.

The lists hold names and addresses: callers check ``principal.can_see_persons`` and write the
audit log. Identity numbers appear only masked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from app.services.coverage.sql import ACTIVE_S, IN_AREA, TARGET_H, area_names, make_query
from geo.coverage import area_code_sql, check_line, fgt_from_sums

PERSON_COLUMNS = (
    "h.id_keluarga, h.nama_kepala, h.nik_kepala_mask, h.no_kk_mask, h.alamat, "
    "h.kode_kelurahan, w.nama AS nama_kelurahan, h.desil, h.jumlah_anggota, "
    "h.pengeluaran_per_kapita, h.status_verifikasi"
)
GAP_SQL = f"""
    SELECT {PERSON_COLUMNS}
    FROM household h LEFT JOIN wilayah w ON w.kode = h.kode_kelurahan
    WHERE {TARGET_H} AND {IN_AREA.format(col="h.kode_kelurahan")}
      AND NOT EXISTS (SELECT 1 FROM coverage_segment s WHERE s.household_id = h.id AND {ACTIVE_S})
    ORDER BY h.desil, h.pengeluaran_per_kapita NULLS LAST, h.jumlah_anggota DESC, h.id_keluarga
    LIMIT :limit OFFSET :offset
"""
LEAKAGE_SQL = f"""
    SELECT {PERSON_COLUMNS},
           (SELECT array_agg(p.kode_program ORDER BY p.kode_program) FROM program p
             WHERE p.id = ANY(s.program_ids)
               AND (CAST(:pids AS int[]) IS NULL OR p.id = ANY(CAST(:pids AS int[])))) AS programs,
           s.instansi AS agencies
    FROM coverage_segment s
    JOIN household h ON h.id = s.household_id
    LEFT JOIN wilayah w ON w.kode = h.kode_kelurahan
    WHERE {ACTIVE_S} AND NOT (s.terverifikasi AND s.desil <= :desil)
      AND {IN_AREA.format(col="s.kode_kelurahan")}
    ORDER BY h.desil DESC, h.kode_kelurahan, h.id_keluarga
    LIMIT :limit OFFSET :offset
"""


def gap_list(
    conn: Connection, *, ref_date: date | None = None, desil_max: int = 4,
    parent: str | None = None, program: str | None = None, agency: str | None = None,
    area_prefixes: tuple[str, ...] = (), limit: int | None = None, offset: int = 0,
) -> list[dict[str, Any]]:
    """Target households with no active enrollment (in the filter's programs), poorest first:
    desil, then expenditure per capita, then larger households first."""
    q = make_query(ref_date, desil_max, program, agency, parent, area_prefixes)
    params = {**q.params(conn), "limit": limit, "offset": offset}
    return [dict(r._mapping) for r in conn.execute(text(GAP_SQL), params)]


def leakage_list(
    conn: Connection, *, ref_date: date | None = None, desil_max: int = 4,
    parent: str | None = None, program: str | None = None, agency: str | None = None,
    area_prefixes: tuple[str, ...] = (), limit: int | None = None, offset: int = 0,
) -> list[dict[str, Any]]:
    """Non-target households with an active enrollment, with the programs concerned."""
    q = make_query(ref_date, desil_max, program, agency, parent, area_prefixes)
    params = {**q.params(conn), "limit": limit, "offset": offset}
    return [dict(r._mapping) for r in conn.execute(text(LEAKAGE_SQL), params)]


POVERTY_SQL = """
    SELECT {code} AS kode,
           count(*) FILTER (WHERE y IS NOT NULL) AS households,
           coalesce(sum(n) FILTER (WHERE y IS NOT NULL), 0) AS persons,
           count(*) FILTER (WHERE y IS NULL) AS households_without_expenditure,
           coalesce(sum(n) FILTER (WHERE y < :line), 0) AS poor_persons,
           coalesce(sum(n * greatest(0, (:line - y) / :line)), 0) AS gap_sum,
           coalesce(sum(n * power(greatest(0, (:line - y) / :line), 2)), 0) AS gap_sq_sum
    FROM (SELECT h.kode_kelurahan, h.jumlah_anggota::float8 AS n,
                 h.pengeluaran_per_kapita::float8 AS y
          FROM household h WHERE {scope}) h
    GROUP BY 1 ORDER BY 1
"""


def poverty_by_area(
    conn: Connection, *, level: str, parent: str | None, line: float,
    area_prefixes: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """FGT P0/P1/P2, person-weighted, over every accepted household of the area whatever its
    status; households without expenditure are left out and counted."""
    sql = POVERTY_SQL.format(code=area_code_sql(level, "h.kode_kelurahan"),
                             scope=IN_AREA.format(col="h.kode_kelurahan"))
    rows = conn.execute(text(sql), {"line": check_line(line), "parent": parent or None,
                                    "prefixes": list(area_prefixes)}).all()
    names = area_names(conn, [r.kode for r in rows])
    return [{
        "kode": r.kode, "nama": names.get(r.kode), "level": level,
        **fgt_from_sums(r.persons, r.gap_sum, r.gap_sq_sum, r.poor_persons),
        "persons": int(r.persons), "households": int(r.households),
        "households_without_expenditure": int(r.households_without_expenditure),
    } for r in rows]
