"""Files laid out the way Indonesian agencies exchange them (issue 17), written here by the
tests: DTKS/BDT households with split area codes, an XLSX with NIKs stored as Excel numbers,
SIKS-NG BNBA beneficiary lists, programs with natural headers. Expected rows, values and reasons
are written out from the fixture rows, not read back from the program."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from household_rows import nik
from sqlalchemy import text

from app.services.coverage import import_enrollments, import_programs
from app.services.io import profiles
from app.services.io.batches import (
    rejected_rows,
    warning_count,
    warning_rows,
    warnings_csv,
)
from app.services.registry import import_households
from app.services.wilayah import load_boundaries
from geo import identity
from geo.coverage import ENROLLMENT_SPEC
from geo.errors import InvalidInput
from geo.io import from_definition

KEY = b"agency-files-key"
EXCEL_REASON = "tersimpan sebagai angka di Excel; digit terakhir hilang — format kolom sebagai Teks"
DTKS_HEADER = ["IDBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "Alamat", "NoKK", "NIK", "Nama",
               "JumlahART", "Desil", "TglVerifikasi"]


@pytest.fixture
def bontang(conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    return conn


def write(path: Path, header: list[str], rows: list[list[object]], delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def kk(serial: int) -> str:
    return f"6474030101{serial:06d}"


def dtks_rows() -> list[list[object]]:
    return [
        # Kemendagri parts as numeric cells lose their zeros: 64, 74, 3, 1002.
        ["BDT001", "64", "74", "3", "1002", "Jl. A", kk(1), nik(1), "SITI AMINAH", "4", "2",
         "15/01/2026"],
        ["BDT002", "64", "74", "03", "1003", "Jl. B", kk(2), "'" + nik(2), "BUDI", "3", "1",
         "2026-01-16"],
        # BPS parts (kecamatan 030, desa 002): found in the crosswalk.
        ["BDT003", "64", "74", "030", "002", "Jl. C", kk(3), nik(3), "ANI", "5", "3",
         "31/02/2026"],
        # BPS parts missing from the crosswalk: rejected with the code shown.
        ["BDT004", "64", "74", "030", "009", "Jl. D", kk(4), nik(4), "DEDI", "2", "4", ""],
        ["BDT005", "64", "74", "03", "1002", "Jl. E", kk(5), "6.47403150580001E+15", "EKO",
         "2", "2", "01.02.2026"],
    ]


def test_dtks_file_imports_with_its_builtin_profile_detected(bontang, tmp_path):
    crosswalk = write(tmp_path / "padanan.csv", ["kode_bps", "kode_kemendagri"],
                      [["6474030002", "64.74.03.1001"]])
    assert profiles.load_crosswalk(bontang, crosswalk) == 1
    path = write(tmp_path / "dtks.csv", DTKS_HEADER, dtks_rows(), ";")
    choice = profiles.choose_profile(bontang, path, "rumah_tangga")
    assert (choice.profile.name, choice.confidence, choice.detected) == ("dtks", 1.0, True)
    result = import_households(bontang, path, key=KEY, user="uji", profile=choice.profile)
    assert (result.total, result.accepted, result.rejected, result.warned) == (5, 3, 2, 1)
    stored = {r.id_keluarga: r for r in bontang.execute(text(
        "SELECT id_keluarga, kode_kelurahan_deklarasi, nama_kepala, status_verifikasi, "
        "tanggal_verifikasi, nik_kepala_hash, desil FROM household"))}
    assert set(stored) == {"BDT001", "BDT002", "BDT003"}
    assert stored["BDT001"].kode_kelurahan_deklarasi == "64.74.03.1002"
    assert stored["BDT001"].tanggal_verifikasi == date(2026, 1, 15)  # day first
    assert stored["BDT001"].status_verifikasi == "terverifikasi"  # the profile's constant
    assert bytes(stored["BDT002"].nik_kepala_hash) == identity.digest(KEY, nik(2))  # ' stripped
    assert stored["BDT003"].kode_kelurahan_deklarasi == "64.74.03.1001"  # via the crosswalk
    assert stored["BDT003"].tanggal_verifikasi is None  # 31/02 does not exist: dropped
    rejected = {r["nomor_baris"]: r for r in rejected_rows(bontang, result.batch_id)}
    assert set(rejected) == {5, 6}
    assert rejected[5]["kolom"] == "kode_kelurahan"
    assert "BPS 6474030009 (tidak ada di tabel padanan)" in rejected[5]["alasan"]
    assert rejected[6]["kolom"] == "nik_kepala"
    assert rejected[6]["alasan"] == "nik_kepala: NIK " + EXCEL_REASON
    (warned,) = warning_rows(bontang, result.batch_id)
    assert (warned["nomor_baris"], warned["kolom"]) == (4, "tanggal_verifikasi")


def test_xlsx_with_numeric_nik_cells_as_excel_stores_them(bontang, tmp_path):
    path = tmp_path / "dtks.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID_KELUARGA", "NO KK", "NIK KEPALA", "NAMA KEPALA KELUARGA",
                  "KODE KELURAHAN", "JUMLAH ANGGOTA", "DESIL", "STATUS"])
    lost = 6474031505800017  # Excel keeps 15 significant digits: ...0010
    sheet.append(["K1", kk(1), float(f"{lost:.14e}"), "Satu", "64.74.03.1002", 4, 2,
                  "terverifikasi"])
    sheet.append(["K2", kk(2), int(nik(2)), "Dua", "64.74.03.1002", 4, 2, "terverifikasi"])
    sheet.append(["K3", int(kk(3)[:-1] + "0"), "'" + nik(3), "Tiga", "64.74.03.1002", 4, 2,
                  "terverifikasi"])
    sheet.append(["K4", kk(4), "6474.0315.0580.0004", "Empat", 6474031002, 4, 2,
                  "terverifikasi"])
    book.save(path)
    result = import_households(bontang, path, key=KEY, user="uji")
    assert (result.accepted, result.rejected) == (2, 2)
    rejected = {r["nomor_baris"]: (r["kolom"], r["alasan"])
                for r in rejected_rows(bontang, result.batch_id)}
    assert rejected == {2: ("nik_kepala", "nik_kepala: NIK " + EXCEL_REASON),
                        4: ("no_kk", "no_kk: No. KK " + EXCEL_REASON)}
    digests = dict(bontang.execute(text(
        "SELECT id_keluarga, nik_kepala_hash FROM household")).all())
    assert {k: bytes(v) for k, v in digests.items()} == {
        "K2": identity.digest(KEY, nik(2)), "K4": identity.digest(KEY, nik(4))}
    assert "6474031505800010" not in str(rejected_rows(bontang, result.batch_id))


BNBA_HEADER = ["NO", "NIK", "NO KK", "NAMA KEPALA KELUARGA", "JENIS KELAMIN",
               "TANGGAL LAHIR (DD/MM/YYYY)", "JUMLAH ANGGOTA KELUARGA", "ALAMAT", "RT", "RW"]


def test_bnba_list_imports_with_its_profile_and_a_start_date(bontang, tmp_path):
    households = write(tmp_path / "rt.csv", [
        "id_keluarga", "no_kk", "nik_kepala", "nama_kepala", "kode_kelurahan",
        "jumlah_anggota", "desil", "status_verifikasi"], [
        [f"K{i}", kk(i), nik(i), name, "64.74.03.1002", 4, 2, "terverifikasi"]
        for i, name in ((1, "Siti Aminah"), (2, "Budi Santoso"))])
    import_households(bontang, households, key=KEY, user="uji")
    bontang.execute(text("INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial')"))
    bontang.execute(text("INSERT INTO program (kode_program, nama, instansi) "
                         "VALUES ('PKH', 'PKH', 'DINSOS')"))
    bnba = write(tmp_path / "bnba.csv", BNBA_HEADER, [
        [1, nik(1), kk(1), "SITI AMINAH", "P", "15/05/1980", 4, "Jl. A", "001", "002"],
        [2, "'" + nik(2), "", "BUDI SANTOSO", "L", "32/13/1980", 3, "Jl. B", "003", "004"],
        [3, nik(9), "", "ORANG LAIN", "L", "01/01/1990", 1, "Jl. C", "005", "006"],
    ])
    choice = profiles.choose_profile(bontang, bnba, "kepesertaan",
                                     constants="tanggal_mulai=01/03/2026")
    assert (choice.profile.name, choice.detected) == ("bnba", True)
    assert choice.confidence == 0.9  # 9 of its 10 headers: no TANGGAL PENYALURAN column
    result = import_enrollments(bontang, bnba, key=KEY, user="uji", program="PKH",
                                profile=choice.profile)
    assert (result.accepted, result.rejected, result.warned) == (3, 0, 1)
    assert result.status == {"matched": 2, "unmatched": 1}
    starts = set(bontang.execute(text("SELECT DISTINCT tanggal_mulai FROM enrollment")).scalars())
    assert starts == {date(2026, 3, 1)}
    (warned,) = warning_rows(bontang, result.batch_id)
    assert (warned["nomor_baris"], warned["kolom"]) == (3, "tanggal_lahir")


def test_set_values_are_checked_by_the_row_rules_before_any_row_is_read(bontang, tmp_path):
    bnba = write(tmp_path / "bnba.csv", BNBA_HEADER, [
        [1, nik(1), kk(1), "SITI AMINAH", "P", "15/05/1980", 4, "Jl. A", "001", "002"]])
    with pytest.raises(InvalidInput) as bad:
        profiles.choose_profile(bontang, bnba, "kepesertaan", constants="tanggal_mulai=31/02/2026")
    assert bad.value.message == ("--set: tanggal_mulai: '31/02/2026' bukan tanggal (contoh: "
                                 "15/01/2026 atau 2026-01-15).")
    with pytest.raises(InvalidInput) as same:
        profiles.choose_profile(bontang, bnba, "kepesertaan", constants=f"nik={nik(1)}")
    assert same.value.message == ("--set: nik: tidak dapat diisi sama untuk semua baris (tiap "
                                  "baris berbeda).")
    chosen = profiles.choose_profile(bontang, bnba, "kepesertaan",
                                     constants=" tanggal_mulai = 2026-03-01 ").profile
    assert (chosen.name, dict(chosen.constants)) == ("bnba", {"tanggal_mulai": "2026-03-01"})
    households = {"status_verifikasi": "sudah", "desil": "11", "jumlah_anggota": "0",
                  "tanggal_verifikasi": "1/3/2026", "alamat": "Jl. Mana Saja", "lat": "x"}
    assert profiles.constant_problems("rumah_tangga", households, None) == {
        "status_verifikasi": "'sudah' tidak dikenal (pilihan: terverifikasi, belum, ditolak)",
        "desil": "harus antara 1 dan 10", "jumlah_anggota": "harus antara 1 dan 999"}
    # Dates read in the profile's order, as its import reads them: 13/01 is no month-first date.
    month_first = from_definition({"jenis": "kepesertaan", "format_tanggal": "mdy"},
                                  ENROLLMENT_SPEC.columns, "as")
    assert profiles.constant_problems("kepesertaan", {"tanggal_mulai": "13/01/2026"}, None) == {}
    assert profiles.constant_problems(
        "kepesertaan", {"tanggal_mulai": "13/01/2026"}, month_first) == {
        "tanggal_mulai": "'13/01/2026' bukan tanggal (contoh: 15/01/2026 atau 2026-01-15)"}


def test_programs_natural_headers_and_unknown_service_area_code(bontang, tmp_path):
    path = write(tmp_path / "program.csv", ["Kode Program", "NAMA_PROGRAM", "Instansi",
                                             "Wilayah Layanan", "Anggaran"], [
        ["RTLH", "Bedah Rumah", "PERKIM", "64.74.03.1002; 6474031003; 64.74.03.9999", "1.000"],
        ["PKH", "Keluarga Harapan", "DINSOS", "", "x"],
    ])
    result = import_programs(bontang, path, user="uji")
    assert (result["accepted"], result["rejected"], result["peringatan"]) == (2, 0, 2)
    area = dict(bontang.execute(text(
        "SELECT kode_program, wilayah_layanan FROM program")).all())
    assert area == {"RTLH": ["64.74.03.1002", "64.74.03.1003"], "PKH": []}
    warned = [(w["nomor_baris"], w["kolom"]) for w in warning_rows(bontang, result["batch_id"])]
    assert warned == [(2, "wilayah_layanan"), (3, "anggaran")]
    assert "64.74.03.9999" in warning_rows(bontang, result["batch_id"])[0]["alasan"]


def test_detection_ranks_layouts_by_the_share_of_their_headers(bontang, tmp_path):
    own = write(tmp_path / "own.csv", ["id_keluarga", "no_kk", "nik_kepala"], [])
    preview = profiles.preview(bontang, own, "rumah_tangga", None)
    shares = {d["nama"]: d["keyakinan"] for d in preview["terdeteksi"]}
    # own: 3 of its 13 columns; dtks: only NoKK (key "nokk") of its 11 headers
    assert shares == {"sasaran": round(3 / 13, 2), "dtks": round(1 / 11, 2)}
    dtks = write(tmp_path / "dtks.csv", DTKS_HEADER, dtks_rows()[:1])
    chosen = profiles.choose_profile(bontang, dtks, "rumah_tangga").profile
    shown = profiles.preview(bontang, dtks, "rumah_tangga", chosen)
    assert shown["pemetaan"]["kode_kelurahan"] == "kode_kelurahan (KDPROP+KDKAB+KDKEC+KDDESA)"
    assert shown["baris"][0]["kode_kelurahan"] == "64.74.03.1002"
    assert shown["baris"][0]["nik_kepala"] == identity.mask(nik(1))
    assert shown["kolom_wajib_kosong"] == []


def test_warnings_are_counted_and_exported_as_csv(bontang, tmp_path):
    path = write(tmp_path / "program.csv", ["Kode Program", "NAMA_PROGRAM", "Instansi",
                                             "Wilayah Layanan", "Anggaran"], [
        ["RTLH", "Bedah Rumah", "PERKIM", "64.74.03.9998; 64.74.03.9999", "x"],
        ["PKH", "Keluarga Harapan", "DINSOS", "", "1.000"],
    ])
    batch = import_programs(bontang, path, user="uji")["batch_id"]
    assert warning_count(bontang, batch) == 2  # row 2: area code and budget, one line each
    lines = list(csv.reader(warnings_csv(bontang, batch).decode("utf-8-sig").splitlines()))
    assert lines[0] == ["nomor_baris", "kolom", "alasan"]
    # In file order, then in the order the row rules found them (the budget is read first).
    assert [(n, c) for n, c, _ in lines[1:]] == [("2", "anggaran"), ("2", "wilayah_layanan")]
    assert "64.74.03.9998" in lines[2][2] and "64.74.03.9999" in lines[2][2]
    assert [w["kolom"] for w in warning_rows(bontang, batch, limit=1)] == ["anggaran"]


def test_layout_detection_shows_the_best_and_applies_it_only_when_sure(bontang, tmp_path):
    # Ten of the DTKS profile's eleven signature headers (no Alamat): 10/11 = 0.91.
    header = [h for h in DTKS_HEADER if h != "Alamat"]
    rows = [r[:5] + r[6:] for r in dtks_rows()[:1]]
    found = profiles.detect_layout(bontang, write(tmp_path / "a.csv", header, rows),
                                   "rumah_tangga")
    assert (found.best.name, found.confidence, found.used) == ("dtks", 0.91, found.best)
    # Six of eleven (0.55): still the best guess, but below AUTO_CONFIDENCE: not applied.
    few = ["IDBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NIK"]
    found = profiles.detect_layout(bontang, write(tmp_path / "b.csv", few, []), "rumah_tangga")
    assert (found.best.name, found.confidence, found.used) == ("dtks", 0.55, None)
    assert profiles.choose_profile(bontang, tmp_path / "b.csv", "rumah_tangga").profile is None
    # The own layout is never applied as a profile: it changes nothing.
    own = write(tmp_path / "c.csv", ["id_keluarga", "no_kk", "nik_kepala"], [])
    found = profiles.detect_layout(bontang, own, "rumah_tangga")
    assert (found.best.name, found.confidence, found.used) == ("sasaran", round(3 / 13, 2), None)
