"""``sasaran demo-load``: load the committed sample city (``data/samples/``) into the database.

Each step is idempotent (upserts), so running the demo twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from app.cli.base import cli, console, transaction
from app.cli.coverage import load_sample_programs
from app.cli.imports import load_sample_households
from app.cli.plan import load_sample_plan
from app.cli.users import ensure_demo_accounts

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
BOUNDARY_FILES = ("kota_kabkota.geojson", "kota_kecamatan.geojson", "kota_kelurahan.geojson")


@cli.command("demo-load")
def demo_load() -> None:
    """Muat data contoh kota (batas wilayah, rumah tangga, program) dari data/samples."""
    from app.services.wilayah import load_boundaries

    for name in BOUNDARY_FILES:
        path = SAMPLES / name
        if path.exists():
            with transaction() as conn:
                result = load_boundaries(conn, path)
            console.print(f"{name}: {result.loaded} wilayah dimuat.")
    if (SAMPLES / "rumah_tangga.csv").exists():
        load_sample_households(SAMPLES / "rumah_tangga.csv", SAMPLES / "anggota.csv")
    if (SAMPLES / "program.csv").exists():
        load_sample_programs(SAMPLES / "program.csv", SAMPLES / "kepesertaan.csv")
    load_sample_plan()
    ensure_demo_accounts()
