"""The demo's sample city (``data/samples``: boundaries, households with members, programs and
enrollments with their deliberate bad rows) loaded on Citus through the services ``make
demo-citus`` uses, in one transaction per file as ``sasaran demo-load`` does: every
enrollment row is kept or reported, and the coverage figures per kelurahan equal single-node
PostGIS fed the same files. The enrollment import once failed here on Citus ("cannot perform
query with placements that were modified over multiple connections")."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from app.services import coverage, registry
from app.services.coverage import import_enrollments, import_programs, statistics
from app.services.wilayah import load_boundaries

pytestmark = pytest.mark.citus

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
KEY = b"sample-city-citus-key"
BOUNDARIES = ("kota_kabkota.geojson", "kota_kecamatan.geojson", "kota_kelurahan.geojson")
ON = date(2026, 6, 30)


def load_sample_city(conn: Connection) -> dict:
    """Each file in a savepoint of its own (the demo commits after each), then the figures."""
    steps = [lambda c, name=name: load_boundaries(c, SAMPLES / name) for name in BOUNDARIES]
    steps += [
        lambda c: registry.import_households(c, SAMPLES / "rumah_tangga.csv", key=KEY,
                                             user="uji", members_path=SAMPLES / "anggota.csv"),
        lambda c: import_programs(c, SAMPLES / "program.csv", user="uji"),
        lambda c: import_enrollments(c, SAMPLES / "kepesertaan.csv", key=KEY, user="uji"),
    ]
    for step in steps:
        with conn.begin_nested():
            step(conn)
    kept = conn.execute(text("SELECT count(DISTINCT nomor_baris) FROM enrollment")).scalar()
    rejected = conn.execute(text(
        "SELECT count(*) FROM rejected_row r JOIN import_batch b ON b.id = r.batch_id "
        "WHERE b.jenis = 'kepesertaan'")).scalar()
    rows = coverage.coverage_by_area(conn, level="kelurahan", parent=None, ref_date=ON)
    programs = coverage.coverage_by_program(conn, ref_date=ON)
    return {"kept": kept, "rejected": rejected, "areas": rows, "programs": programs}


def played_on(engine: Engine) -> dict:
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            return load_sample_city(conn)
        finally:
            outer.rollback()


def test_the_sample_city_loads_on_citus_with_the_figures_of_single_node(single_node, engine,
                                                                      monkeypatch):
    # Every rebuild analyzes the coverage tables, as a large import does (>= 10,000 segments),
    # here inside the import's own transaction after its writes.
    monkeypatch.setattr(statistics, "ANALYZE_AFTER_ROWS", 1)
    listed = list(csv.DictReader((SAMPLES / "kepesertaan.csv").open(encoding="utf-8")))
    citus = played_on(engine)
    assert citus["kept"] + citus["rejected"] == len(listed)
    assert citus["rejected"] > 0  # the sample's deliberate bad rows are reported, not lost
    single = played_on(single_node)
    assert (citus["kept"], citus["rejected"]) == (single["kept"], single["rejected"])
    assert citus["areas"] == single["areas"]
    assert citus["programs"] == single["programs"]
    assert sum(r["covered"] for r in single["areas"]) > 0
