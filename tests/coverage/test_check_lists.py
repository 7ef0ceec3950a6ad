"""A whole candidate list checked at once (``check_file``, ``check_pasted``): every row's
result against the domain rules recomputed over the fixture rows, the area scope applied, and
the annotated file in both formats."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from coverage_fixture import KEY, active_programs, agency_of, enrolled_world, is_target
from openpyxl import load_workbook

from app.services.coverage import check_file, check_pasted
from app.services.coverage.check_file import RESULT_COLUMNS
from geo.errors import InvalidInput

ON = date(2024, 6, 1)


@pytest.fixture
def world(conn, tmp_path):
    households, rows = enrolled_world(conn, tmp_path, KEY, seed=7)
    return households, active_programs(households, rows, ON)


def expected(h, active):
    """The result columns for a household found by its own head NIK (plain Python)."""
    programs = sorted(active[h.id_keluarga])
    return {
        "hasil_ditemukan": "ya", "hasil_sasaran": "ya" if is_target(h, 4) else "tidak",
        "hasil_kelurahan": h.kel, "hasil_program_aktif": "; ".join(programs),
        "hasil_instansi": "; ".join(sorted({agency_of(p) for p in programs})),
        "hasil_identitas": h.nik_kepala[:6] + "********" + h.nik_kepala[-4:],
    }


def test_a_file_is_annotated_row_by_row_as_the_rules_say(conn, world, tmp_path):
    households, active = world
    unique = households[6:20]  # heads whose NIK no other household shares
    path = tmp_path / "calon.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nama", "NIK", "no_kk"])
        for h in unique:
            writer.writerow([f"Calon {h.id_keluarga}", h.nik_kepala, ""])
        writer.writerow(["Hanya KK", "", households[2].no_kk])
        writer.writerow(["Salah", "123", ""])
        writer.writerow(["Kosong", "", ""])
    checked = check_file(conn, KEY, path, ref_date=ON)
    assert checked.headers == ["nama", "NIK", "no_kk", *RESULT_COLUMNS]
    got = [dict(zip(checked.headers, r, strict=True)) for r in checked.rows]
    for h, row in zip(unique, got, strict=False):
        assert {k: row[k] for k in expected(h, active)} == expected(h, active), h.id_keluarga
    assert got[len(unique)]["hasil_ditemukan"] == "ya"  # found by No. KK
    assert got[len(unique)]["hasil_kelurahan"] == households[2].kel
    assert got[-2]["hasil_ditemukan"] == "tidak" and "16 digit" in got[-2]["hasil_catatan"]
    assert got[-1]["hasil_catatan"] == "nik/no_kk kosong"
    assert checked.numbers == list(range(2, len(unique) + 5))
    counts = checked.counts()
    assert counts["baris"] == len(unique) + 3
    assert counts["ditemukan"] == len(unique) + 1
    assert counts["sasaran"] == sum(is_target(h, 4) for h in unique) + is_target(households[2], 4)
    xlsx = load_workbook(io.BytesIO(checked.as_bytes("xlsx"))).active
    assert [c.value for c in xlsx[1]] == checked.headers
    assert xlsx.max_row == len(checked.rows) + 1
    text = checked.as_bytes("csv").decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == checked.rows[0]


def test_pasted_numbers_are_nik_or_kk_and_scoped_to_the_area(conn, world):
    households, active = world
    in_bontang = next(h for h in households[6:] if h.kel.startswith("64.74"))
    in_balikpapan = next(h for h in households[6:] if h.kel.startswith("64.71"))
    text = f"\n{in_bontang.nik_kepala}\n  {in_balikpapan.no_kk}  \n\n{in_balikpapan.nik_kepala}\n"
    everywhere = check_pasted(conn, KEY, text, ref_date=ON)
    assert [r[1] for r in everywhere.rows] == ["ya", "ya", "ya"]
    assert everywhere.headers[0] == "nomor" and everywhere.rows[1][0] == in_balikpapan.no_kk
    assert everywhere.numbers == [2, 3, 5]  # the pasted lines, blank ones counted
    scoped = check_pasted(conn, KEY, text, ref_date=ON, area_prefixes=("64.74",))
    assert [r[1] for r in scoped.rows] == ["ya", "tidak", "tidak"]  # outside: "not found"
    assert scoped.rows[0][3] == in_bontang.kel
    assert {p["kode_program"] for p in scoped.results[0]["program_aktif"]} == \
        active[in_bontang.id_keluarga]


def test_an_empty_or_oversized_paste_is_refused(conn):
    with pytest.raises(InvalidInput, match="setidaknya satu"):
        check_pasted(conn, KEY, "\n  \n")
    with pytest.raises(InvalidInput, match="10.000"):
        check_pasted(conn, KEY, "1\n" * 10_001)
