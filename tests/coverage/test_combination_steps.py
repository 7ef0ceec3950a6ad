"""The overlap matrix of whole kab/kota from the program-combination steps (migration 0017):
equal to an independent count over the fixture rows on every change date and the days around
it, for the province and each kab/kota; narrower scopes and kab/kota with a registry change
waiting for the refresh are counted from the segments, and stay exact."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from coverage_fixture import (
    KELURAHAN,
    KEY,
    PROGRAMS,
    active_programs,
    enrolled_world,
    is_target,
    remove_a_household_in_two_programs,
)
from sqlalchemy import text

from app.services import coverage
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
