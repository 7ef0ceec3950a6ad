import csv
import io

import openpyxl
import pytest

from app.services.io.batches import (
    finish_batch,
    get_batch,
    list_batches,
    rejected_rows,
    report_csv,
    report_xlsx,
    start_batch,
    store_rejections,
)
from geo.errors import NotFound
from geo.io import Problem, Rejection

REJECTIONS = [
    Rejection(5, [Problem("desil", "harus antara 1 dan 10")], {"ID": "K5", "desil": "11"}),
    Rejection(3, [Problem("nik", "NIK harus 16 digit angka"), Problem(None, "baris ganda")],
              {"ID": "K3", "desil": "2"}),
]


def test_batch_records_counts_and_rejected_rows_verbatim(conn):
    batch = start_batch(conn, "uji", "x.csv", "ab" * 32, "lokal", {"kolom": {"a": "b"}})
    assert store_rejections(conn, batch, REJECTIONS) == 2
    finish_batch(conn, batch, total=10, accepted=8, rejected=2, summary={"flag": 1})
    info = get_batch(conn, batch)
    assert (info["baris_total"], info["baris_diterima"], info["baris_ditolak"]) == (10, 8, 2)
    assert info["ringkasan"] == {"flag": 1} and info["parameter"] == {"kolom": {"a": "b"}}
    rows = rejected_rows(conn, batch)
    assert [r["nomor_baris"] for r in rows] == [3, 5]
    assert rows[0]["kolom"] == "nik"
    assert rows[0]["masalah"] == [{"kolom": "nik", "alasan": "NIK harus 16 digit angka"},
                                  {"kolom": None, "alasan": "baris ganda"}]
    assert list(rows[1]["data"].items()) == [("ID", "K5"), ("desil", "11")]


def test_reports_have_row_column_reason_then_original_columns(conn):
    batch = start_batch(conn, "uji", "x.csv", "00" * 32, "lokal")
    store_rejections(conn, batch, REJECTIONS)
    table = list(csv.reader(io.StringIO(report_csv(conn, batch).decode("utf-8-sig"))))
    assert table[0] == ["nomor_baris", "kolom", "alasan", "ID", "desil"]
    assert table[2] == ["5", "desil", "desil: harus antara 1 dan 10", "K5", "11"]
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(conn, batch)))
    sheet = book["ditolak"]
    assert [c.value for c in sheet[2]][:2] == [3, "nik"]
    assert sheet.max_row == 3


def test_control_characters_stay_in_the_csv_report_and_leave_the_xlsx_one(conn):
    batch = start_batch(conn, "uji", "x.csv", "11" * 32, "lokal")
    store_rejections(conn, batch, [Rejection(2, [Problem("desil", "kosong")],
                                             {"nama": "Siti\x07 Aminah\x1b", "desil": ""})])
    table = list(csv.reader(io.StringIO(report_csv(conn, batch).decode("utf-8-sig"))))
    assert table[1][3] == "Siti\x07 Aminah\x1b"  # kept verbatim: nothing lost
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(conn, batch)))["ditolak"]
    assert sheet.cell(2, 4).value == "Siti Aminah"


def test_unknown_batch_is_not_found(conn):
    with pytest.raises(NotFound):
        rejected_rows(conn, 999_999)


def test_batches_are_listed_newest_first_by_user_and_kind(conn):
    made = [start_batch(conn, jenis, f"{i}.csv", "ab" * 32, user)
            for i, (jenis, user) in enumerate([("rumah_tangga", "ani"), ("kepesertaan", "ani"),
                                               ("rumah_tangga", "budi"), ("anggota", "ani")])]
    mine = [b["id"] for b in list_batches(conn, user="ani") if b["id"] in made]
    assert mine == [made[3], made[1], made[0]]
    kinds = list_batches(conn, user="ani", kinds=("rumah_tangga", "kepesertaan"))
    assert [b["id"] for b in kinds if b["id"] in made] == [made[1], made[0]]
    assert [b["nama_berkas"] for b in list_batches(conn, limit=2)] == ["3.csv", "2.csv"]
