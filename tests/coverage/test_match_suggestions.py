"""Probable matches for unmatched enrollment rows, on known-truth pairs (issue 17): a NIK typo, a
swapped pair of digits in a member's NIK, a reissued KK, a name spelled two ways with the same
birth date, and a stranger; then the officer confirms and rejects through the API."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from household_rows import nik
from sqlalchemy import text

from app.services.coverage import import_enrollments
from app.services.coverage.decisions import decide
from app.services.registry import import_households
from app.services.wilayah import load_boundaries
from geo import identity
from geo.coverage.linkage import identity_variants

KEY = b"test-secret-key-not-for-production"  # the client fixture's key (tests/conftest.py)
HEADS = {1: "Siti Aminah", 2: "Budi Santoso", 3: "Rahmat Hidayat", 4: "Joko Widodo"}
MEMBER_2 = nik(51, born="010110")  # Budi's child, born 2010-01-01
MEMBER_4 = nik(52, born="450695")  # Joko's daughter, born 1995-06-05 (day + 40)


def kk(serial: int) -> str:
    return f"6474030101{serial:06d}"


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def registry(conn, wilayah_dir, tmp_path):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    households = write(tmp_path / "rt.csv", [
        "id_keluarga", "no_kk", "nik_kepala", "nama_kepala", "kode_kelurahan", "jumlah_anggota",
        "desil", "status_verifikasi"],
        [[f"K{i}", kk(i), nik(i), name, "64.74.03.1002", "4", "2", "terverifikasi"]
         for i, name in HEADS.items()])
    members = write(tmp_path / "anggota.csv", ["id_keluarga", "nik", "nama", "tanggal_lahir"], [
        ["K2", MEMBER_2, "Anak Dua", "2010-01-01"],
        ["K4", MEMBER_4, "Siti Nurhalizah", "1995-06-05"]])
    import_households(conn, households, key=KEY, user="uji", members_path=members)
    conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial')"))
    conn.execute(text("INSERT INTO program (kode_program, nama, instansi) "
                      "VALUES ('PKH', 'PKH', 'DINSOS')"))
    ids = dict(conn.execute(text("SELECT id_keluarga, id FROM household")).all())
    return conn, ids


def typo(number: str, at: int, digit: str) -> str:
    return number[:at] + digit + number[at + 1:]


def swap(number: str, at: int) -> str:
    return number[:at] + number[at + 1] + number[at] + number[at + 2:]


ROWS = [  # nik, no_kk, nama, tanggal_lahir -> the true household (None: nobody)
    (typo(nik(1), 10, "9"), "", "SITI AMINAH", "", "K1", "nik_satu_digit"),
    (swap(MEMBER_2, 14), "", "ANAK DUA", "01/01/2010", "K2", "nik_tertukar"),
    ("", "6474039999000001", "RAHMAT HIDAYAT", "", "K3", "kk_berubah_nama_kepala"),
    ("6474034506957777", "", "SITI NURHALIZA", "05/06/1995", "K4", "nama_tanggal_lahir"),
    ("6474031212990123", "", "ORANG BARU", "12/12/1999", None, None),
]


def upload(conn, tmp_path, name="pkh.csv"):
    path = write(tmp_path / name, ["nik", "no_kk", "nama", "tanggal_lahir", "tanggal_mulai"],
                 [[n, k, nama, lahir, "2026-01-01"] for n, k, nama, lahir, *_ in ROWS])
    return import_enrollments(conn, path, key=KEY, user="uji", program="PKH")


def suggestions(conn):
    return {r.nomor_baris: r for r in conn.execute(text(
        "SELECT e.nomor_baris, s.id, s.skor, s.alasan, h.id_keluarga FROM match_suggestion s "
        "JOIN enrollment e ON e.id = s.enrollment_id JOIN household h ON h.id = s.household_id "
        "WHERE s.peringkat = 1 AND s.status = 'baru'"))}


def test_known_truth_rows_get_their_household_first(registry, tmp_path):
    conn, _ = registry
    result = upload(conn, tmp_path)
    assert result.status == {"unmatched": 5}
    top = suggestions(conn)
    expected = {number: (truth, reason) for number, (*_, truth, reason)
                in enumerate(ROWS, start=2) if truth}
    assert {n: (r.id_keluarga, r.alasan[0]["kode"]) for n, r in top.items()} == expected
    assert top[2].skor == round(0.62 + 0.30 * 1.0, 3)  # NIK typo, same name
    assert top[3].skor == 0.99  # swapped member NIK, same name and birth date: capped
    assert top[4].skor == round(0.30 + 0.40 * 1.0, 3)  # reissued KK, same head name


def test_officer_confirms_one_and_rejects_another_through_the_api(registry, tmp_path, client):
    conn, ids = registry
    upload(conn, tmp_path)
    top = suggestions(conn)
    listed = client.get("/api/v1/enrollments/suggestions").json()
    assert [e["nomor_baris"] for e in listed] == [2, 3, 4, 5]
    assert listed[0]["saran"][0]["nama_kepala"] == "Siti Aminah"  # admin may see persons
    assert client.post(f"/api/v1/enrollments/suggestions/{top[2].id}/confirm").status_code == 200
    row = conn.execute(text("SELECT household_id, status, kode_kabkota FROM enrollment "
                            "WHERE nomor_baris = 2")).one()
    assert tuple(row) == (ids["K1"], "matched", "64.74")  # in its household's kab/kota
    covered = conn.execute(text("SELECT dari, sampai::text, n_program FROM coverage_segment "
                                "WHERE household_id = :h"), {"h": ids["K1"]}).all()
    assert [tuple(r) for r in covered] == [(date(2026, 1, 1), "infinity", 1)]
    audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE aksi = "
                                "'enrollment.suggestion.confirm'")).scalar_one()
    assert audited == 1
    assert client.post(f"/api/v1/enrollments/suggestions/{top[2].id}/confirm"
                       ).status_code == 409  # decided once
    assert client.post(f"/api/v1/enrollments/suggestions/{top[3].id}/reject").status_code == 200
    conn.execute(text("DELETE FROM enrollment WHERE status = 'unmatched'"))
    upload(conn, tmp_path, "lagi.csv")  # the same list again
    again = suggestions(conn)
    assert 3 not in again or again[3].id_keluarga != "K2"  # never suggested again
    assert again[4].id_keluarga == "K3"


def test_names_only_for_roles_that_may_see_persons(registry, tmp_path, client_as):
    conn, _ = registry
    upload(conn, tmp_path)
    officer = client_as("agency", agency="DINSOS").get("/api/v1/enrollments/suggestions").json()
    assert len(officer) == 4
    assert all("nama_kepala" not in s and "id_keluarga" not in s
               for e in officer for s in e["saran"])
    other = client_as("agency", agency="DINKES").get("/api/v1/enrollments/suggestions").json()
    assert other == []  # another agency's program
    viewer = client_as("viewer").get("/api/v1/enrollments/suggestions")
    assert viewer.status_code == 403


def test_a_head_name_shared_by_several_heads_weighs_less(registry, tmp_path):
    conn, ids = registry
    # Two more "Rahmat Hidayat" heads in the kecamatan: with three namesakes a reissued KK
    # names nobody for sure (0.30 + 0.40 - 2 x 0.12 = 0.46 < 0.5); with two, both are
    # suggested at 0.58 (the lower household id first).
    more = write(tmp_path / "rt2.csv", [
        "id_keluarga", "no_kk", "nik_kepala", "nama_kepala", "kode_kelurahan", "jumlah_anggota",
        "desil", "status_verifikasi"],
        [[f"K{i}", kk(i), nik(i), "RAHMAT  hidayat", "64.74.03.1002", "4", "2", "terverifikasi"]
         for i in (5, 6)])
    import_households(conn, more, key=KEY, user="uji")
    upload(conn, tmp_path)
    assert 4 not in suggestions(conn)
    conn.execute(text("DELETE FROM household WHERE id_keluarga = 'K6'"))
    conn.execute(text("DELETE FROM enrollment"))
    upload(conn, tmp_path, "lagi.csv")
    listed = conn.execute(text(
        "SELECT h.id_keluarga, s.skor FROM match_suggestion s JOIN enrollment e "
        "ON e.id = s.enrollment_id JOIN household h ON h.id = s.household_id "
        "WHERE e.nomor_baris = 4 AND s.status = 'baru' ORDER BY s.peringkat")).all()
    assert [tuple(r) for r in listed] == [("K3", round(0.30 + 0.40 - 0.12, 3)),
                                          ("K5", round(0.30 + 0.40 - 0.12, 3))]


def plain_variants(number: str, valid) -> set[str]:
    """Every number one digit off or with two neighbouring digits swapped, kept when valid."""
    out = set()
    for i in range(16):
        out |= {number[:i] + d + number[i + 1:] for d in "0123456789" if d != number[i]}
        if i < 15 and number[i] != number[i + 1]:
            out.add(number[:i] + number[i + 1] + number[i] + number[i + 2:])
    return {n for n in out if valid(n)}


@pytest.mark.parametrize("kind", ["nik", "kk"])
def test_near_miss_numbers_are_every_valid_one_digit_change_and_swap(kind):
    numbers = ["6474031505800001", "0074034506950052", "6474030101000001", "1111111111111111",
               "6474033112990010"]
    variants = identity_variants(numbers, kind)
    valid = ((lambda n: identity.nik_problem(n) is None) if kind == "nik"
             else (lambda n: identity.kk_problem(n) is None))
    for i, number in enumerate(numbers):
        mine = {v: r for s, v, r in zip(variants.source, variants.numbers, variants.reasons,
                                       strict=True) if s == i}
        assert set(mine) == plain_variants(number, valid), number
        swaps = {v for v in mine if sorted(v) == sorted(number)}
        assert {v for v, r in mine.items() if r == f"{kind}_tertukar"} == swaps


def test_a_household_that_moved_kabkota_since_the_suggestion_is_enrolled_where_it_lives(
        registry, tmp_path, wilayah_dir):
    """The suggestion keeps the kelurahan it saw (64.74...); the household moved to Balikpapan
    before the officer confirmed: the enrollment goes to 64.71, where its coverage is."""
    conn, ids = registry
    upload(conn, tmp_path)
    top = suggestions(conn)
    load_boundaries(conn, wilayah_dir / "balikpapan_kelurahan.geojson")
    conn.execute(text("UPDATE household SET kode_kelurahan = '64.71.01.1001' "
                      "WHERE id_keluarga = 'K1'"))
    decide(conn, top[2].id, confirm=True, user="uji")
    row = conn.execute(text("SELECT household_id, status, kode_kabkota FROM enrollment "
                            "WHERE nomor_baris = 2")).one()
    assert tuple(row) == (ids["K1"], "matched", "64.71")
    covered = conn.execute(text("SELECT kode_kabkota, kode_kelurahan FROM coverage_segment "
                                "WHERE household_id = :h"), {"h": ids["K1"]}).all()
    assert [tuple(r) for r in covered] == [("64.71", "64.71.01.1001")]
