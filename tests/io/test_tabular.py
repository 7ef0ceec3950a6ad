import csv
from datetime import date

import openpyxl
import pytest

from geo.errors import ImportRejected, InvalidInput
from geo.io.tabular import ColumnSpec, iter_rows, normalise_header, open_table, parse_column_map

SPEC = ColumnSpec(required=("id_keluarga", "nik_kepala"), optional=("alamat", "desil"))


def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(content, encoding=encoding)
    return path


def test_comma_csv_rows_carry_user_row_numbers_and_both_views(tmp_path):
    path = write(tmp_path, "a.csv", "ID_Keluarga,NIK Kepala,Lain\nK1,123,x\n\nK2,456,y\n")
    rows = list(iter_rows(path, SPEC))
    assert [r.number for r in rows] == [2, 4]  # blank row 3 keeps its number
    assert rows[0].original == {"ID_Keluarga": "K1", "NIK Kepala": "123", "Lain": "x"}
    assert rows[0].values == {"id_keluarga": "K1", "nik_kepala": "123"}


def test_semicolon_csv_with_bom_is_detected(tmp_path):
    path = write(tmp_path, "b.csv", "\ufeffid_keluarga;nik_kepala;alamat\nK1;123;Jl. A, No 1\n")
    (row,) = iter_rows(path, SPEC)
    assert row.values == {"id_keluarga": "K1", "nik_kepala": "123", "alamat": "Jl. A, No 1"}


def test_column_mapping_renames_source_headers(tmp_path):
    path = write(tmp_path, "c.csv", "IDKEL,NIK_KRT\nK1,123\n")
    mapping = parse_column_map("idkel=id_keluarga, NIK_KRT = nik_kepala", SPEC)
    (row,) = iter_rows(path, SPEC, mapping)
    assert row.values["nik_kepala"] == "123" and row.values["id_keluarga"] == "K1"


def test_bad_column_mapping_is_invalid_input():
    with pytest.raises(InvalidInput):
        parse_column_map("NIK_KRT", SPEC)
    with pytest.raises(InvalidInput, match="bukan kolom"):
        parse_column_map("NIK_KRT=nik_tidak_ada", SPEC)


def test_missing_required_columns_name_file_and_columns(tmp_path):
    path = write(tmp_path, "d.csv", "id_keluarga,alamat\nK1,x\n")
    with pytest.raises(ImportRejected) as caught:
        list(iter_rows(path, SPEC))
    assert "d.csv" in caught.value.message
    assert caught.value.details == {"berkas": "d.csv", "kolom": ["nik_kepala"]}


def test_non_utf8_file_is_rejected_with_file_name(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes("id_keluarga,nik_kepala\nK1,Ã©\xff\n".encode("latin-1"))
    with pytest.raises(ImportRejected, match="e.csv"):
        list(iter_rows(path, SPEC))


def test_empty_file_is_rejected(tmp_path):
    with pytest.raises(ImportRejected, match="kosong"):
        list(iter_rows(write(tmp_path, "f.csv", ""), SPEC))


def test_xlsx_named_sheet_cells_become_text(tmp_path):
    path = tmp_path / "g.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "lain"
    sheet = book.create_sheet("data")
    sheet.append(["id_keluarga", "NIK_KEPALA", "desil", "alamat"])
    sheet.append(["K1", 6474034101900001, 3.0, date(2025, 1, 2)])
    sheet.append([None, None, None, None])
    sheet.append(["K2", "6474034101900002", None, None])
    book.save(path)
    rows = list(iter_rows(path, SPEC, sheet="data"))
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].values == {"id_keluarga": "K1", "nik_kepala": "6474034101900001",
                              "desil": "3", "alamat": "2025-01-02"}
    assert rows[1].values["desil"] == ""
    with pytest.raises(ImportRejected, match="lembar"):
        list(iter_rows(path, SPEC, sheet="tidak_ada"))


def test_chunks_are_column_wise_and_bounded(tmp_path):
    lines = "".join(f"K{i},{i}\n" for i in range(25))
    path = write(tmp_path, "h.csv", "id_keluarga,nik_kepala\n" + lines)
    with open_table(path, SPEC) as table:
        chunks = list(table.chunks(10))
    assert [len(c) for c in chunks] == [10, 10, 5]
    assert chunks[1].numbers[0] == 12
    assert chunks[2].column("id_keluarga") == [f"K{i}" for i in range(20, 25)]
    assert chunks[2].column("alamat") == [""] * 5
    assert chunks[0].original(0) == {"id_keluarga": "K0", "nik_kepala": "0"}


def test_header_normalisation():
    assert normalise_header(" No. KK ") == "no_kk"
    assert normalise_header("Kode-Kelurahan") == "kode_kelurahan"


def test_csv_reads_like_csv_reader_before_and_after_the_first_quote(tmp_path):
    # Quote-free blocks are split on the delimiter, the rest goes through csv.reader: both
    # must read every line ending, blank row and quoted field as csv.reader does. The plain
    # part (~2.4 MB) spans more than one 1 MB block, so both paths are taken.
    plain = "".join(f"K{i},{i},Jl. {i}\r\n" if i % 3 else f"K{i},{i},\r" for i in range(100_000))
    content = "id_keluarga,nik_kepala,alamat\n" + plain + '\nK-a,1,"Jl. A, No 1\nRT 2"\nK-b,2,x'
    path = write(tmp_path, "q.csv", content)
    with open(path, encoding="utf-8", newline="") as handle:
        expected = [cells for cells in csv.reader(handle) if any(cells)][1:]
    with open_table(path, SPEC) as table:
        got = [chunk.cells[i] for chunk in table.chunks(7_000) for i in range(len(chunk))]
    assert got == expected
    assert got[-2] == ["K-a", "1", "Jl. A, No 1\nRT 2"]


def test_a_byte_that_is_not_utf8_is_refused_naming_its_row(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("id_keluarga,nik\nA1,1\nA2,Jos\u00e9\n".encode("utf-8")
                     + "A3,Jos\u00e9\n".encode("latin-1"))
    with (pytest.raises(ImportRejected, match=r"latin1\.csv: baris 4 berisi karakter"),
          open_table(path, ColumnSpec(("id_keluarga",), ("nik",))) as table):
        list(table.rows())
