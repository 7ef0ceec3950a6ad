"""Stored FGT sums per kelurahan (migration 0020): P0-P2 from them are exactly P0-P2 from the
households, through imports that change expenditure, size or kelurahan, deletions, bulk
upserts and a change of poverty line; every figure is checked against a recount of the raw
household rows in Python."""

from __future__ import annotations

import pytest
from household_rows import row, write_csv
from sqlalchemy import text

from app.services import coverage
from app.services.coverage.poverty_sums import adopt_line, pending_codes, stored_line
from app.services.coverage.steps import refresh_stale
from app.services.registry import import_households
from app.services.wilayah import load_boundaries

KEY = b"kunci-uji"
LINE = 441_448.0  # the settings' default: the line stored until told otherwise
OTHER_LINE = 300_000.0
LEVELS = {"kelurahan": 13, "kecamatan": 8, "kabkota": 5}
A, B, C = "64.74.01.1001", "64.74.02.1003", "64.74.03.1002"


def household(serial: int, kelurahan: str, size: int, spend: float | None) -> dict[str, str]:
    return row(serial, kode_kelurahan=kelurahan, jumlah_anggota=size,
               pengeluaran_per_kapita="" if spend is None else f"{spend:.2f}")


# On the line exactly (not poor), a cent below it (poor), without expenditure (left out).
FIRST = [household(1, A, 4, LINE), household(2, A, 1, LINE - 0.01), household(3, A, 6, None),
         household(4, B, 7, 250_000.0), household(5, B, 3, 900_000.0),
         household(6, C, 2, 120_000.5), household(7, C, 5, 441_000.0)]


@pytest.fixture
def registry(conn, wilayah_dir, tmp_path):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    run(conn, tmp_path, "a.csv", FIRST)
    refresh_stale(conn)
    return conn


def run(conn, tmp_path, name, rows, bulk=None):
    return import_households(conn, write_csv(tmp_path / name, rows), key=KEY, user="uji",
                             bulk=bulk)


def recount(conn, length: int, line: float) -> dict[str, dict[str, float]]:
    """P0-P2 and counts per area from the raw rows, as domain.md defines them."""
    out: dict[str, dict[str, float]] = {}
    for kode, size, spend in conn.execute(text(
            "SELECT kode_kelurahan, jumlah_anggota, pengeluaran_per_kapita FROM household")):
        e = out.setdefault(kode[:length], dict.fromkeys(
            ("persons", "households", "missing", "poor", "gap", "gap2"), 0.0))
        if spend is None:
            e["missing"] += 1
            continue
        gap = max(0.0, (line - float(spend)) / line)
        e["persons"] += size
        e["households"] += 1
        e["poor"] += size * (float(spend) < line)
        e["gap"] += size * gap
        e["gap2"] += size * gap ** 2
    return out


def assert_exact(conn, line: float) -> None:
    for level, length in LEVELS.items():
        expected = recount(conn, length, line)
        got = {r["kode"]: r for r in coverage.poverty_by_area(conn, level=level, parent=None,
                                                              line=line)}
        assert set(got) == set(expected), level
        for kode, e in expected.items():
            r = got[kode]
            assert (r["persons"], r["households"], r["households_without_expenditure"]) == (
                e["persons"], e["households"], e["missing"]), (level, kode)
            for key, total in (("p0", "poor"), ("p1", "gap"), ("p2", "gap2")):
                assert r[key] == pytest.approx(e[total] / e["persons"], abs=1e-12), (level, kode)


def test_the_stored_sums_answer_their_line_exactly_and_another_line_from_the_registry(
        registry):
    assert (stored_line(registry), pending_codes(registry, LINE)) == (LINE, [])
    assert pending_codes(registry, OTHER_LINE) is None
    assert_exact(registry, LINE)
    assert_exact(registry, OTHER_LINE)
    # The stored rows are what the line of record reads: a stored sum altered by hand shows.
    registry.execute(text("UPDATE poverty_kelurahan SET poor_persons = poor_persons + 10 "
                          "WHERE kode_kelurahan = :k"), {"k": B})
    got = coverage.poverty_by_area(registry, level="kelurahan", parent=B, line=LINE)
    assert got[0]["p0"] == pytest.approx((7 + 10) / 10)
    assert_exact(registry, OTHER_LINE)


def test_households_changed_after_the_refresh_are_counted_from_the_registry(
        registry, tmp_path):
    run(registry, tmp_path, "b.csv", [
        household(1, A, 4, LINE - 1),      # expenditure: now poor
        household(4, B, 2, 250_000.0),     # size
        household(6, B, 2, 120_000.5),     # moved from C to B
        household(5, B, 3, 900_000.0),     # unchanged: marks nothing
        household(8, C, 3, None),          # new
    ])
    assert pending_codes(registry, LINE) == [A, B, C]
    assert_exact(registry, LINE)
    refresh_stale(registry)
    assert pending_codes(registry, LINE) == []
    assert_exact(registry, LINE)


def test_an_unchanged_reimport_marks_nothing(registry, tmp_path):
    run(registry, tmp_path, "again.csv", FIRST)
    assert pending_codes(registry, LINE) == []
    assert_exact(registry, LINE)


def test_a_deleted_household_is_counted_from_the_registry(registry):
    registry.execute(text("DELETE FROM household WHERE id_keluarga = 'K00004'"))
    assert pending_codes(registry, LINE) == [B]
    assert_exact(registry, LINE)


def test_a_bulk_upsert_marks_every_kelurahan_until_the_refresh(registry, tmp_path):
    run(registry, tmp_path, "bulk.csv", [household(2, B, 3, 100_000.0)], bulk=True)
    assert pending_codes(registry, LINE) is None
    assert_exact(registry, LINE)
    refresh_stale(registry)
    assert pending_codes(registry, LINE) == []
    assert_exact(registry, LINE)


def test_a_refresh_for_another_line_rewrites_every_kelurahan_for_it(registry):
    refresh_stale(registry, OTHER_LINE)
    assert (stored_line(registry), pending_codes(registry, OTHER_LINE)) == (OTHER_LINE, [])
    assert pending_codes(registry, LINE) is None
    assert_exact(registry, OTHER_LINE)
    assert_exact(registry, LINE)
    assert registry.execute(text(
        "SELECT count(*), count(DISTINCT garis) FROM poverty_kelurahan")).one() == (3, 1)


def test_a_configured_line_is_adopted_once_and_nothing_is_adopted_before_a_first_refresh(
        conn, registry):
    assert adopt_line(registry, LINE) is False  # already stored
    assert adopt_line(registry, OTHER_LINE) is True
    assert (stored_line(registry), pending_codes(registry, OTHER_LINE)) == (OTHER_LINE, [])
    assert_exact(registry, OTHER_LINE)
    assert adopt_line(registry, OTHER_LINE) is False
    registry.execute(text("DELETE FROM poverty_kelurahan"))
    assert adopt_line(registry, LINE) is False and stored_line(registry) is None
