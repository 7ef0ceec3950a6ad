"""Program and agency rows (and the protected scope's figures) from the steps: equal to an
independent count over the fixture rows on change dates and the days around them. Whole kab/kota
from the combination steps (the service-area kelurahan from their per-key steps), a narrower
scope from the per-key steps, each with the other sources deleted so only it can answer; with
one kelurahan waiting for a refresh (the per-key steps for the rest, the segments for it) and
with the whole registry waiting (the segments)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from coverage_fixture import (
    PROGRAMS,
    active_programs,
    agency_of,
    is_target,
    refreshed_world,
    remove_a_household_in_two_programs,
)
from sqlalchemy import text

from app.services import coverage
from app.services.coverage.figures import scope_figures
from app.services.coverage.steps import stale_codes
from app.services.scope import within

FIELDS = ("targets", "covered", "overlap", "overlap_agency", "leakage", "leakage_households")


@pytest.fixture
def world(conn, tmp_path):
    return refreshed_world(conn, tmp_path, seed=29)


def expected_programs(households, rows, on, desil):
    active = active_programs(households, rows, on)
    out = {}
    for kode, _, area, _ in PROGRAMS:
        inside = [h for h in households if is_target(h, desil) and (not area or h.kel in area)]
        covered = [h for h in inside if kode in active[h.id_keluarga]]
        leaking = [h for h in households
                   if not is_target(h, desil) and kode in active[h.id_keluarga]]
        out[kode] = _row(len(inside), covered, active, len(leaking), len(leaking))
    return out


def expected_agencies(households, rows, on, desil):
    active = active_programs(households, rows, on)
    targets = [h for h in households if is_target(h, desil)]
    out = {}
    for agency in {a for _, a, _, _ in PROGRAMS}:
        def mine(h, agency=agency):
            return {p for p in active[h.id_keluarga] if agency_of(p) == agency}
        covered = [h for h in targets if mine(h)]
        others = [h for h in households if not is_target(h, desil) and mine(h)]
        out[agency] = _row(len(targets), covered, active, sum(len(mine(h)) for h in others),
                           len(others))
    return out


def _row(targets, covered, active, leakage, leakage_households):
    return {"targets": targets, "covered": len(covered),
            "overlap": sum(len(active[h.id_keluarga]) >= 2 for h in covered),
            "overlap_agency": sum(len({agency_of(p) for p in active[h.id_keluarga]}) >= 2
                                  for h in covered),
            "leakage": leakage, "leakage_households": leakage_households}


def program_rows(conn, on, desil, areas=()):
    return {r["kode"]: {k: r[k] for k in FIELDS}
            for r in coverage.coverage_by_program(conn, ref_date=on, desil_max=desil,
                                                  area_prefixes=areas)}


def agency_rows(conn, on, desil, areas=()):
    return {r["kode"]: {k: r[k] for k in FIELDS}
            for r in coverage.coverage_by_agency(conn, ref_date=on, desil_max=desil,
                                                 area_prefixes=areas)}


def inside(households, areas):
    return [h for h in households if not areas or any(within(h.kel, a) for a in areas)]


def days(rows, count):
    changes = sorted({d for e in rows for d in (e.start, e.end) if d is not None})
    picked = [changes[0], *random.Random(5).sample(changes[1:-1], count), changes[-1]]
    return sorted({d + timedelta(days=k) for d in picked for k in (-1, 0, 1)})


def assert_tables_exact(conn, mine, rows, areas):
    """Program and agency rows of ``areas`` equal the count over ``mine`` (its households) on
    change dates and the days around them, desil 1, 4 and 10."""
    for day in days(rows, 8):
        for desil in (1, 4, 10):
            assert program_rows(conn, day, desil, areas) == expected_programs(
                mine, rows, day, desil), (day, desil)
            assert agency_rows(conn, day, desil, areas) == expected_agencies(
                mine, rows, day, desil), (day, desil)


def service_kelurahan(conn):
    return list(conn.execute(text(
        "SELECT DISTINCT unnest(wilayah_layanan) FROM program")).scalars())


@pytest.mark.parametrize("areas", [(), ("64.74",)])
def test_whole_kabkota_rows_come_from_the_combination_steps_exactly(world, conn, areas):
    households, rows = world
    service = service_kelurahan(conn)
    assert service  # RTLH's service area: its kelurahan are split off by their key steps
    # Only the combination steps and the service-area kelurahan's key steps can answer now.
    conn.execute(text("DELETE FROM coverage_segment"))
    conn.execute(text("DELETE FROM coverage_key_step WHERE NOT kode_kelurahan = ANY (:s)"),
                 {"s": service})
    mine = inside(households, areas)
    assert_tables_exact(conn, mine, rows, areas)
    # RTLH has a service area smaller than the scope: the rows above did test that rule.
    day = days(rows, 8)[len(days(rows, 8)) // 2]
    rtlh = expected_programs(mine, rows, day, 10)["RTLH"]
    assert rtlh["targets"] < sum(is_target(h, 10) for h in mine)


def test_a_scope_inside_a_kabkota_comes_from_the_key_steps_exactly(world, conn):
    households, rows = world
    areas = ("64.74.01",)  # a kecamatan: the combination steps are per kab/kota
    conn.execute(text("DELETE FROM coverage_segment"))
    conn.execute(text("DELETE FROM coverage_combination_step"))
    mine = inside(households, areas)
    assert 0 < len(mine) < len(inside(households, ("64.74",)))
    assert_tables_exact(conn, mine, rows, areas)


def test_a_kelurahan_waiting_for_a_refresh_is_counted_from_the_segments(world, conn):
    households, rows = world
    day = sorted(e.start for e in rows)[len(rows) // 2]
    # A target household in two programs leaves: its kelurahan's key steps still count it
    # until the refresh; the segments (cascaded) no longer do.
    gone, rest = remove_a_household_in_two_programs(conn, households, rows, day)
    assert stale_codes(conn) == [gone.kel]
    assert expected_programs(rest, rows, day, 10) != expected_programs(households, rows, day, 10)
    assert program_rows(conn, day, 10) == expected_programs(rest, rows, day, 10)
    assert agency_rows(conn, day, 10) == expected_agencies(rest, rows, day, 10)
    # The other kelurahan from their steps: without them only the stale one would count.
    conn.execute(text("DELETE FROM coverage_segment WHERE kode_kelurahan <> :kel"),
                 {"kel": gone.kel})
    assert program_rows(conn, day, 10) == expected_programs(rest, rows, day, 10)


def test_a_registry_waiting_whole_is_counted_from_the_segments(world, conn):
    households, rows = world
    day = sorted(e.start for e in rows)[len(rows) // 3]
    conn.execute(text("INSERT INTO coverage_stale (kode_kabkota, kode_kelurahan) "
                      "VALUES ('*', '*')"))
    conn.execute(text("DELETE FROM coverage_key_step"))  # the steps cannot answer now
    assert program_rows(conn, day, 4) == expected_programs(households, rows, day, 4)
    assert agency_rows(conn, day, 4) == expected_agencies(households, rows, day, 4)


def test_the_protected_scope_figures_agree_with_the_tables(world, conn):
    households, rows = world
    day = sorted(e.start for e in rows)[len(rows) // 2]
    got = scope_figures(conn, ref_date=day, desil_max=4)
    assert {r["kode"]: {k: r[k] for k in FIELDS} for r in got["programs"]} == \
        expected_programs(households, rows, day, 4)
    assert {r["kode"]: {k: r[k] for k in FIELDS} for r in got["agencies"]} == \
        expected_agencies(households, rows, day, 4)
    assert got["overlap"] == coverage.overlap_matrix(conn, ref_date=day, desil_max=4)
