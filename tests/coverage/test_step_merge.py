"""A partial segment rebuild by an enrollment import or a match decision folds the segments'
changes into the stored coverage steps and key steps instead of recounting its kelurahan: the
stored rows are then exactly those a full recount writes, the figures read from them alone
equal an independent count, a kelurahan whose registry changed is still recounted whole, and
steps that do not match their changes are recounted with a warning. A program deleted or
moved to another agency (the old segments no longer say which agency held which program) is
recounted, and stays exact."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from coverage_fixture import (
    KELURAHAN,
    KEY,
    PROGRAMS,
    E,
    area_figures,
    expected_area_figures,
    is_target,
    refreshed_world,
    remove_a_household_in_two_programs,
    write_csv,
)
from sqlalchemy import text

from app.services.coverage import import_enrollments, steps
from app.services.coverage.programs import delete_program
from app.services.coverage.steps import refresh_steps, stale_codes

LOGGER = "app.services.coverage.steps"
STORED = ("coverage_step", "coverage_key_step", "coverage_group", "coverage_combination_step",
          "poverty_kelurahan")
FILTERS = [{}, *({"program": p[0]} for p in PROGRAMS),
           *({"agency": a} for a in sorted({p[1] for p in PROGRAMS}))]


@pytest.fixture
def world(conn, tmp_path):
    return refreshed_world(conn, tmp_path, seed=29)


@pytest.fixture
def recounted(monkeypatch):
    """The kelurahan each refresh recounted from their segments (None: all)."""
    calls = []
    real = steps.recount_steps

    def spy(conn, codes):
        calls.append(None if codes is None else sorted(codes))
        return real(conn, codes)

    monkeypatch.setattr(steps, "recount_steps", spy)
    return calls


def stored(conn):
    # The FGT gap sums are floating point, summed in no fixed order: equal to 9 digits.
    return {table: sorted(tuple(round(v, 9) if isinstance(v, float) else v for v in r)
                          for r in conn.execute(text(f"SELECT * FROM {table}")))
            for table in STORED}


def assert_as_recounted(conn):
    """The stored rows equal those a full recount writes from the same segments."""
    merged = stored(conn)
    refresh_steps(conn)
    assert merged == stored(conn)


def change_days(rows):
    changes = sorted({d for e in rows for d in (e.start, e.end) if d is not None})
    picked = changes[::max(1, len(changes) // 12)] + [changes[-1]]
    return sorted({d + timedelta(days=k) for d in picked for k in (-1, 0, 1)})


def assert_figures_exact(conn, households, rows):
    conn.execute(text("DELETE FROM coverage_segment"))  # from the steps alone
    for filters in FILTERS:
        for day in change_days(rows):
            for desil in (4, 10):
                want = {k: v for k, v in expected_area_figures(
                    households, rows, day, desil, **filters).items()
                    if v["targets"] or v["covered"] or v["leakage"]}
                assert area_figures(conn, day, desil, **filters) == want, (filters, day, desil)


def spread_enrollments(households, rows):
    """New rows in every kelurahan: a target household takes one more program from an
    existing change date, another one for a closed period ending on a change date, a
    non-target one (leakage) from before every earlier row, and one program starts the day
    after another row of the same household ends."""
    days = sorted({d for e in rows for d in (e.start, e.end) if d is not None})
    extra = []
    for i, kel in enumerate(KELURAHAN):
        here = [h for h in households if h.kel == kel]
        targets = [h for h in here if is_target(h, 4)]
        others = [h for h in here if not is_target(h, 10)]
        extra += [E(PROGRAMS[i % 5][0], id_keluarga=targets[0].id_keluarga, start=days[3 + i]),
                  E("PBI", id_keluarga=targets[1].id_keluarga, start=days[5 + i],
                    end=days[20 + i]),
                  E("ZAKAT", id_keluarga=others[0].id_keluarga,
                    start=days[0] - timedelta(days=30 + i))]
    ended = next(e for e in rows if e.end is not None and e.id_keluarga)
    extra.append(E("BPNT", id_keluarga=ended.id_keluarga, start=ended.end + timedelta(days=1)))
    return extra


def import_more(conn, tmp_path, extra):
    result = import_enrollments(conn, write_csv(tmp_path / "tambahan.csv", extra), key=KEY,
                                user="uji")
    assert result.rejected == 0


def test_an_import_across_every_kelurahan_merges_into_the_steps_a_recount_would_write(
        world, conn, tmp_path, caplog, recounted):
    households, rows = world
    before = stored(conn)
    extra = spread_enrollments(households, rows)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        import_more(conn, tmp_path, extra)
    assert caplog.records == []
    assert recounted == [[]]  # merged, no kelurahan recounted
    assert stale_codes(conn) == []
    after = stored(conn)
    assert after["coverage_step"] != before["coverage_step"]
    assert after["coverage_key_step"] != before["coverage_key_step"]
    assert_as_recounted(conn)
    assert_figures_exact(conn, households, rows + extra)


def test_a_deleted_program_leaves_the_steps_a_recount_would_write(world, conn):
    households, rows = world
    delete_program(conn, "PBI")
    assert stale_codes(conn) == []
    assert not conn.execute(text(
        "SELECT 1 FROM coverage_key_step WHERE kunci LIKE 'p%' AND kunci NOT IN "
        "(SELECT 'p' || id FROM program)")).first()
    assert_as_recounted(conn)
    left = [e for e in rows if e.program != "PBI"]
    conn.execute(text("DELETE FROM coverage_segment"))
    for day in change_days(rows):
        for filters in ({}, {"agency": "DINKES"}, {"agency": "DINSOS"}):
            want = {k: v for k, v in expected_area_figures(
                households, left, day, 4, **filters).items()
                if v["targets"] or v["covered"] or v["leakage"]}
            assert area_figures(conn, day, 4, **filters) == want, (filters, day)


def test_a_program_moved_to_another_agency_moves_its_agency_steps(world, conn):
    from dataclasses import fields

    from app.services.coverage.programs import get_program, save_program
    from geo.coverage.programs import ProgramRow

    zakat = get_program(conn, "ZAKAT")
    given = {f.name: zakat[f.name] for f in fields(ProgramRow) if f.name in zakat}
    save_program(conn, ProgramRow(**{**given, "instansi": "DINSOS",
                                     "nama_instansi": "Dinas Sosial", "jenis_instansi": None}))
    assert not conn.execute(text(
        "SELECT 1 FROM coverage_key_step WHERE kunci = 'aBAZNAS'")).first()
    assert_as_recounted(conn)


def test_a_kelurahan_whose_registry_changed_is_recounted_whole(world, conn, tmp_path, caplog,
                                                              recounted):
    households, rows = world
    day = sorted(e.start for e in rows)[len(rows) // 2]
    gone, rest = remove_a_household_in_two_programs(conn, households, rows, day)
    assert stale_codes(conn) == [gone.kel]
    extra = spread_enrollments(rest, rows)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        import_more(conn, tmp_path, extra)
    assert caplog.records == []
    assert recounted == [[gone.kel]]
    assert stale_codes(conn) == []
    assert_as_recounted(conn)
    assert_figures_exact(conn, rest, rows + extra)


def test_steps_that_do_not_match_their_changes_are_recounted(world, conn, tmp_path, caplog,
                                                             recounted):
    households, rows = world
    # Stored steps not counted from these segments (hand-edited, or a bug elsewhere): with
    # their (household, program) pairs zeroed, the merged steps would count fewer pairs than
    # households; that kelurahan alone is recounted.
    kel = KELURAHAN[2]
    conn.execute(text("UPDATE coverage_step SET pairs = array_fill(0, ARRAY[cardinality(pairs)]) "
                      "WHERE kode_kelurahan = :kel"), {"kel": kel})
    extra = spread_enrollments(households, rows)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        import_more(conn, tmp_path, extra)
    assert [r.getMessage() for r in caplog.records] == [
        f"Langkah cakupan {kel} tidak cocok dengan perubahannya; dihitung ulang"]
    assert recounted == [[kel]]
    assert_as_recounted(conn)
    assert_figures_exact(conn, households, rows + extra)
