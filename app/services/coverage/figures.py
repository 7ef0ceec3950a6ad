"""Coverage figures by area, program and agency, and the program overlap matrix (domain.md).

The contract used by the map and rollout planning; every function takes the reference date
(default today), the desil threshold (default 4), optional program/agency filters, and the
caller's ``area_prefixes`` (applied inside the SQL). Counts are plain integers here; the routers
suppress small counts for roles that may not see persons. Definitions: ``geo.coverage.rules``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, TextClause, text

from app.services.coverage.check import check_identities
from app.services.coverage.lists import gap_list, leakage_list, poverty_by_area
from app.services.coverage.sql import (
    ACTIVE_S,
    HITS_S,
    IN_AREA,
    TARGET_H,
    TARGET_S,
    Query,
    area_names,
    check_parent,
    make_query,
)
from app.services.coverage.steps import stale_codes
from geo.coverage import area_code_sql, check_level, rate

__all__ = ["check_identities", "coverage_by_agency", "coverage_by_area", "coverage_by_program",
           "gap_list", "leakage_list", "overlap_matrix", "poverty_by_area"]

SEGMENTS_BY_AREA = f"""
    SELECT {{code}} AS kode,
           count(*) FILTER (WHERE {TARGET_S}) AS covered,
           count(*) FILTER (WHERE {TARGET_S} AND s.n_program >= 2) AS overlap,
           count(*) FILTER (WHERE {TARGET_S} AND s.n_instansi >= 2) AS overlap_agency,
           coalesce(sum({HITS_S}) FILTER (WHERE NOT {TARGET_S}), 0) AS leakage,
           count(*) FILTER (WHERE NOT {TARGET_S}) AS leakage_households
    FROM coverage_segment s
    WHERE {ACTIVE_S} AND {IN_AREA.format(col="s.kode_kelurahan")} {{only}}
    GROUP BY 1
"""
TARGET_G = "(g.terverifikasi AND g.desil <= :desil)"


def _figures(kode: str, nama: str | None, level: str, targets: int, seg: dict[str, Any],
             unmatched: int | None = None) -> dict[str, Any]:
    covered = int(seg.get("covered", 0))
    return {
        "kode": kode, "nama": nama, "level": level, "targets": targets, "covered": covered,
        "overlap": int(seg.get("overlap", 0)), "overlap_agency": int(seg.get("overlap_agency", 0)),
        "gap": targets - covered, "coverage_rate": rate(covered, targets),
        "leakage": int(seg.get("leakage", 0)),
        "leakage_households": int(seg.get("leakage_households", 0)), "unmatched": unmatched,
    }


def coverage_by_area(
    conn: Connection, *, level: str, parent: str | None, ref_date: date | None = None,
    desil_max: int = 4, program: str | None = None, agency: str | None = None,
    area_prefixes: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """One row per area of ``level`` under ``parent`` (areas known in ``wilayah`` and areas
    that have households), ordered by code. ``unmatched`` is None: it has no area."""
    length = check_level(level)
    check_parent(parent)
    q = make_query(ref_date, desil_max, program, agency, parent, area_prefixes)
    params = q.params(conn)
    code = area_code_sql(level, "h.kode_kelurahan")
    targets = {r.kode: int(r.targets) for r in conn.execute(_targets_sql(code), params)}
    segments = _enrolled_by_area(conn, level, params)
    known = conn.execute(text(
        "SELECT kode FROM wilayah w WHERE level = :level AND "
        + IN_AREA.format(col="w.kode")), {**params, "level": level}).scalars().all()
    codes = sorted({*known, *targets, *segments} - {None})
    codes = [c for c in codes if len(c) == length or c in targets or c in segments]
    names = area_names(conn, codes)
    return [_figures(c, names.get(c), level, targets.get(c, 0), segments.get(c, {}))
            for c in codes]


STEPS_BY_AREA = f"""
    SELECT {{code}} AS kode,
           coalesce(sum(st.households) FILTER (WHERE {TARGET_G}), 0) AS covered,
           coalesce(sum(st.overlap) FILTER (WHERE {TARGET_G}), 0) AS overlap,
           coalesce(sum(st.overlap_agency) FILTER (WHERE {TARGET_G}), 0) AS overlap_agency,
           coalesce(sum(st.pairs) FILTER (WHERE NOT {TARGET_G}), 0) AS leakage,
           coalesce(sum(st.households) FILTER (WHERE NOT {TARGET_G}), 0) AS leakage_households
    FROM coverage_group g
    CROSS JOIN LATERAL (
        SELECT households, overlap, overlap_agency, pairs FROM coverage_step s
        WHERE s.kode_kelurahan = g.kode_kelurahan AND s.desil = g.desil
          AND s.terverifikasi = g.terverifikasi AND s.berlaku <= :ref
        ORDER BY s.berlaku DESC LIMIT 1) st
    WHERE {IN_AREA.format(col="g.kode_kelurahan")}
      AND NOT g.kode_kelurahan = ANY(CAST(:stale AS text[]))
    GROUP BY 1
"""


def _enrolled_by_area(conn: Connection, level: str, params: dict[str, Any]
                      ) -> dict[str, dict[str, Any]]:
    """Enrollment figures per area: unfiltered from the steps (one probe per group), with
    stale kelurahan and program/agency filters from the segments (both exact)."""
    code_s = area_code_sql(level, "s.kode_kelurahan")
    if params["pids"] is not None:
        return {r.kode: dict(r._mapping) for r in conn.execute(
            text(SEGMENTS_BY_AREA.format(code=code_s, only="")), params)}
    stale = stale_codes(conn)
    rows = [dict(r._mapping) for r in conn.execute(text(STEPS_BY_AREA.format(
        code=area_code_sql(level, "g.kode_kelurahan"))), {**params, "stale": stale})]
    if stale:
        rows += [dict(r._mapping) for r in conn.execute(text(SEGMENTS_BY_AREA.format(
            code=code_s, only="AND s.kode_kelurahan = ANY(CAST(:stale AS text[]))")),
            {**params, "stale": stale})]
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        into = out.setdefault(row["kode"], dict.fromkeys(row, 0))
        for key, value in row.items():
            into[key] = row["kode"] if key == "kode" else into[key] + int(value)
    return out


def _targets_sql(code: str) -> TextClause:
    """Target households per ``code`` (an expression over ``h.kode_kelurahan``)."""
    return text(f"SELECT {code} AS kode, count(*) AS targets FROM household h "
                f"WHERE {TARGET_H} AND {IN_AREA.format(col='h.kode_kelurahan')} GROUP BY 1")


PER_PROGRAM_KELURAHAN = f"""
    SELECT sp.id AS program_id, s.kode_kelurahan AS kode,
           count(*) FILTER (WHERE {TARGET_S}) AS covered,
           count(*) FILTER (WHERE {TARGET_S} AND s.n_program >= 2) AS overlap,
           count(*) FILTER (WHERE {TARGET_S} AND s.n_instansi >= 2) AS overlap_agency,
           count(*) FILTER (WHERE NOT {TARGET_S}) AS leakage
    FROM coverage_segment s CROSS JOIN LATERAL unnest(s.program_ids) AS sp(id)
    WHERE {ACTIVE_S} AND {IN_AREA.format(col="s.kode_kelurahan")}
    GROUP BY 1, 2
"""
UNMATCHED_BY_PROGRAM = """
    SELECT program_id, count(*) AS n FROM enrollment
    WHERE status = 'unmatched' AND tanggal_mulai <= :ref
      AND (tanggal_selesai IS NULL OR :ref <= tanggal_selesai) GROUP BY 1
"""


def _programs(conn: Connection, q: Query) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(
        "SELECT p.id, p.kode_program, p.nama, p.instansi, a.nama AS nama_instansi, "
        "p.wilayah_layanan FROM program p JOIN agency a ON a.kode = p.instansi "
        "WHERE (CAST(:prog AS text) IS NULL OR p.kode_program = :prog) "
        "AND (CAST(:ag AS text) IS NULL OR p.instansi = :ag) ORDER BY p.kode_program"),
        {"prog": q.program, "ag": q.agency})]


def coverage_by_program(
    conn: Connection, *, ref_date: date | None = None, desil_max: int = 4,
    program: str | None = None, agency: str | None = None, parent: str | None = None,
    area_prefixes: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """One row per program: targets and covered within its service area (everywhere when it
    has none); leakage anywhere in scope; unmatched rows only for an unscoped query."""
    q = make_query(ref_date, desil_max, program, agency, parent, area_prefixes)
    params = q.params(conn)
    targets = {r.kode: int(r.targets) for r in conn.execute(
        _targets_sql("h.kode_kelurahan"), params)}
    cells: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in conn.execute(text(PER_PROGRAM_KELURAHAN), params):
        cells[r.program_id].append(dict(r._mapping))
    unmatched = _unmatched(conn, q, params)
    rows = []
    for p in _programs(conn, q):
        area = set(p["wilayah_layanan"] or ())
        inside = [c for c in cells[p["id"]] if not area or c["kode"] in area]
        seg = {k: sum(c[k] for c in inside) for k in ("covered", "overlap", "overlap_agency")}
        seg["leakage"] = seg["leakage_households"] = sum(c["leakage"] for c in cells[p["id"]])
        total = sum(n for k, n in targets.items() if not area or k in area)
        row = _figures(p["kode_program"], p["nama"], "program", total, seg,
                       None if unmatched is None else unmatched.get(p["id"], 0))
        rows.append({**row, "instansi": p["instansi"], "nama_instansi": p["nama_instansi"],
                     "wilayah_layanan": list(p["wilayah_layanan"] or [])})
    return rows


def _unmatched(conn: Connection, q: Query, params: dict[str, Any]) -> dict[int, int] | None:
    if q.scoped:
        return None  # unmatched rows have no kelurahan: only an unscoped view can count them
    return {r.program_id: int(r.n) for r in conn.execute(text(UNMATCHED_BY_PROGRAM), params)}


PER_AGENCY = f"""
    SELECT si.kode AS instansi,
           count(*) FILTER (WHERE {TARGET_S}) AS covered,
           count(*) FILTER (WHERE {TARGET_S} AND s.n_program >= 2) AS overlap,
           count(*) FILTER (WHERE {TARGET_S} AND s.n_instansi >= 2) AS overlap_agency,
           count(*) FILTER (WHERE NOT {TARGET_S}) AS leakage_households
    FROM coverage_segment s CROSS JOIN LATERAL unnest(s.instansi) AS si(kode)
    WHERE {ACTIVE_S} AND {IN_AREA.format(col="s.kode_kelurahan")}
    GROUP BY 1
"""


def coverage_by_agency(
    conn: Connection, *, ref_date: date | None = None, desil_max: int = 4,
    agency: str | None = None, parent: str | None = None, area_prefixes: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """One row per agency: covered = targets with an active program of the agency; targets =
    all targets in scope; leakage = sum of its programs' leakage (pairs are additive)."""
    q = make_query(ref_date, desil_max, None, agency, parent, area_prefixes)
    params = q.params(conn)
    targets = sum(int(r.targets) for r in conn.execute(_targets_sql("h.kode_kelurahan"), params))
    per = {r.instansi: dict(r._mapping) for r in conn.execute(text(PER_AGENCY), params)}
    programs = coverage_by_program(conn, ref_date=q.ref_date, desil_max=desil_max,
                                   agency=agency, parent=parent, area_prefixes=area_prefixes)
    agencies = conn.execute(text(
        "SELECT kode, nama FROM agency WHERE CAST(:ag AS text) IS NULL OR kode = :ag "
        "ORDER BY kode"), {"ag": agency}).all()
    rows = []
    for a in agencies:
        mine = [p for p in programs if p["instansi"] == a.kode]
        seg = dict(per.get(a.kode, {}))
        seg["leakage"] = sum(p["leakage"] for p in mine)
        unmatched = None if q.scoped else sum(p["unmatched"] or 0 for p in mine)
        rows.append({**_figures(a.kode, a.nama, "instansi", targets, seg, unmatched),
                     "programs": len(mine)})
    return rows


def overlap_matrix(
    conn: Connection, *, ref_date: date | None = None, desil_max: int = 4,
    parent: str | None = None, program: str | None = None, agency: str | None = None,
    area_prefixes: tuple[str, ...] = (),
) -> dict[str, Any]:
    """``matrix[i][j]`` = target households actively enrolled in both programs i and j on the
    reference date (the diagonal: in program i)."""
    q = make_query(ref_date, desil_max, program, agency, parent, area_prefixes)
    params = q.params(conn)
    programs = _programs(conn, Query(q.ref_date, agency=q.agency))
    ids = [p["id"] for p in programs]
    pairs = conn.execute(text(
        f"SELECT a.id AS a, b.id AS b, count(*) AS n FROM coverage_segment s "
        f"CROSS JOIN LATERAL unnest(s.program_ids) AS a(id) "
        f"CROSS JOIN LATERAL unnest(s.program_ids) AS b(id) "
        f"WHERE {ACTIVE_S} AND {TARGET_S} AND {IN_AREA.format(col='s.kode_kelurahan')} "
        f"GROUP BY 1, 2"), {**params, "pids": None}).all()
    index = {pid: i for i, pid in enumerate(ids)}
    matrix = [[0] * len(ids) for _ in ids]
    for a, b, n in pairs:
        if a in index and b in index:
            matrix[index[a]][index[b]] = int(n)
    return {
        "programs": [{"kode_program": p["kode_program"], "nama": p["nama"],
                      "instansi": p["instansi"]} for p in programs],
        "matrix": matrix,
    }
