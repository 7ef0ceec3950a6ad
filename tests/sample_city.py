"""The committed sample city (``data/samples/``: Kota Bontang's boundaries, households,
programs and enrollments) loaded the way ``sasaran demo-load`` loads it, and the plain-Python
reference rules (domain.md) over its loaded rows: what the report and the map's pictures of the
city are checked against."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, text

from app.services.coverage import import_enrollments, import_programs
from app.services.registry import import_households
from app.services.wilayah import load_boundaries

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
REF = date(2025, 6, 1)
COUNT_COLUMNS = ("targets", "covered", "overlap", "overlap_agency", "gap", "leakage")


def load_sample_city(conn: Connection, key: bytes) -> None:
    for name in ("kota_kabkota", "kota_kecamatan", "kota_kelurahan"):
        load_boundaries(conn, SAMPLES / f"{name}.geojson")
    import_households(conn, SAMPLES / "rumah_tangga.csv", key=key, user="uji",
                      members_path=SAMPLES / "anggota.csv")
    import_programs(conn, SAMPLES / "program.csv", user="uji")
    import_enrollments(conn, SAMPLES / "kepesertaan.csv", key=key, user="uji")


def expected_by_kelurahan(conn: Connection, ref: date = REF, desil_max: int = 4,
                          program: str | None = None) -> dict[str, dict[str, int]]:
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
