"""Coverage figures by area, program and agency, and the program overlap matrix (domain.md).

The contract used by the map and rollout planning; every function takes the reference date
(default today), the desil threshold (default 4), optional program/agency filters, and the
caller's ``area_prefixes`` (applied inside the SQL). Counts are plain integers here; the routers
suppress small counts for roles that may not see persons. Definitions: ``geo.coverage.rules``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, text

from app.services.coverage.check import check_identities
from app.services.coverage.lists import gap_list, leakage_list, poverty_by_area
from app.services.coverage.sql import Query, check_parent, make_query
from app.services.coverage.steps import (
    EVERY_KELURAHAN,
    area_targets,
    combinations_usable,
    enrolled_by_area,
    stale_codes,
)
from app.services.scope import scope_areas
from app.services.wilayah import area_names
from app.sql import statement
from geo.coverage import check_level, rate
from geo.coverage.mix import KeyRow, MixRow, agency_cells, program_cells
from geo.coverage.overlap import pair_matrix

__all__ = ["check_identities", "coverage_by_agency", "coverage_by_area", "coverage_by_program",
           "gap_list", "leakage_list", "overlap_matrix", "poverty_by_area", "scope_figures"]

KELURAHAN_LENGTH = check_level("kelurahan")  # the whole code: one row per kelurahan

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
    params = {**q.params(conn), "code_length": length}
    stale = stale_codes(conn)
    targets = area_targets(conn, params, stale)
    segments = enrolled_by_area(conn, params, _filter_key(q, params["pids"]), stale)
    known = conn.execute(text(statement("coverage/areas_of_level.sql")),
                         {**params, "level": level}).scalars().all()
    codes = sorted({*known, *targets, *segments} - {None})
    codes = [c for c in codes if len(c) == length or c in targets or c in segments]
    names = area_names(conn, codes)
    return [_figures(c, names.get(c), level, targets.get(c, 0), segments.get(c, {}))
            for c in codes]


def _filter_key(q: Query, pids: list[int] | None) -> str | None:
    """The steps key of the filter: one program, else one agency (None: all programs)."""
    if q.program is not None and pids:
        return f"p{pids[0]}"
    return f"a{q.agency}" if q.agency is not None else None


def _targets(conn: Connection, params: dict[str, Any]) -> dict[str, int]:
    return area_targets(conn, params, stale_codes(conn))


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
    params = {**q.params(conn), "code_length": KELURAHAN_LENGTH}
    mix = _mix(conn, params, scope_areas(area_prefixes, parent))
    return _program_rows(conn, q, params, mix, _targets(conn, params))


class Mix(NamedTuple):
    """The active households of a query per combination (``segments``) and per key
    (``keys``), each kelurahan in exactly one of the two (``geo.coverage.mix``); when read
    from the combination steps, also their target households per combination of programs
    (``combinations``, what the overlap matrix of the same scope is made of)."""

    segments: list[MixRow]
    keys: list[KeyRow]
    combinations: list[tuple[tuple[int, ...], int]] | None = None


def _program_rows(conn: Connection, q: Query, params: dict[str, Any], mix: Mix,
                  targets: dict[str, int]) -> list[dict[str, Any]]:
    cells = program_cells(mix.segments, mix.keys)
    unmatched = _unmatched(conn, q, params)
    rows = []
    for p in _programs(conn, q):
        area = set(p["wilayah_layanan"] or ())
        mine = cells.get(p["id"], {})
        inside = [c for kode, c in mine.items() if not area or kode in area]
        seg = {k: sum(c[k] for c in inside) for k in ("covered", "overlap", "overlap_agency")}
        seg["leakage"] = seg["leakage_households"] = sum(c["leakage"] for c in mine.values())
        total = sum(n for k, n in targets.items() if not area or k in area)
        row = _figures(p["kode_program"], p["nama"], "program", total, seg,
                       None if unmatched is None else unmatched.get(p["id"], 0))
        rows.append({**row, "instansi": p["instansi"], "nama_instansi": p["nama_instansi"],
                     "wilayah_layanan": list(p["wilayah_layanan"] or [])})
    return rows


def _mix(conn: Connection, params: dict[str, Any], areas: list[str] | None) -> Mix:
    """The query's households (``areas``: its scope, ``scope_areas``) per combination of
    programs or per key, the kelurahan kept only inside some program's service area (else
    None). With a program or agency filter (few segments, and agency rows narrowed to
    households of the filter), from the segments. Unfiltered, for whole kab/kota with nothing
    waiting for a refresh, from the combination steps, the service-area kelurahan split off
    them by their per-key steps; else from the per-key steps, with kelurahan waiting for a
    refresh from the segments."""
    service = list(conn.execute(text(
        "SELECT DISTINCT unnest(wilayah_layanan) FROM program")).scalars())
    stale = stale_codes(conn)
    if params["pids"] is not None or EVERY_KELURAHAN in stale:
        return Mix(_segment_mix(conn, params, service, None), [])
    keyed = {**params, "service_kelurahan": service, "stale": stale}
    if combinations_usable(stale, areas):
        rows = _combination_mix(conn, params)
        return Mix(rows, _service_split(conn, keyed) if service else [],
                   [(r.programs, r.households) for r in rows if r.target])
    keys = [_key_row(r) for r in conn.execute(text(statement("coverage/key_mix.sql")),
                                              {**keyed, "only": None})]
    return Mix(_segment_mix(conn, params, service, stale) if stale else [], keys)


def _combination_mix(conn: Connection, params: dict[str, Any]) -> list[MixRow]:
    """The scope's mix from the combination steps, every row outside the service areas
    (kelurahan None); each combination's agencies from its programs, as the segments take
    them."""
    agency_of: dict[int, str] = {r.id: r.instansi for r in conn.execute(
        text("SELECT id, instansi FROM program"))}
    return [MixRow(tuple(r.programs), tuple(sorted({agency_of[p] for p in r.programs})),
                   None, r.target, int(r.households))
            for r in conn.execute(text(statement("coverage/combination_mix.sql")), params)]


def _service_split(conn: Connection, params: dict[str, Any]) -> list[KeyRow]:
    """The per-key rows of the service-area kelurahan in scope, each both under its
    kelurahan and, negated, under None: added to a mix that counts them under None, they
    move there without changing any sum."""
    rows = [_key_row(r) for r in conn.execute(
        text(statement("coverage/key_mix.sql")),
        {**params, "only": params["service_kelurahan"]})]
    return rows + [replace(row, kode=None, households=-row.households,
                           overlap=-row.overlap, overlap_agency=-row.overlap_agency)
                   for row in rows]


def _segment_mix(conn: Connection, params: dict[str, Any], service: list[str],
                 only: list[str] | None) -> list[MixRow]:
    return [MixRow(tuple(r.programs), tuple(r.agencies), r.kode, r.target, int(r.households))
            for r in conn.execute(text(statement("coverage/segment_mix.sql")),
                                  {**params, "service_kelurahan": service, "only": only})]


def _key_row(r: Any) -> KeyRow:
    """A row of key_mix.sql; keys are 'p' + program id or 'a' + agency code
    (key_steps_refresh.sql)."""
    program = int(r.kunci[1:]) if r.kunci.startswith("p") else None
    agency = r.kunci[1:] if r.kunci.startswith("a") else None
    return KeyRow(program, agency, r.kode, r.target, int(r.households), int(r.overlap),
                  int(r.overlap_agency))


def _unmatched(conn: Connection, q: Query, params: dict[str, Any]) -> dict[int, int] | None:
    if q.scoped:
        return None  # unmatched rows have no kelurahan: only an unscoped view can count them
    return {r.program_id: int(r.n) for r in conn.execute(
        text(statement("coverage/unmatched_by_program.sql")), params)}


def coverage_by_agency(
    conn: Connection, *, ref_date: date | None = None, desil_max: int = 4,
    agency: str | None = None, parent: str | None = None, area_prefixes: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """One row per agency: covered = targets with an active program of the agency; targets =
    all targets in scope; leakage = sum of its programs' leakage (pairs are additive)."""
    q = make_query(ref_date, desil_max, None, agency, parent, area_prefixes)
    params = {**q.params(conn), "code_length": KELURAHAN_LENGTH}
    mix = _mix(conn, params, scope_areas(area_prefixes, parent))
    targets = _targets(conn, params)
    return _agency_rows(conn, q, mix, targets, _program_rows(conn, q, params, mix, targets))


def _agency_rows(conn: Connection, q: Query, mix: Mix, targets: dict[str, int],
                 programs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    total = sum(targets.values())
    per = agency_cells(mix.segments, mix.keys)
    agencies = conn.execute(text(
        "SELECT kode, nama FROM agency WHERE CAST(:ag AS text) IS NULL OR kode = :ag "
        "ORDER BY kode"), {"ag": q.agency}).all()
    rows = []
    for a in agencies:
        mine = [p for p in programs if p["instansi"] == a.kode]
        seg = dict(per.get(a.kode, {}))
        seg["leakage"] = sum(p["leakage"] for p in mine)
        unmatched = None if q.scoped else sum(p["unmatched"] or 0 for p in mine)
        rows.append({**_figures(a.kode, a.nama, "instansi", total, seg, unmatched),
                     "programs": len(mine)})
    return rows


def overlap_matrix(
    conn: Connection, *, ref_date: date | None = None, desil_max: int = 4,
    parent: str | None = None, program: str | None = None, agency: str | None = None,
    area_prefixes: tuple[str, ...] = (),
) -> dict[str, Any]:
    """``matrix[i][j]`` = target households actively enrolled in both programs i and j on the
    reference date (the diagonal: in program i). A program filter does not narrow it: the
    matrix shows a program beside every other."""
    q = make_query(ref_date, desil_max, program, agency, parent, area_prefixes)
    return _matrix(conn, q, _combinations(conn, q, scope_areas(area_prefixes, parent)))


def _combinations(conn: Connection, q: Query, areas: list[str] | None
                  ) -> list[tuple[tuple[int, ...], int]]:
    """Target households per combination of programs held: for whole kab/kota from their
    combination steps (the target rows of ``combination_mix.sql``), else counted from the
    segments."""
    if combinations_usable(stale_codes(conn), areas):
        return [(tuple(r.programs), int(r.households)) for r in conn.execute(
            text(statement("coverage/combination_mix.sql")), q.params(conn)) if r.target]
    return [(tuple(r.programs), int(r.n)) for r in conn.execute(
        text(statement("coverage/overlap_combinations.sql")), q.params(conn))]


def _matrix(conn: Connection, q: Query, combos: list[tuple[tuple[int, ...], int]]
            ) -> dict[str, Any]:
    programs = _programs(conn, Query(q.ref_date, agency=q.agency))
    matrix = pair_matrix([p["id"] for p in programs], combos)
    return {
        "programs": [{"kode_program": p["kode_program"], "nama": p["nama"],
                      "instansi": p["instansi"]} for p in programs],
        "matrix": matrix,
    }


def scope_figures(conn: Connection, *, ref_date: date, desil_max: int = 4,
                  area_prefixes: tuple[str, ...] = ()) -> dict[str, Any]:
    """The whole scope's ``coverage_by_program``, ``coverage_by_agency`` and ``overlap_matrix``
    (no filter) from one mix: what a protected page needs all of."""
    q = make_query(ref_date, desil_max, None, None, None, area_prefixes)
    params = {**q.params(conn), "code_length": KELURAHAN_LENGTH}
    areas = scope_areas(area_prefixes)
    mix, targets = _mix(conn, params, areas), _targets(conn, params)
    programs = _program_rows(conn, q, params, mix, targets)
    combos = mix.combinations
    if combos is None:
        combos = _combinations(conn, q, areas)
    return {"programs": programs, "agencies": _agency_rows(conn, q, mix, targets, programs),
            "overlap": _matrix(conn, q, combos)}
