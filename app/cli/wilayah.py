"""``sasaran load-wilayah``."""

from __future__ import annotations

from pathlib import Path

import typer

from app.cli.base import cli, console, transaction


@cli.command("load-wilayah")
def load_wilayah(
    files: list[Path] = typer.Argument(..., help="GeoJSON, GeoPackage, atau Shapefile"),
    level: str | None = typer.Option(None, help="provinsi, kabkota, kecamatan, kelurahan/desa"),
    code_field: str | None = typer.Option(None, help="Nama kolom kode wilayah"),
    name_field: str | None = typer.Option(None, help="Nama kolom nama wilayah"),
) -> None:
    """Muat batas wilayah; memperbarui wilayah yang kodenya sudah ada."""
    from app.services.wilayah import load_boundaries  # geopandas: only for this command

    for path in files:
        with transaction() as conn:
            result = load_boundaries(conn, path, level, code_field, name_field)
        levels = ", ".join(f"{n} {lvl}" for lvl, n in sorted(result.levels.items()))
        console.print(f"[green]{result.file}[/]: {result.loaded} wilayah dimuat ({levels}).")
        for message in result.messages:
            console.print(f"  - {message}")
