"""The committed sample programs and enrollments load over the sample city as documented."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.services import coverage
from app.services.coverage import import_enrollments, import_programs
from app.services.registry import import_households
from app.services.wilayah import load_boundaries

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def test_sample_enrollments_show_overlaps_gaps_leakage_and_rejections(conn, settings):
    key = settings.hmac_key()
    for name in ("kota_kabkota", "kota_kecamatan", "kota_kelurahan"):
        load_boundaries(conn, SAMPLES / f"{name}.geojson")
    import_households(conn, SAMPLES / "rumah_tangga.csv", key=key, user="uji",
                      members_path=SAMPLES / "anggota.csv")
    programs = import_programs(conn, SAMPLES / "program.csv", user="uji")
    assert (programs["accepted"], programs["rejected"]) == (7, 0)
    result = import_enrollments(conn, SAMPLES / "kepesertaan.csv", key=key, user="uji")
    assert result.rejected >= 6  # the six deliberate rows, plus the registry's own bad NIKs
    assert result.status["unmatched"] >= 13 and result.status["matched"] > 1000
    [city] = coverage.coverage_by_area(conn, level="kabkota", parent=None,
                                       ref_date=date(2025, 6, 1))
    assert city["kode"] == "64.74" and city["nama"]
    assert city["overlap_agency"] > 0 and city["gap"] > 0 and city["leakage"] > 0
    assert 0.3 < city["coverage_rate"] < 0.9
