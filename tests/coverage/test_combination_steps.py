"""The overlap matrix of whole kab/kota from the program-combination steps (migration 0017):
equal to an independent count over the fixture rows on every change date and the days around
it, for the province and each kab/kota; narrower scopes and kab/kota with a registry change
waiting for the refresh are counted from the segments, and stay exact."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

import pytest
from coverage_fixture import (
    KELURAHAN,
    KEY,
    PROGRAMS,
    E,
    active_programs,
    enrolled_world,
    is_target,
    remove_a_household_in_two_programs,
    write_csv,
)
from sqlalchemy import text

from app.services import coverage
from app.services.coverage import import_enrollments
from app.services.coverage.steps import refresh_stale, stale_codes

CODES = sorted(k for k, _, _, _ in PROGRAMS)


@pytest.fixture
def world(conn, tmp_path):
    households, rows = enrolled_world(conn, tmp_path, KEY, seed=17, n=120)
    refresh_stale(conn)
    assert stale_codes(conn) == []  # every matrix below comes from the refreshed steps
    return households, rows


def expected(households, rows, on, desil, within=""):
    """matrix[a][b]: target households of the scope actively in both a and b on ``on``."""
    active = active_programs(households, rows, on)
    return [[sum(1 for h in households if h.kel.startswith(within) and is_target(h, desil)
                 and {a, b} <= active[h.id_keluarga]) for b in CODES] for a in CODES]


def matrix(conn, on, desil, parent=None):
    got = coverage.overlap_matrix(conn, ref_date=on, desil_max=desil, parent=parent)
    assert [p["kode_program"] for p in got["programs"]] == CODES
    return got["matrix"]


def change_days(rows):
    changes = sorted({d for e in rows for d in (e.start, e.end) if d is not None})
    picked = [changes[0], *random.Random(3).sample(changes[1:-1], 12), changes[-1]]
    return sorted({d + timedelta(days=k) for d in picked for k in (-1, 0, 1)})


def test_whole_kab_kota_matrices_come_from_the_combination_steps_exactly(world, conn):
    households, rows = world
    kabs = sorted({kel[:5] for kel in KELURAHAN})
    assert len(kabs) == 2
    # Without segments only the combination steps can give these figures.
    conn.execute(text("DELETE FROM coverage_segment"))
    for day in change_days(rows):
        for desil in (1, 4, 10):
            assert matrix(conn, day, desil) == expected(households, rows, day, desil), day
            for kab in kabs:
                assert matrix(conn, day, desil, kab) == expected(
                    households, rows, day, desil, kab), (day, kab)
    before = min(e.start for e in rows) - timedelta(days=1)
    assert all(n == 0 for line in matrix(conn, before, 10) for n in line)


def test_a_kecamatan_is_counted_from_the_segments(world, conn):
    households, rows = world
    day = sorted(e.start for e in rows)[len(rows) // 2]
    kecamatan = KELURAHAN[0][:8]
    want = expected(households, rows, day, 10, kecamatan)
    assert any(n for line in want for n in line)
    assert matrix(conn, day, 10, kecamatan) == want
    conn.execute(text("DELETE FROM coverage_segment"))
    assert all(n == 0 for line in matrix(conn, day, 10, kecamatan) for n in line)


def test_a_kab_kota_waiting_for_a_refresh_is_counted_from_the_segments(world, conn):
    households, rows = world
    day = sorted(e.start for e in rows)[len(rows) // 2]
    # A target household in two programs leaves the registry: its kab/kota's combination
    # steps still count it until the refresh; the segments (cascaded) no longer do.
    gone, rest = remove_a_household_in_two_programs(conn, households, rows, day)
    assert stale_codes(conn) == [gone.kel]
    assert expected(rest, rows, day, 10) != expected(households, rows, day, 10)
    assert matrix(conn, day, 10) == expected(rest, rows, day, 10)
    assert matrix(conn, day, 10, gone.kel[:5]) == expected(rest, rows, day, 10, gone.kel[:5])
    other = next(kel[:5] for kel in KELURAHAN if kel[:5] != gone.kel[:5])
    assert matrix(conn, day, 10, other) == expected(rest, rows, day, 10, other)
    refresh_stale(conn)
    conn.execute(text("DELETE FROM coverage_segment"))  # from the refreshed steps alone
    assert matrix(conn, day, 10) == expected(rest, rows, day, 10)


def more_enrollments(households, rows, kab):
    """New rows for four target households of ``kab``: a program from a change date, one
    ending on another, one starting before every earlier row."""
    mine = [h for h in households if h.kel.startswith(kab) and is_target(h, 4)][:4]
    days = change_days(rows)
    return [E("ZAKAT", id_keluarga=mine[0].id_keluarga, start=days[3]),
            E("PBI", id_keluarga=mine[1].id_keluarga, start=days[5], end=days[20]),
            E("RTLH", id_keluarga=mine[2].id_keluarga, start=days[0] - timedelta(days=30),
              end=days[8]),
            E("PKH", id_keluarga=mine[3].id_keluarga, start=days[10])]


def import_more(conn, tmp_path, extra):
    result = import_enrollments(conn, write_csv(tmp_path / "tambahan.csv", extra), key=KEY,
                                user="uji")
    assert result.rejected == 0


def all_exact(conn, households, rows):
    conn.execute(text("DELETE FROM coverage_segment"))  # from the combination steps alone
    for day in change_days(rows):
        for kab in ("", *sorted({kel[:5] for kel in KELURAHAN})):
            want = expected(households, rows, day, 4, kab)
            assert matrix(conn, day, 4, kab or None) == want, (day, kab)


def test_a_small_import_updates_its_kab_kota_s_steps_by_the_segments_it_changed(
        world, conn, tmp_path, caplog):
    households, rows = world
    extra = more_enrollments(households, rows, "64.74")
    with caplog.at_level(logging.WARNING, logger="app.services.coverage.steps"):
        import_more(conn, tmp_path, extra)
    assert caplog.records == []  # taken as changes, not recounted
    assert stale_codes(conn) == []
    assert any(expected(households, rows + extra, day, 4) != expected(households, rows, day, 4)
               for day in change_days(rows))
    all_exact(conn, households, rows + extra)


def test_a_kab_kota_with_a_registry_change_is_recounted_at_the_next_import(
        world, conn, tmp_path):
    households, rows = world
    day = sorted(e.start for e in rows)[len(rows) // 2]
    gone, rest = remove_a_household_in_two_programs(conn, households, rows, day)
    extra = more_enrollments(rest, rows, gone.kel[:5])
    import_more(conn, tmp_path, extra)
    assert stale_codes(conn) == []
    all_exact(conn, rest, rows + extra)


def test_steps_that_do_not_match_their_changes_are_recounted(world, conn, tmp_path, caplog):
    households, rows = world
    # Steps not counted from these segments (hand-edited, or a bug elsewhere): adding the
    # import's changes would take them below zero; the kab/kota is recounted instead.
    conn.execute(text("UPDATE coverage_combination_step SET households = "
                      "array_fill(0, ARRAY[cardinality(households)]) "
                      "WHERE kode_kabkota = '64.74'"))
    extra = more_enrollments(households, rows, "64.74")
    with caplog.at_level(logging.WARNING, logger="app.services.coverage.steps"):
        import_more(conn, tmp_path, extra)
    assert [r.getMessage() for r in caplog.records] == [
        "Langkah kombinasi 64.74 tidak cocok dengan perubahannya; dihitung ulang"]
    all_exact(conn, households, rows + extra)
