"""The PDF report and the map picture over the sample city: the totals in the PDF's text
(pdftotext) equal figures computed here from the loaded rows, and a viewer's report shows no
count from 1 to 4."""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from app.services.coverage import import_enrollments, import_programs
from app.services.maps import MapFilter, ReportScope, report_pdf
from app.services.registry import import_households
from app.services.wilayah import load_boundaries
from geo.maps.render import scale_km

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
REF = date(2025, 6, 1)
COUNT_COLUMNS = ("targets", "covered", "overlap", "overlap_agency", "gap", "leakage")


@pytest.fixture
def city(conn, settings):
    for name in ("kota_kabkota", "kota_kecamatan", "kota_kelurahan"):
        load_boundaries(conn, SAMPLES / f"{name}.geojson")
    key = settings.hmac_key()
    import_households(conn, SAMPLES / "rumah_tangga.csv", key=key, user="uji",
                      members_path=SAMPLES / "anggota.csv")
    import_programs(conn, SAMPLES / "program.csv", user="uji")
    import_enrollments(conn, SAMPLES / "kepesertaan.csv", key=key, user="uji")
    return conn


def expected_by_kelurahan(conn, ref: date = REF, desil_max: int = 4,
                          program: str | None = None) -> dict[str, dict]:
    """The domain rules in plain Python over the loaded households and enrollments (only the
    enrollments of ``program`` count when it is given)."""
    households = conn.execute(text(
        "SELECT id, kode_kelurahan, desil, status_verifikasi FROM household")).all()
    programs = {r.id: r.instansi for r in conn.execute(text("SELECT id, instansi FROM program"))}
    only = {r.id for r in conn.execute(text("SELECT id FROM program WHERE kode_program = :p"),
                                       {"p": program})} if program else set(programs)
    active: dict[int, set[int]] = defaultdict(set)
    for e in conn.execute(text("SELECT household_id, program_id, tanggal_mulai, "
                               "tanggal_selesai FROM enrollment "
                               "WHERE household_id IS NOT NULL")):
        if e.program_id not in only:
            continue
        if e.tanggal_mulai <= ref and (e.tanggal_selesai is None or ref <= e.tanggal_selesai):
            active[e.household_id].add(e.program_id)
    out: dict[str, dict] = defaultdict(lambda: dict.fromkeys(COUNT_COLUMNS, 0))
    for h in households:
        row, mine = out[h.kode_kelurahan], active[h.id]
        if h.status_verifikasi == "terverifikasi" and h.desil <= desil_max:
            row["targets"] += 1
            row["covered"] += bool(mine)
            row["overlap"] += len(mine) >= 2
            row["overlap_agency"] += len({programs[p] for p in mine}) >= 2
            row["gap"] += not mine
        else:
            row["leakage"] += len(mine)
    return out


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def id_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_report_holds_the_independently_computed_totals(city, tmp_path):
    pdf = report_pdf(city, "64.74", MapFilter(REF, 4, None, None, "64.74"),
                     ReportScope(suppress=False))
    assert pdf.startswith(b"%PDF")
    body = pdf_text(pdf, tmp_path)
    per_kelurahan = expected_by_kelurahan(city)
    total = {k: sum(r[k] for r in per_kelurahan.values()) for k in COUNT_COLUMNS}
    # The "Jumlah" row of the kelurahan table: every count in order, then the rate.
    jumlah = [line for line in body.splitlines() if line.strip().startswith("Jumlah")]
    assert jumlah, body
    numbers = re.findall(r"\d[\d.]*(?:,\d+ %)?", jumlah[-1])
    assert numbers[:5] == [id_number(total[k]) for k in COUNT_COLUMNS[:5]]
    rate = total["covered"] / total["targets"]
    assert f"{rate * 100:.1f} %".replace(".", ",") in jumlah[-1]
    assert id_number(total["leakage"]) in jumlah[-1]
    # Each kelurahan's row, by its code.
    for kode, row in per_kelurahan.items():
        line = next(x for x in body.splitlines() if x.strip().startswith(kode))
        found = re.findall(r"(?<![\d.,])\d[\d.]*(?![\d,])", line[len(kode) + 3:])
        assert found[:6] == [id_number(row[k]) for k in COUNT_COLUMNS], (kode, line)
    for heading in ("Cakupan per kecamatan", "Cakupan per kelurahan",
                    "Matriks tumpang tindih program", "Sepuluh kelurahan dengan kesenjangan",
                    "Aturan yang dipakai", "Halaman 1 dari", "P0", "1 Jun 2025"):
        assert heading in body
    # Ten largest gaps: the first is the kelurahan with the most gap households.
    gaps = sorted(per_kelurahan.items(), key=lambda kv: (-kv[1]["gap"], kv[0]))
    names = dict(city.execute(text("SELECT kode, nama FROM wilayah")).all())
    top = body[body.index("Sepuluh kelurahan"):]
    assert re.search(rf"1\s+{re.escape(names[gaps[0][0]])}", top)


def test_viewer_report_shows_no_count_from_one_to_four(city, client_as, tmp_path):
    program = "PELATIHAN-KERJA"  # a small program: many of its counts are 1-4
    response = client_as("viewer").get("/api/v1/map/report.pdf",
                                       params={"ref_date": REF.isoformat(), "program": program,
                                               "kecamatan": "64.74.03"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    body = pdf_text(response.content, tmp_path)
    per_kelurahan = expected_by_kelurahan(city, program=program)
    small = [(k, c) for k, r in per_kelurahan.items() if k.startswith("64.74.03")
             for c in COUNT_COLUMNS if 1 <= r[c] <= 4]
    assert small, "the sample city has small counts to hide in Bontang Barat"
    assert "<5" in body
    # Every table cell of a count: no 1-4 left (codes, dates, percentages and page numbers are
    # not counts: only the tables' whole numbers are checked).
    tables = body[body.index("Cakupan per kecamatan"):body.index("Aturan yang dipakai")]
    for line in tables.splitlines():
        if not re.search(r"64\.74|Jumlah|^\s*[A-Z][A-Z-]+\s", line):
            continue
        line = re.sub(r"^\s*\d+\s{2,}", "", line)  # the rank in the largest-gaps table
        cells = re.findall(r"(?<![\d.,%])\b\d+\b(?![.,]\d| %|\.\d)", line)
        assert not [c for c in cells if c in ("1", "2", "3", "4")
                    and not re.search(rf"64\.74\.0{c}", line)], line


def test_map_picture_for_a_view_and_its_scale_bar(city, client):
    response = client.get("/api/v1/map/image.png", params={
        "ref_date": REF.isoformat(), "figure": "gap", "bbox": "117.40,0.05,117.52,0.20"})
    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")
    assert "peta-gap" in response.headers["content-disposition"]
    bad = client.get("/api/v1/map/image.png", params={"bbox": "1,2,3"})
    assert bad.status_code == 422 and "bbox" in bad.json()["error"]["message"]
    # About a fifth of the width, rounded: 13 km across gives a 2 km bar, 0.9 km gives 0.1 km.
    assert (scale_km(13.0), scale_km(0.9), scale_km(260.0)) == (2, 0.1, 50)
