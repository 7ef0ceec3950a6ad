"""``sasaran report --area 64.74 --out laporan.pdf``: the PDF report of an area (bahan RPKD).

The same service as the map's "Laporan PDF" button. Small counts are hidden by default (the
report is meant to be shared, and its readers may not be allowed to see persons);
``--no-suppress`` only for internal use. Suppressed means published as to a viewer
(``app.principal.PUBLIC``) through the protected publication, as on the page.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer

from app.cli.base import cli, console, reference_date, settings, transaction


@cli.command("report")
def report_command(
    area: str = typer.Option(..., "--area", help="Kode kab/kota atau kecamatan, mis. 64.74"),
    out: Path = typer.Option(..., "--out", help="Berkas PDF keluaran"),
    ref_date: str = typer.Option(None, "--ref-date", help="Tanggal acuan YYYY-MM-DD"),
    desil_max: int = typer.Option(None, "--desil-max", min=1, max=10),
    program: str = typer.Option(None, "--program", help="Kode program"),
    agency: str = typer.Option(None, "--agency", help="Kode instansi"),
    suppress: bool = typer.Option(True, "--suppress/--no-suppress",
                                  help="Samarkan angka kecil seperti untuk pimpinan (bawaan: ya)"),
) -> None:
    """Tulis laporan PDF cakupan program untuk satu wilayah."""
    from app.principal import LOCAL_ADMIN, PUBLIC
    from app.services.maps import MapFilter, ReportScope, report_pdf

    s = settings()
    ref = reference_date(ref_date)
    flt = MapFilter(ref, desil_max or s.default_desil_max, program, agency, area)
    started = time.perf_counter()
    with transaction() as conn:
        pdf = report_pdf(conn, area, flt, ReportScope(PUBLIC if suppress else LOCAL_ADMIN,
                                                      s.poverty_line))
    out.write_bytes(pdf)
    console.print(f"Laporan ditulis ke {out} ({len(pdf) / 1e6:.1f} MB, "
                  f"{time.perf_counter() - started:.1f} s).")
