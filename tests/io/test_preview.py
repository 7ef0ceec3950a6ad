"""The look at a file before loading it: detected columns, what is missing, first rows masked,
and the mapping built from the user's choices loads exactly those columns."""

from __future__ import annotations

import pytest
from household_rows import row, write_csv
from openpyxl import Workbook

from geo.errors import ImportRejected, InvalidInput
from geo.io import builtin, open_table
from geo.io.preview import IGNORE, mapping_from_choices, preview_file
from geo.registry import HOUSEHOLD_SPEC


def renamed(rows: list[dict[str, str]], renames: dict[str, str]) -> list[dict[str, str]]:
    return [{renames.get(k, k): v for k, v in r.items()} for r in rows]


def test_own_headers_map_by_name_and_renamed_ones_are_missing(tmp_path):
    rows = renamed([row(i) for i in range(1, 31)],
                   {"nik_kepala": "NOMOR INDUK KRT", "desil": "Desil", "no_kk": "NO KK"})
    path = write_csv(tmp_path / "dtks.csv", rows)
    look = preview_file(path, HOUSEHOLD_SPEC, rows=5)
    targets = {c.header: c.target for c in look.columns}
    assert targets["NOMOR INDUK KRT"] is None  # neither a column name nor a known alias
    assert targets["Desil"] == "desil"  # case-insensitive match
    assert targets["NO KK"] == "no_kk"  # a known alias, as the import reads it
    assert targets["id_keluarga"] == "id_keluarga"
    assert look.missing == ["nik_kepala"] and not look.ready
    assert [n for n, _ in look.rows] == [2, 3, 4, 5, 6]
    assert look.row_estimate == 30 and look.sheets == []


def test_identity_cells_are_masked_in_the_preview(tmp_path):
    source = row(7, alamat="Catatan: NIK istri 6474034509800007")
    path = write_csv(tmp_path / "rt.csv", [source])
    look = preview_file(path, HOUSEHOLD_SPEC)
    cells = dict(zip(look.headers, look.rows[0][1], strict=True))
    assert cells["nik_kepala"] == source["nik_kepala"][:6] + "********" + source["nik_kepala"][-4:]
    assert cells["no_kk"] == source["no_kk"][:6] + "********" + source["no_kk"][-4:]
    assert cells["alamat"] == "Catatan: NIK istri 647403********0007"
    assert cells["nama_kepala"] == "Kepala 7"  # the uploader's own file: names stay
    assert cells["tanggal_verifikasi"] == "2025-03-01"  # not a digit run to hide


def test_choices_become_rename_rules_that_load_the_chosen_columns(tmp_path):
    rows = renamed([row(1), row(2)], {"nik_kepala": "NIK_KRT", "alamat": "nik_kepala"})
    path = write_csv(tmp_path / "tukar.csv", rows)
    look = preview_file(path, HOUSEHOLD_SPEC)
    # The file's "nik_kepala" header is really an address: the user swaps the two.
    choices = {"NIK_KRT": "nik_kepala", "nik_kepala": "alamat"}
    mapping = mapping_from_choices(look.headers, choices, HOUSEHOLD_SPEC)
    assert mapping == {"nik_krt": "nik_kepala", "nik_kepala": "alamat"}
    again = preview_file(path, HOUSEHOLD_SPEC, mapping)
    assert again.ready and {c.header: c.target for c in again.columns}["NIK_KRT"] == "nik_kepala"
    with open_table(path, HOUSEHOLD_SPEC, mapping) as table:
        first = next(table.rows())
    assert first.values["nik_kepala"] == row(1)["nik_kepala"]
    assert first.values["alamat"] == row(1)["alamat"]


def test_an_untouched_preview_adds_no_rule_and_ignore_drops_a_column(tmp_path):
    path = write_csv(tmp_path / "rt.csv", [row(1)])
    look = preview_file(path, HOUSEHOLD_SPEC)
    untouched = {c.header: c.target or IGNORE for c in look.columns}
    assert mapping_from_choices(look.headers, untouched, HOUSEHOLD_SPEC) == {}
    mapping = mapping_from_choices(look.headers, untouched | {"alamat": IGNORE}, HOUSEHOLD_SPEC)
    assert preview_file(path, HOUSEHOLD_SPEC, mapping).columns[4].target is None
    with open_table(path, HOUSEHOLD_SPEC, mapping) as table:
        assert "alamat" not in table.index


def test_a_column_chosen_twice_or_unknown_is_refused_naming_the_header(tmp_path):
    headers = ["NIK_A", "NIK_B", "nama"]
    with pytest.raises(InvalidInput, match="NIK_B.*NIK_A.*nik_kepala"):
        mapping_from_choices(headers, {"NIK_A": "nik_kepala", "NIK_B": "nik_kepala"},
                             HOUSEHOLD_SPEC)
    with pytest.raises(InvalidInput, match="'nama'.*'gaji'"):
        mapping_from_choices(headers, {"nama": "gaji"}, HOUSEHOLD_SPEC)


def test_xlsx_preview_names_its_sheets_and_counts_rows(tmp_path):
    book = Workbook()
    first = book.active
    first.title = "Catatan"
    first.append(["hanya catatan"])
    data = book.create_sheet("Data")
    data.append(list(row(1)))
    for i in range(1, 13):
        data.append(list(row(i).values()))
    path = tmp_path / "rt.xlsx"
    book.save(path)
    look = preview_file(path, HOUSEHOLD_SPEC, sheet="Data", rows=3)
    assert look.sheets == ["Catatan", "Data"]
    assert look.row_estimate == 12 and look.ready and len(look.rows) == 3
    assert preview_file(path, HOUSEHOLD_SPEC).missing == list(HOUSEHOLD_SPEC.required)


def test_an_unreadable_file_is_refused_as_the_import_would(tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="kosong"):
        preview_file(path, HOUSEHOLD_SPEC)


def test_a_choice_for_a_header_with_a_hint_is_kept_and_ignore_beats_an_alias(tmp_path):
    # "NIK KRT (16 digit)" is keyed with its hint by the preview; "Tgl Verifikasi" is an alias
    # of tanggal_verifikasi, which "ignore" must still keep out.
    rows = renamed([row(1)], {"nik_kepala": "NIK KRT (16 digit)",
                              "tanggal_verifikasi": "Tgl Verifikasi"})
    path = write_csv(tmp_path / "petunjuk.csv", rows)
    look = preview_file(path, HOUSEHOLD_SPEC)
    choices = {"NIK KRT (16 digit)": "nik_kepala", "Tgl Verifikasi": IGNORE}
    mapping = mapping_from_choices(look.headers, choices, HOUSEHOLD_SPEC)
    assert mapping == {"nik_krt_16_digit": "nik_kepala", "tgl_verifikasi": "_abaikan"}
    with open_table(path, HOUSEHOLD_SPEC, mapping, kind="rumah_tangga") as table:
        first = next(table.rows())
    assert first.values["nik_kepala"] == row(1)["nik_kepala"]
    assert "tanggal_verifikasi" not in table.index


def test_a_profile_shows_the_columns_it_combines_and_fills(tmp_path):
    # A DTKS/BDT export: split area code, its own header names, no status column.
    header = ["IDBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NoKK", "NIK", "Nama", "JumlahART",
              "Desil"]
    path = tmp_path / "bdt.csv"
    path.write_text(",".join(header) + "\nBDT1,64,74,3,1002,6474030101000001,"
                    "6474031505800001,SITI,4,2\n", encoding="utf-8")
    assert preview_file(path, HOUSEHOLD_SPEC).missing == ["kode_kelurahan", "status_verifikasi"]
    look = preview_file(path, HOUSEHOLD_SPEC, profile=builtin("rumah_tangga", "dtks"))
    assert look.profile == "dtks" and look.ready
    assert look.derived == [("kode_kelurahan", "kode_kelurahan (KDPROP+KDKAB+KDKEC+KDDESA)"),
                            ("status_verifikasi", "status_verifikasi (tetap)")]
    targets = {c.header: c.target for c in look.columns}
    assert (targets["IDBDT"], targets["Nama"], targets["KDPROP"]) == (
        "id_keluarga", "nama_kepala", None)
    assert look.rows[0][1][6] == "647403********0001"  # NIK masked: its column is known


def test_the_preview_rows_carry_the_cells_the_profile_derives(tmp_path):
    # The second row's area parts are BPS codes (kecamatan 030, desa 002): read through the
    # crosswalk when one is given, as the import reads them, shown unresolved otherwise.
    header = ["IDBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NoKK", "NIK", "Nama", "JumlahART",
              "Desil"]
    path = tmp_path / "bdt.csv"
    path.write_text(",".join(header) + "\n"
                    "BDT1,64,74,3,1002,6474030101000001,6474031505800001,SITI,4,2\n"
                    "BDT2,64,74,030,002,6474030101000002,6474031505800002,BUDI,3,1\n",
                    encoding="utf-8")
    dtks = builtin("rumah_tangga", "dtks")
    look = preview_file(path, HOUSEHOLD_SPEC, profile=dtks,
                        crosswalk={"6474030002": "64.74.03.1001"})
    width = len(header)
    assert [cells[width:] for _, cells in look.rows] == [
        ["64.74.03.1002", "terverifikasi"], ["64.74.03.1001", "terverifikasi"]]
    assert [cells[:width][0] for _, cells in look.rows] == ["BDT1", "BDT2"]
    alone = preview_file(path, HOUSEHOLD_SPEC, profile=dtks)
    assert alone.rows[1][1][width] == "BPS 6474030002 (tidak ada di tabel padanan)"
    assert [len(cells) for _, cells in preview_file(path, HOUSEHOLD_SPEC).rows] == [width] * 2


def test_the_parts_of_a_combined_code_say_which_column_they_feed(tmp_path):
    # KDPROP..KDDESA feed no column themselves: the page must not show them as ignored.
    header = ["IDBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NoKK", "NIK", "Nama", "JumlahART",
              "Desil", "Catatan"]
    path = tmp_path / "bdt.csv"
    path.write_text(",".join(header) + "\nBDT1,64,74,3,1002,6474030101000001,"
                    "6474031505800001,SITI,4,2,-\n", encoding="utf-8")
    look = preview_file(path, HOUSEHOLD_SPEC, profile=builtin("rumah_tangga", "dtks"))
    used = {c.header: c.used_by for c in look.columns if c.used_by}
    assert used == dict.fromkeys(["KDPROP", "KDKAB", "KDKEC", "KDDESA"], "kode_kelurahan")
    assert [c.target for c in look.columns if c.header == "Catatan"] == [None]
    plain = preview_file(path, HOUSEHOLD_SPEC)  # the own layout combines nothing
    assert [c.used_by for c in plain.columns] == [None] * len(header)
