import csv

import openpyxl
import pytest
from household_rows import GUNUNG_TELIHAN, HEADER, kk, nik, row, write_csv
from sqlalchemy import text

from app.services.io.batches import get_batch, rejected_rows, warning_rows
from app.services.registry import import_households
from app.services.registry import side as household_side
from app.services.registry.payload import DuplicateTracker
from app.services.wilayah import load_boundaries
from geo import identity
from geo.errors import ImportRejected
from geo.io import parse_column_map

KEY = b"kunci-uji"


@pytest.fixture
def bontang(conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    return conn


def run(conn, path, **kw):
    return import_households(conn, path, key=KEY, user="uji", **kw)


def households(conn):
    return {r.id_keluarga: r for r in conn.execute(text(
        "SELECT id_keluarga, nama_kepala, desil, jumlah_anggota, flags, kode_kelurahan, "
        "nik_kepala_hash, nik_kepala_mask, no_kk_hash, no_kk_mask, batch_id FROM household"))}


def test_valid_rows_load_with_digests_and_masks_only(bontang, tmp_path):
    rows = [row(i) for i in range(1, 6)]
    result = run(bontang, write_csv(tmp_path / "rt.csv", rows))
    assert (result.total, result.accepted, result.rejected) == (5, 5, 0)
    stored = households(bontang)
    assert set(stored) == {r["id_keluarga"] for r in rows}
    first = stored["K00001"]
    assert bytes(first.nik_kepala_hash) == identity.digest(KEY, nik(1))
    assert bytes(first.no_kk_hash) == identity.digest(KEY, kk(1))
    assert first.nik_kepala_mask == nik(1)[:6] + "********" + nik(1)[-4:]
    batch = get_batch(bontang, result.batch_id)
    assert (batch["baris_total"], batch["baris_diterima"], batch["nama_berkas"]) == (5, 5, "rt.csv")


REJECTED_CASES = [
    ({"nik_kepala": "123"}, "nik_kepala", "16 digit"),
    ({"nik_kepala": "6474033213800001"}, "nik_kepala", "tanggal lahir"),
    ({"nik_kepala": "6474031513800001"}, "nik_kepala", "bulan"),
    ({"nik_kepala": "6474031505800000"}, "nik_kepala", "0000"),
    ({"no_kk": "64740301012000"}, "no_kk", "16 digit"),
    ({"no_kk": "0074030101200001"}, "no_kk", "kecamatan"),
    ({"desil": "0"}, "desil", "antara 1 dan 10"),
    ({"desil": "11"}, "desil", "antara 1 dan 10"),
    ({"desil": "dua"}, "desil", "bukan bilangan bulat"),
    ({"jumlah_anggota": "0"}, "jumlah_anggota", "antara 1"),
    ({"status_verifikasi": "valid"}, "status_verifikasi", "tidak dikenal"),
    ({"kode_kelurahan": "64.74.09.1001"}, "kode_kelurahan", "tidak dikenal"),
] + [({column: ""}, column, "wajib diisi") for column in (
    "id_keluarga", "no_kk", "nik_kepala", "nama_kepala", "kode_kelurahan", "jumlah_anggota",
    "desil", "status_verifikasi")]


WARNED_CASES = [
    ({"tanggal_verifikasi": "31/02/2025"}, "tanggal_verifikasi", "bukan tanggal"),
    ({"tanggal_verifikasi": "2025-13-01"}, "tanggal_verifikasi", "bukan tanggal"),
    ({"pengeluaran_per_kapita": "-5"}, "pengeluaran_per_kapita", ">= 0"),
    ({"pengeluaran_per_kapita": "1.25.000"}, "pengeluaran_per_kapita", "bukan angka"),
]


@pytest.mark.parametrize(("change", "column", "reason"), WARNED_CASES)
def test_a_bad_optional_value_is_dropped_and_warned_not_rejected(
    bontang, tmp_path, change, column, reason
):
    rows = [row(1), row(2, **change), row(3)]
    result = run(bontang, write_csv(tmp_path / "rt.csv", rows))
    assert (result.accepted, result.rejected, result.warned) == (3, 0, 1)
    (warning,) = warning_rows(bontang, result.batch_id)
    assert (warning["nomor_baris"], warning["kolom"]) == (3, column)
    assert reason in warning["alasan"]
    stored = bontang.execute(text(
        f"SELECT {column} AS v FROM household WHERE id_keluarga = 'K00002'")).scalar_one()
    assert stored is None  # the value is dropped, the household kept
    kept = bontang.execute(text(
        f"SELECT {column} AS v FROM household WHERE id_keluarga = 'K00001'")).scalar_one()
    assert kept is not None


@pytest.mark.parametrize(("change", "column", "reason"), REJECTED_CASES)
def test_each_row_rule_rejects_with_row_column_reason_and_keeps_the_rest(
    bontang, tmp_path, change, column, reason
):
    rows = [row(1), row(2, **change), row(3)]
    result = run(bontang, write_csv(tmp_path / "rt.csv", rows))
    assert (result.accepted, result.rejected) == (2, 1)
    (stored,) = rejected_rows(bontang, result.batch_id)
    assert stored["nomor_baris"] == 3  # header is row 1, rows[1] is row 3
    assert stored["kolom"] == column
    assert reason in stored["alasan"]
    expected = dict(rows[1])  # verbatim, with the file's own headers, identity numbers masked
    for column in ("no_kk", "nik_kepala"):
        value = expected[column]
        long_enough = len(value) >= 12
        expected[column] = value[:6] + "*" * 8 + value[-4:] if long_enough else "*" * len(value)
    assert stored["data"] == expected
    assert set(households(bontang)) == {"K00001", "K00003"}


AMOUNTS_AS_EXPORTED = [
    ("450000", "450000.00"), ("450.000", "450000.00"), ("1.250.000", "1250000.00"),
    ("450.000,50", "450000.50"), ("1,250,000.50", "1250000.50"), ("1,500", "1500.00"),
    ("12,5", "12.50"), ("12.50", "12.50"), ("0,15", "0.15"), ("12.345.678,9", "12345678.90"),
]


def test_rupiah_amounts_load_as_the_export_wrote_them(bontang, tmp_path):
    rows = [row(i, pengeluaran_per_kapita=cell) for i, (cell, _) in
            enumerate(AMOUNTS_AS_EXPORTED, start=1)]
    result = run(bontang, write_csv(tmp_path / "rt.csv", rows, delimiter=";"))
    assert result.rejected == 0
    stored = dict(bontang.execute(text(
        "SELECT id_keluarga, pengeluaran_per_kapita::text FROM household")).all())
    assert [stored[r["id_keluarga"]] for r in rows] == [v for _, v in AMOUNTS_AS_EXPORTED]


@pytest.mark.parametrize("cell", ["1.25.000", "1234.567", "1.250,000.5", "1,2,3", "1.250.000,5,0"])
def test_inconsistent_thousands_grouping_is_rejected_not_guessed(bontang, tmp_path, cell):
    rows = [row(1), row(2, pengeluaran_per_kapita=cell)]
    result = run(bontang, write_csv(tmp_path / "rt.csv", rows, delimiter=";"))
    # An optional column: the value is refused (warned), the household kept without it.
    assert (result.accepted, result.rejected) == (2, 0)
    (stored,) = warning_rows(bontang, result.batch_id)
    assert (stored["nomor_baris"], stored["kolom"]) == (3, "pengeluaran_per_kapita")
    assert f"'{cell}' bukan angka" in stored["alasan"]


def test_several_problems_in_one_row_are_all_reported(bontang, tmp_path):
    rows = [row(1, desil="12", status_verifikasi="x")]
    result = run(bontang, write_csv(tmp_path / "rt.csv", rows))
    (stored,) = rejected_rows(bontang, result.batch_id)
    assert [p["kolom"] for p in stored["masalah"]] == ["desil", "status_verifikasi"]


def test_repeated_id_in_one_file_first_row_wins(bontang, tmp_path):
    rows = [row(1, nama_kepala="Pertama"), row(2), row(1, nama_kepala="Kedua")]
    result = run(bontang, write_csv(tmp_path / "rt.csv", rows), chunk_size=2)
    assert (result.accepted, result.rejected) == (2, 1)
    (stored,) = rejected_rows(bontang, result.batch_id)
    assert (stored["nomor_baris"], stored["kolom"]) == (4, "id_keluarga")
    assert "baris 2" in stored["alasan"]
    assert households(bontang)["K00001"].nama_kepala == "Pertama"


def test_reimport_updates_by_id_keluarga_without_duplicating(bontang, tmp_path):
    first = run(bontang, write_csv(tmp_path / "a.csv", [row(1), row(2)]))
    second = run(bontang, write_csv(tmp_path / "b.csv", [row(2, desil="7"), row(3)]))
    assert (second.inserted, second.updated) == (1, 1)
    stored = households(bontang)
    assert set(stored) == {"K00001", "K00002", "K00003"}
    assert stored["K00002"].desil == 7 and stored["K00002"].batch_id == second.batch_id
    assert stored["K00001"].batch_id == first.batch_id


def test_shared_head_nik_or_kk_flags_both_households_until_corrected(bontang, tmp_path):
    rows = [row(1), row(2, nik_kepala=nik(1)), row(3), row(4, no_kk=kk(3)), row(5)]
    result = run(bontang, write_csv(tmp_path / "rt.csv", rows))
    flagged = {k for k, h in households(bontang).items() if "possible_duplicate" in h.flags}
    assert flagged == {"K00001", "K00002", "K00003", "K00004"}
    assert result.flags["possible_duplicate"] == 4
    run(bontang, write_csv(tmp_path / "fix.csv", [row(2)]))
    flagged = {k for k, h in households(bontang).items() if "possible_duplicate" in h.flags}
    assert flagged == {"K00003", "K00004"}


def test_no_column_holds_a_plain_nik_or_kk(bontang, tmp_path, wilayah_dir):
    rows = [row(i) for i in range(1, 4)] + [row(4, desil="99")]  # row 4 is rejected
    members = tmp_path / "anggota.csv"
    with open(members, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_keluarga", "nik", "nama", "jenis_kelamin"])
        writer.writerow(["K00001", nik(91, born="010190"), "Anak", "L"])
        writer.writerow(["K00001", "6474", "Anak", "L"])  # rejected
    result = run(bontang, write_csv(tmp_path / "rt.csv", rows), members_path=members)
    assert (result.rejected, result.members.rejected) == (1, 1)
    secrets = [nik(i) for i in range(1, 5)] + [kk(i) for i in range(1, 5)]
    secrets += [nik(91, born="010190")]
    for table in ("household", "member", "rejected_row"):
        dump = bontang.execute(text(f"SELECT t::text FROM {table} t")).scalars().all()
        assert dump, table
        for line in dump:
            assert not any(s in line for s in secrets), (table, line)


def test_semicolon_csv_and_column_mapping(bontang, tmp_path):
    source = [{("NIK_KRT" if k == "nik_kepala" else "ID KEL" if k == "id_keluarga" else k): v
               for k, v in row(i).items()} for i in (1, 2)]
    path = write_csv(tmp_path / "rt.csv", source, delimiter=";")
    mapping = parse_column_map("NIK_KRT=nik_kepala,id_kel=id_keluarga")
    result = run(bontang, path, column_map=mapping)
    assert result.accepted == 2 and set(households(bontang)) == {"K00001", "K00002"}


def test_missing_columns_reject_the_whole_file_with_its_name(bontang, tmp_path):
    rows = [{k: v for k, v in row(1).items() if k != "desil"}]
    with pytest.raises(ImportRejected, match="rt.csv.*desil"):
        run(bontang, write_csv(tmp_path / "rt.csv", rows))


def test_xlsx_first_sheet_imports_numbers_typed_as_numbers(bontang, tmp_path):
    path = tmp_path / "rt.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in (1, 2):
        values = row(i)
        values.update(no_kk=int(kk(i)), nik_kepala=int(nik(i)), desil=3, jumlah_anggota=5.0)
        sheet.append([values[h] for h in HEADER])
    book.save(path)
    result = run(bontang, path)
    assert (result.accepted, result.rejected) == (2, 0)
    stored = households(bontang)["K00002"]
    assert bytes(stored.nik_kepala_hash) == identity.digest(KEY, nik(2))
    assert (stored.desil, stored.jumlah_anggota) == (3, 5)


def test_import_needs_loaded_kelurahan(conn, tmp_path):
    with pytest.raises(ImportRejected, match="batas kelurahan"):
        run(conn, write_csv(tmp_path / "rt.csv", [row(1)]))


def test_declared_code_without_dots_is_accepted(bontang, tmp_path):
    run(bontang, write_csv(tmp_path / "rt.csv", [row(1, kode_kelurahan="6474031002")]))
    assert households(bontang)["K00001"].kode_kelurahan == GUNUNG_TELIHAN


def test_text_with_tabs_backslashes_and_line_breaks_is_stored_verbatim(bontang, tmp_path):
    name, address = 'Siti "Ani"\tB\\N', "Jl. Merdeka\nRT 01, RW 02\\"
    run(bontang, write_csv(tmp_path / "rt.csv", [row(1, nama_kepala=name, alamat=address)]))
    got = bontang.execute(text("SELECT nama_kepala, alamat FROM household")).one()
    assert (got.nama_kepala, got.alamat) == (name, address)


DEFINITION = [
    "SELECT indexdef FROM pg_indexes WHERE tablename = 'household'",
    "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) "
    "FROM pg_constraint "
    "WHERE conrelid = 'household'::regclass OR confrelid = 'household'::regclass",
    "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
    "WHERE tgrelid = 'household'::regclass AND NOT tgisinternal",
    "SELECT concat_ws(' ', ordinal_position, column_name, data_type, column_default, "
    "is_nullable) FROM information_schema.columns WHERE table_name = 'household'",
    "SELECT 'sequence ' || pg_get_serial_sequence('household', 'id')",
    "SELECT 'options ' || coalesce(array_to_string(reloptions, ','), '') FROM pg_class "
    "WHERE oid = 'household'::regclass",
]


def household_definition(conn):
    """What makes ``household`` what it is: indexes, its constraints and the foreign keys
    pointing at it, triggers, columns, the id sequence's owner, storage options."""
    return sorted(str(line) for query in DEFINITION
                  for line in conn.execute(text(query)).scalars())


def side_tables(engine):
    """Side tables as any other session sees them (committed)."""
    with engine.connect() as other:
        return set(other.execute(text(
            "SELECT relname FROM pg_class WHERE relname LIKE 'household\\_load\\_%'")).scalars())


def test_bulk_load_rebuilds_indexes_and_keeps_every_rule(bontang, tmp_path):
    before = household_definition(bontang)
    rows = [row(1), row(2, nik_kepala=nik(1)), row(3, desil="0"), row(4), row(4),
            row(5, no_kk=kk(4))]
    fresh = run(bontang, write_csv(tmp_path / "a.csv", rows), bulk=True, chunk_size=2)
    assert (fresh.accepted, fresh.rejected, fresh.inserted) == (4, 2, 4)
    assert [r.row_number for r in fresh.first_rejections] == [4, 6]
    assert household_definition(bontang) == before
    stored = households(bontang)
    assert bytes(stored["K00005"].no_kk_hash) == identity.digest(KEY, kk(4))
    flagged = {k for k, h in stored.items() if "possible_duplicate" in h.flags}
    assert flagged == {"K00001", "K00002", "K00004", "K00005"}
    assert fresh.flags["possible_duplicate"] == 4
    again = run(bontang, write_csv(tmp_path / "b.csv", [row(2), row(6)]), bulk=True)
    assert (again.inserted, again.updated) == (1, 1)
    assert again.flags["possible_duplicate"] == 0  # K00004 and K00005 are the first batch's
    assert household_definition(bontang) == before
    flagged = {k for k, h in households(bontang).items() if "possible_duplicate" in h.flags}
    assert flagged == {"K00004", "K00005"}



def test_a_fresh_load_numbers_its_rows_and_moves_the_id_sequence_past_them(bontang, tmp_path):
    # The sequence has moved on (a household added and removed): ids must not restart at 1.
    run(bontang, write_csv(tmp_path / "a.csv", [row(1)]))
    first = bontang.execute(text("SELECT id FROM household")).scalar_one()
    bontang.execute(text("DELETE FROM household"))
    rows = [row(i) for i in range(2, 9)]
    rows += [row(9, desil="0"), row(10, nik_kepala="64740.31505800010")]  # row-wise path
    result = run(bontang, write_csv(tmp_path / "b.csv", rows), bulk=True, chunk_size=3)
    assert (result.inserted, result.rejected) == (8, 1)
    ids = dict(bontang.execute(text("SELECT id_keluarga, id FROM household")).all())
    assert sorted(ids.values()) == list(range(first + 1, first + 9))
    run(bontang, write_csv(tmp_path / "c.csv", [row(11)]))  # the server numbers this one
    assert bontang.execute(text("SELECT id FROM household WHERE id_keluarga = 'K00011'")
                           ).scalar_one() == first + 9


def test_a_first_bulk_load_rejecting_every_row_leaves_the_id_sequence_where_it_was(
        bontang, tmp_path):
    # A new registry: the sequence has never given an id, so the load reserves id 1.
    bontang.execute(text("SELECT setval(pg_get_serial_sequence('household', 'id'), 1, false)"))
    rows = [row(1, desil="0"), row(2, nik_kepala="123")]
    result = run(bontang, write_csv(tmp_path / "a.csv", rows), bulk=True)
    assert (result.accepted, result.rejected, result.inserted) == (0, 2, 0)
    run(bontang, write_csv(tmp_path / "b.csv", [row(3)]))  # the server numbers this one
    assert bontang.execute(text("SELECT id FROM household")).scalar_one() == 1


def filenode(conn):
    return conn.execute(text("SELECT pg_relation_filenode('household')")).scalar_one()


@pytest.mark.single_node
def test_first_bulk_load_is_built_beside_only_when_nothing_references_households(
        bontang, tmp_path):
    # An empty registry with no enrollments: built in a side table that becomes household.
    before = filenode(bontang)
    run(bontang, write_csv(tmp_path / "a.csv", [row(1), row(2)]), bulk=True)
    assert filenode(bontang) != before
    bontang.execute(text("DELETE FROM household"))
    # An unmatched enrollment row references no household yet must survive the next load.
    bontang.execute(text(
        "INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial');"
        "INSERT INTO program (kode_program, nama, instansi) VALUES ('PKH', 'PKH', 'DINSOS');"
        "INSERT INTO enrollment (program_id, kunci, kunci_tampil, tanggal_mulai, status, "
        "kode_kabkota) SELECT id, 'nik', '647403********0001', DATE '2025-01-01', 'aktif', '' "
        "FROM program"))
    before = filenode(bontang)
    result = run(bontang, write_csv(tmp_path / "b.csv", [row(1), row(2)]), bulk=True)
    assert (result.inserted, filenode(bontang)) == (2, before)
    assert bontang.execute(text("SELECT count(*) FROM enrollment")).scalar_one() == 1


def test_swapped_in_household_keeps_its_cascades_and_coverage_trigger(bontang, tmp_path):
    run(bontang, write_csv(tmp_path / "a.csv", [row(1), row(2)]), bulk=True)
    bontang.execute(text(
        "INSERT INTO member (household_id, nik_hash, nik_mask, nama, batch_id, kode_kabkota) "
        "SELECT id, nik_kepala_hash, nik_kepala_mask, 'Anak', batch_id, kode_kabkota "
        "FROM household WHERE id_keluarga = 'K00001';"
        "INSERT INTO coverage_segment (household_id, kode_kelurahan, desil, terverifikasi, "
        "dari, sampai, program_ids, instansi, n_program, n_instansi, kode_kabkota) "
        "SELECT id, kode_kelurahan, desil, true, DATE '2025-01-01', DATE '2025-12-31', "
        "'{1}', '{DINSOS}', 1, 1, kode_kabkota FROM household WHERE id_keluarga = 'K00002'"))
    bontang.execute(text("UPDATE household SET desil = 9 WHERE id_keluarga = 'K00002'"))
    assert bontang.execute(text("SELECT desil FROM coverage_segment")).scalar_one() == 9
    assert bontang.execute(text("SELECT kode_kelurahan FROM coverage_stale "
                                "WHERE kode_kelurahan <> '*'")).scalar_one() == GUNUNG_TELIHAN
    bontang.execute(text("DELETE FROM household WHERE id_keluarga = 'K00001'"))
    assert bontang.execute(text("SELECT count(*) FROM member")).scalar_one() == 0


@pytest.mark.single_node
def test_a_first_load_that_fails_leaves_no_side_table(bontang, engine, tmp_path):
    def interrupted(rows):
        raise KeyboardInterrupt

    tables, definition = side_tables(engine), household_definition(bontang)
    with pytest.raises(KeyboardInterrupt):
        run(bontang, write_csv(tmp_path / "a.csv", [row(i) for i in range(1, 7)]), bulk=True,
            chunk_size=2, progress=interrupted)
    assert side_tables(engine) == tables
    assert household_definition(bontang) == definition
    assert bontang.execute(text("SELECT count(*) FROM household")).scalar_one() == 0


@pytest.mark.single_node
def test_a_first_load_failing_after_its_side_table_was_committed_drops_it(
        bontang, engine, tmp_path, monkeypatch):
    def full_disk(*statements):
        raise OSError("No space left on device")

    monkeypatch.setattr(household_side, "_in_two_sessions", full_disk)
    tables = side_tables(engine)
    with pytest.raises(OSError):
        run(bontang, write_csv(tmp_path / "a.csv", [row(1), row(2)]), bulk=True)
    assert side_tables(engine) == tables
    assert bontang.execute(text("SELECT count(*) FROM household")).scalar_one() == 0


@pytest.mark.single_node
def test_a_side_table_left_by_a_rolled_back_import_is_dropped_by_the_next(
        engine, wilayah_dir, tmp_path):
    data = write_csv(tmp_path / "a.csv", [row(1), row(2)])
    with engine.connect() as first:
        with first.begin():
            load_boundaries(first, wilayah_dir / "bontang_kelurahan.geojson")
        try:
            batch = run(first, data, bulk=True).batch_id
        finally:
            first.rollback()
    left = f"household_load_{batch}"
    assert left in side_tables(engine)
    try:
        with engine.connect() as second:
            load_boundaries(second, wilayah_dir / "bontang_kelurahan.geojson")
            run(second, write_csv(tmp_path / "b.csv", [row(3)]))
            assert not second.execute(text("SELECT to_regclass(:t)"), {"t": left}).scalar()
            second.rollback()
    finally:  # the boundaries were committed: later tests expect an empty wilayah table
        with engine.begin() as cleanup:
            cleanup.execute(text("DELETE FROM wilayah"))


def write_members(path, people):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_keluarga", "nik", "nama", "hubungan", "jenis_kelamin",
                         "tanggal_lahir", "disabilitas"])
        writer.writerows(people)
    return path


def member_names(conn):
    return sorted(conn.execute(text("SELECT nama FROM member")).scalars())


def test_members_link_by_id_keluarga_reject_bad_rows_and_replace_on_reimport(bontang, tmp_path):
    households_file = write_csv(tmp_path / "rt.csv", [row(1), row(2)])
    people = [
        ["K00001", nik(1), "Kepala 1", "kepala keluarga", "L", "1980-05-15", "tidak"],
        ["K00001", nik(61, born="010110"), "Anak A", "anak", "P", "2010-01-01", "ya"],
        ["K00002", "12345", "Salah NIK", "anak", "L", "", ""],
        ["K00009", nik(62), "Tanpa Rumah", "anak", "L", "", ""],
        ["K00002", nik(63), "Tanggal Salah", "anak", "L", "31-02-2010", ""],
        ["K00001", nik(61, born="010110"), "Anak A lagi", "anak", "P", "", ""],
    ]
    result = run(bontang, households_file, members_path=write_members(tmp_path / "a.csv", people))
    got = {r["nomor_baris"]: r["kolom"] for r in rejected_rows(bontang, result.members.batch_id)}
    assert got == {4: "nik", 5: "id_keluarga", 7: "nik"}
    warned = warning_rows(bontang, result.members.batch_id)
    assert [(w["nomor_baris"], w["kolom"]) for w in warned] == [(6, "tanggal_lahir")]
    assert member_names(bontang) == ["Anak A", "Kepala 1", "Tanggal Salah"]
    assert bontang.execute(text("SELECT tanggal_lahir FROM member WHERE nama = 'Tanggal Salah'")
                           ).scalar_one() is None
    replacement = [["K00001", nik(1), "Kepala 1", "kepala keluarga", "L", "", ""]]
    run(bontang, households_file, members_path=write_members(tmp_path / "b.csv", replacement))
    assert member_names(bontang) == ["Kepala 1", "Tanggal Salah"]  # K00002 keeps its own


def test_stray_nul_characters_do_not_break_the_load(bontang, tmp_path):
    run(bontang, write_csv(tmp_path / "rt.csv", [row(1, nama_kepala="Ani\x00 B")]))
    assert households(bontang)["K00001"].nama_kepala == "Ani B"


def test_rejected_row_with_nul_is_kept(bontang, tmp_path):
    result = run(bontang, write_csv(tmp_path / "rt.csv", [row(1, desil="\x00")]))
    (stored,) = rejected_rows(bontang, result.batch_id)
    assert stored["kolom"] == "desil"


def test_duplicate_tracker_finds_shared_digests_whole_even_ending_in_nul():
    # Digests sharing their first 8 bytes, or ending in NUL bytes (which numpy's fixed-width
    # bytes drop), must be told apart and returned whole.
    a, b = bytes(31) + b"\1", bytes(32)  # same 8-byte prefix, different digests
    c = bytes(range(1, 29)) + bytes(4)
    tracker = DuplicateTracker()
    tracker.add(a + c, a + b)
    tracker.add(c + b, b)
    assert tracker.shared() == ([c], [b])
