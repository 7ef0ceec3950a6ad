"""FGT indices, the agency check, suppression, segment upkeep and enrollment rejections."""

from __future__ import annotations

import random
from datetime import date

import pytest
from coverage_fixture import (
    KEY,
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
from sqlalchemy import text

from app.services import coverage
from app.services.coverage import import_enrollments
from app.services.coverage.steps import refresh_stale, stale_codes
from app.services.io import batches
from geo.coverage import suppress_row
from geo.errors import InvalidInput


@pytest.fixture
def world(conn, tmp_path):
    rng = random.Random(7)
    households = make_households(rng)
    insert_households(conn, households)
    insert_programs(conn)
    rows = make_enrollments(rng, households)
    import_enrollments(conn, write_csv(tmp_path / "k.csv", rows), key=KEY, user="uji")
    return households, rows


@pytest.mark.parametrize("level,length", (("kelurahan", 13), ("kecamatan", 8), ("kabkota", 5)))
@pytest.mark.parametrize("line", (300_000.0, 441_448.0))
def test_fgt_is_person_weighted_and_skips_households_without_expenditure(
        world, conn, level, length, line):
    households, _ = world
    expected: dict[str, dict] = {}
    for h in households:
        e = expected.setdefault(h.kel[:length], {"n": 0, "p0": 0.0, "p1": 0.0, "p2": 0.0,
                                                 "hh": 0, "missing": 0})
        if h.spend is None:
            e["missing"] += 1
            continue
        gap = max(0.0, (line - h.spend) / line)
        e["n"] += h.size
        e["hh"] += 1
        e["p0"] += h.size * (h.spend < line)
        e["p1"] += h.size * gap
        e["p2"] += h.size * gap ** 2
    got = {r["kode"]: r for r in coverage.poverty_by_area(conn, level=level, parent=None,
                                                          line=line)}
    assert set(got) == set(expected)
    for kode, e in expected.items():
        r = got[kode]
        assert (r["persons"], r["households"], r["households_without_expenditure"]) == (
            e["n"], e["hh"], e["missing"])
        for k in ("p0", "p1", "p2"):
            assert r[k] == pytest.approx(e[k] / e["n"], abs=1e-12)
    assert any(e["missing"] for e in expected.values())


def test_check_reports_found_target_kelurahan_and_active_programs(world, conn):
    households, rows = world
    on = date(2024, 6, 1)
    active = active_programs(households, rows, on)
    heads = [h.nik_kepala for h in households[:8]]
    members = [h.members[0] for h in households if h.members][:4]
    unknown = nik_for(random.Random(1), "64.74.01.1001", 8888)
    numbers = heads + members + [households[0].no_kk, unknown, "12345"]
    got = coverage.check_identities(conn, KEY, numbers, ref_date=on)
    assert [g["nomor"] for g in got] == list(range(1, len(numbers) + 1))
    for number, g in zip(numbers, got, strict=True):
        owners = [h for h in households if number in (h.nik_kepala, h.no_kk, *h.members)]
        assert g["ditemukan"] == bool(owners)
        if not owners:
            continue
        assert g["sasaran"] == any(is_target(h, 4) for h in owners)
        assert g["kode_kelurahan"] == sorted({h.kel for h in owners})
        programs = set().union(*(active[h.id_keluarga] for h in owners))
        assert [p["kode_program"] for p in g["program_aktif"]] == sorted(programs)
        assert all(p["instansi"] == agency_of(p["kode_program"]) for p in g["program_aktif"])
        assert g["identitas"] == number[:6] + "********" + number[-4:]
    assert got[-1]["valid"] is False and got[-1]["ditemukan"] is False
    assert got[-2]["valid"] is True and got[-2]["ditemukan"] is False


def test_check_refuses_more_than_ten_thousand_numbers(conn):
    with pytest.raises(InvalidInput, match="10.000"):
        coverage.check_identities(conn, KEY, ["1"] * 10_001)


def test_small_counts_are_suppressed_and_rates_built_on_them_hidden():
    row = {"kode": "64.74", "targets": 3, "covered": 0, "gap": 3, "leakage": 12,
           "coverage_rate": 0.0}
    assert suppress_row(row) == {"kode": "64.74", "targets": "<5", "covered": 0, "gap": "<5",
                                 "leakage": 12, "coverage_rate": None}
    assert suppress_row({"targets": 5, "covered": 4, "coverage_rate": 0.8})["coverage_rate"] is None
    assert suppress_row({"targets": 5, "covered": 5, "coverage_rate": 1.0})["coverage_rate"] == 1.0


def test_registry_updates_move_coverage_with_the_household(world, conn):
    households, rows = world
    on = date(2024, 6, 1)
    active = active_programs(households, rows, on)
    h = next(h for h in households if active[h.id_keluarga] and is_target(h, 4))
    before = {r["kode"]: r for r in coverage.coverage_by_area(
        conn, level="kelurahan", parent=None, ref_date=on)}
    conn.execute(text("UPDATE household SET desil = 9 WHERE id = :id"), {"id": h.db_id})
    after = {r["kode"]: r for r in coverage.coverage_by_area(
        conn, level="kelurahan", parent=None, ref_date=on)}
    assert after[h.kel]["covered"] == before[h.kel]["covered"] - 1
    assert after[h.kel]["leakage"] == before[h.kel]["leakage"] + len(active[h.id_keluarga])
    assert stale_codes(conn) == [h.kel]  # read from the segments until refreshed
    refresh_stale(conn)
    assert stale_codes(conn) == []
    assert {r["kode"]: r for r in coverage.coverage_by_area(
        conn, level="kelurahan", parent=None, ref_date=on)} == after


def test_reimporting_the_same_file_adds_no_enrollment(world, conn, tmp_path):
    _, rows = world
    count = conn.execute(text("SELECT count(*) FROM enrollment")).scalar_one()
    import_enrollments(conn, write_csv(tmp_path / "again.csv", rows), key=KEY, user="uji")
    assert conn.execute(text("SELECT count(*) FROM enrollment")).scalar_one() == count


def test_bad_enrollment_rows_are_rejected_with_row_column_and_reason(conn, tmp_path):
    rng = random.Random(3)
    households = make_households(rng, 8)
    insert_households(conn, households)
    insert_programs(conn)
    path = tmp_path / "buruk.csv"
    path.write_text(
        "kode_program,id_keluarga,no_kk,nik,tanggal_mulai,tanggal_selesai\n"
        f"PKH,{households[0].id_keluarga},,,2024-01-01,\n"
        "NOPE,RT000,,,2024-01-01,\n"
        "PKH,,,,2024-01-01,\n"
        "PKH,,,1234567890123456,2024-01-01,\n"
        "PKH,,123,,2024-01-01,\n"
        "PKH,RT000,,,31/02/2024,\n"
        "PKH,RT000,,,2024-05-01,2024-04-01\n", encoding="utf-8")
    result = import_enrollments(conn, path, key=KEY, user="uji")
    assert (result.total, result.accepted, result.rejected) == (7, 1, 6)
    rejected = batches.rejected_rows(conn, result.batch_id)
    assert [(r["nomor_baris"], r["kolom"]) for r in rejected] == [
        (3, "kode_program"), (4, None), (5, "nik"), (6, "no_kk"), (7, "tanggal_mulai"),
        (8, "tanggal_selesai")]
    assert "tidak dikenal" in rejected[0]["alasan"]
    assert "1234567890123456" not in str(rejected[2]["data"])  # masked at rest


def test_default_program_applies_to_rows_without_kode_program(conn, tmp_path):
    households = make_households(random.Random(5), 8)
    insert_households(conn, households)
    insert_programs(conn)
    path = tmp_path / "pkh.csv"
    path.write_text(f"nik,tanggal_mulai\n{households[2].nik_kepala},2024-01-01\n",
                    encoding="utf-8")
    result = import_enrollments(conn, path, key=KEY, user="uji", program="PBI")
    assert result.status == {"matched": 1}


def test_reuploading_after_the_registry_grew_turns_unmatched_into_matched(conn, tmp_path):
    households = make_households(random.Random(9), 8)
    insert_households(conn, households[:7])
    insert_programs(conn)
    late = households[7]
    path = tmp_path / "daftar.csv"
    path.write_text(f"kode_program,nik,tanggal_mulai\nPKH,{late.nik_kepala},2024-01-01\n",
                    encoding="utf-8")
    assert import_enrollments(conn, path, key=KEY, user="uji").status == {"unmatched": 1}
    insert_households(conn, [late])
    assert import_enrollments(conn, path, key=KEY, user="uji").status == {"matched": 1}
    statuses = conn.execute(text("SELECT status FROM enrollment")).scalars().all()
    assert statuses == ["matched"]
