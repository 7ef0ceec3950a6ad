"""Filtered figures from the per-key steps and targets from the group counts: equal to an
independent count over the fixture rows on many dates, and still exact while the registry
changes before the next refresh (insert, delete, truncate mark kelurahan stale)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from coverage_fixture import (
    KEY,
    PROGRAMS,
    active_programs,
    agency_of,
    insert_households,
    insert_programs,
    is_target,
    make_enrollments,
    make_households,
    nik_for,
    write_csv,
)
from coverage_fixture import area_figures as figures
from coverage_fixture import expected_area_figures as expected
from sqlalchemy import text

from app.services import coverage
from app.services.coverage import import_enrollments
from app.services.coverage.steps import refresh_stale, stale_codes

DATES = [date(2023, 1, 1) + timedelta(days=d) for d in range(0, 1300, 97)]


@pytest.fixture
def world(conn, tmp_path):
    rng = random.Random(18)
    households = make_households(rng, n=80)
    insert_households(conn, households)
    insert_programs(conn)
    rows = make_enrollments(rng, households)
    import_enrollments(conn, write_csv(tmp_path / "k.csv", rows), key=KEY, user="uji")
    refresh_stale(conn)
    assert stale_codes(conn) == []  # every figure below comes from the steps and groups
    return households, rows


@pytest.mark.parametrize("filters", [{}, *({"program": p[0]} for p in PROGRAMS),
                                     *({"agency": a} for a in sorted({p[1] for p in PROGRAMS}))])
def test_filtered_figures_from_the_key_steps_equal_an_independent_count(world, conn, filters):
    households, rows = world
    for on in DATES:
        for desil in (1, 4, 10):
            want = {k: v for k, v in expected(households, rows, on, desil, **filters).items()
                    if v["targets"] or v["covered"] or v["leakage"]}
            assert figures(conn, on, desil, **filters) == want, (on, desil)


@pytest.mark.parametrize("filters", [{}, {"program": PROGRAMS[0][0]}, {"agency": PROGRAMS[0][1]}])
def test_the_step_of_a_date_is_right_on_every_change_date_and_the_days_around_it(
        world, conn, filters):
    """Each group's steps are looked up by binary search (width_bucket over its change
    dates): on a start or end date itself, the day before and the day after, and before the
    first change of all, the figures equal the independent count."""
    households, rows = world
    changes = sorted({d for e in rows for d in (e.start, e.end) if d is not None})
    picked = [changes[0], *random.Random(7).sample(changes[1:], 25), changes[-1]]
    for day in sorted({d + timedelta(days=k) for d in picked for k in (-1, 0, 1)}):
        want = {k: v for k, v in expected(households, rows, day, 4, **filters).items()
                if v["targets"] or v["covered"] or v["leakage"]}
        assert figures(conn, day, 4, **filters) == want, day
    before = changes[0] - timedelta(days=1)
    assert all(r["covered"] == 0 and r["leakage"] == 0
               for r in figures(conn, before, 10, **filters).values())


def test_an_agency_without_programs_covers_nobody(world, conn):
    conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('KOSONG', 'Tanpa program')"))
    got = figures(conn, date(2024, 6, 1), 4, agency="KOSONG")
    assert got and all(r["covered"] == 0 and r["leakage"] == 0 for r in got.values())


def test_targets_follow_registry_changes_before_the_next_refresh(world, conn):
    households, rows = world
    on = date(2024, 6, 1)
    kel = households[0].kel
    extra = make_households(random.Random(99), n=8)[:3]
    for i, h in enumerate(extra):
        h.id_keluarga, h.kel, h.desil, h.status = f"BARU{i}", kel, 1, "terverifikasi"
        h.nik_kepala, h.members = nik_for(random.Random(i), kel, 7000 + i), []
    insert_households(conn, extra)
    assert stale_codes(conn) == [kel]
    assert figures(conn, on, 4) == expected(households + extra, rows, on, 4)
    conn.execute(text("DELETE FROM household WHERE id = ANY(:ids)"),
                 {"ids": [h.db_id for h in extra[:2]]})
    assert figures(conn, on, 4) == expected(households + extra[2:], rows, on, 4)
    refresh_stale(conn)
    assert stale_codes(conn) == []
    assert figures(conn, on, 4) == expected(households + extra[2:], rows, on, 4)


def test_an_emptied_registry_is_stale_everywhere(world, conn):
    conn.execute(text("TRUNCATE household CASCADE"))
    assert stale_codes(conn) == ["*"]
    assert figures(conn, date(2024, 6, 1), 4) == {}


def expected_programs(households, rows, on, desil, kel):
    """Per program, the panel's figures for kelurahan ``kel`` by the domain rule: targets and
    covered inside the program's service area, overlap (2+ programs) and overlap_agency (2+
    agencies) among the covered, leakage = non-target households enrolled (anywhere)."""
    active = active_programs(households, rows, on)
    out = {}
    for kode, _, area, _ in PROGRAMS:
        here = [h for h in households if h.kel == kel]
        inside = [h for h in here if not area or h.kel in area]
        covered = [h for h in inside if is_target(h, desil) and kode in active[h.id_keluarga]]
        out[kode] = {
            "targets": sum(is_target(h, desil) for h in inside), "covered": len(covered),
            "overlap": sum(len(active[h.id_keluarga]) >= 2 for h in covered),
            "overlap_agency": sum(len({agency_of(p) for p in active[h.id_keluarga]}) >= 2
                                  for h in covered),
            "leakage": sum(not is_target(h, desil) and kode in active[h.id_keluarga]
                           for h in here)}
    return out


def program_figures(conn, on, desil, kel):
    keys = ("targets", "covered", "overlap", "overlap_agency", "leakage")
    return {r["kode"]: {k: r[k] for k in keys} for r in coverage.coverage_by_program(
        conn, ref_date=on, desil_max=desil, parent=kel)}


def test_program_figures_of_one_kelurahan_from_the_key_steps_equal_an_independent_count(
        world, conn):
    """The click panel's per-program rows: from the per-program steps when nothing is stale,
    from steps and segments together when one kelurahan is stale, and from the segments alone
    when everything is; each time equal to the count over the fixture rows."""
    households, rows = world
    kels = sorted({h.kel for h in households})

    def check(population):
        for on in DATES:
            for desil in (1, 4, 10):
                for kel in kels:
                    assert program_figures(conn, on, desil, kel) == expected_programs(
                        population, rows, on, desil, kel), (on, desil, kel)

    check(households)
    extra = make_households(random.Random(7), n=8)[:2]
    for i, h in enumerate(extra):
        h.id_keluarga, h.kel, h.desil, h.status = f"PANEL{i}", kels[0], 1, "terverifikasi"
        h.nik_kepala, h.members = nik_for(random.Random(50 + i), kels[0], 8000 + i), []
    insert_households(conn, extra)
    assert stale_codes(conn) == [kels[0]]
    check(households + extra)
    conn.execute(text("INSERT INTO coverage_stale (kode_kelurahan) VALUES ('*')"))
    check(households + extra)
