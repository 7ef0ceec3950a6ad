"""Program budgets are read the way Indonesian exports write rupiah."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text

from app.services.coverage import import_programs

HEADER = "kode_program;nama;instansi;nama_instansi;anggaran\n"


def test_program_budget_with_thousands_dots_is_stored_exactly(conn, tmp_path):
    path = tmp_path / "program.csv"
    path.write_text(HEADER + "PKH;Program Keluarga Harapan;DINSOS;Dinas Sosial;4.800.000.000\n"
                    "BLT;Bantuan Langsung Tunai;DINSOS;Dinas Sosial;1.250.000,50\n"
                    "RTLH;Bedah Rumah;PERKIM;Dinas Perkim;1.25.000\n", encoding="utf-8")
    result = import_programs(conn, path, user="uji")
    # A bad budget (optional) is left blank with a warning: the program is not lost.
    assert (result["accepted"], result["rejected"], result["peringatan"]) == (3, 0, 1)
    stored = dict(conn.execute(text("SELECT kode_program, anggaran FROM program")).all())
    assert stored == {"PKH": Decimal("4800000000.00"), "BLT": Decimal("1250000.50"),
                      "RTLH": None}
    (warning,) = result["first_warnings"]
    assert (warning.row_number, warning.problems[0].kolom) == (4, "anggaran")
