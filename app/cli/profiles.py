"""``sasaran profiles list|detect|save|delete``, ``sasaran load-padanan`` and the profile
options every import command shares (``--profile``, ``--columns``, ``--set``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from app.cli.base import cli, console, transaction
from app.principal import LOCAL_ADMIN
from geo.text import number, percent

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from geo.io import ColumnProfile

# The profile service (sqlalchemy, polars behind it) is imported by the command that runs, so
# that ``sasaran --help`` starts without it (see app/cli/coverage.py).

profiles_app = typer.Typer(help="Profil kolom: tata letak berkas instansi.", no_args_is_help=True)
cli.add_typer(profiles_app, name="profiles")

ProfileOption = typer.Option(None, "--profile",
                             help="Profil kolom: sasaran, dtks, bnba, atau profil tersimpan")
ColumnsOption = typer.Option(
    None, "--columns", help="Pemetaan kolom: berkas .json/.csv, atau SUMBER=kolom_kami,...")
SetOption = typer.Option(None, "--set", help="Nilai tetap untuk kolom yang tidak ada, "
                                            "mis. tanggal_mulai=2026-01-01")


def chosen_profile(conn: Connection, file: Path, kind: str, *, sheet: str | None,
                   profile: str | None, columns: str | None,
                   constants: str | None) -> ColumnProfile | None:
    """The profile for an import (``profiles.choose_profile``), said on the console."""
    from app.services.io import profiles

    choice = profiles.choose_profile(conn, file, kind, sheet=sheet, name=file.name,
                                     profile=profile, columns=columns, constants=constants)
    if choice.profile is not None and choice.detected and choice.confidence is not None:
        console.print(f"Profil kolom terdeteksi: [bold]{choice.profile.label}[/] (keyakinan "
                      f"{percent(choice.confidence, 0)}).")
    elif choice.profile is not None:
        console.print(f"Profil kolom: [bold]{choice.profile.label}[/].")
    return choice.profile


@profiles_app.command("list")
def list_command(jenis: str | None = typer.Option(None, "--jenis", help="rumah_tangga, "
                                                  "anggota, program, kepesertaan")) -> None:
    """Daftar profil bawaan dan tersimpan."""
    from app.services.io import profiles

    with transaction() as conn:
        rows = profiles.list_profiles(conn, jenis)
    table = Table("nama", "jenis", "label", "bawaan")
    for p in rows:
        table.add_row(p["nama"], p["jenis"], p["label"], "ya" if p["bawaan"] else "tidak")
    console.print(table)


@profiles_app.command("detect")
def detect_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    jenis: str = typer.Option(..., "--jenis", help="rumah_tangga, anggota, program, kepesertaan"),
    profile: str | None = ProfileOption,
    sheet: str | None = typer.Option(None, "--sheet"),
) -> None:
    """Kenali tata letak berkas dan tampilkan lima baris pertama menurut pemetaannya."""
    from app.services.io import profiles

    with transaction() as conn:
        chosen = profiles.get_profile(conn, jenis, profile) if profile else None
        if chosen is None:
            chosen = profiles.choose_profile(conn, file, jenis, sheet=sheet).profile
        result = profiles.preview(conn, file, jenis, chosen, sheet=sheet, name=file.name)
    for found in result["terdeteksi"]:
        console.print(f"{found['label']} ({found['nama']}): keyakinan "
                      f"{percent(found['keyakinan'], 0)}")
    table = Table("kolom kami", "diisi dari")
    for column, source in result["pemetaan"].items():
        table.add_row(column, source or "-")
    console.print(table)
    if result["kolom_wajib_kosong"]:
        missing = ", ".join(result["kolom_wajib_kosong"])
        console.print(f"[red]Kolom wajib tidak terisi:[/] {missing}")


@profiles_app.command("save")
def save_command(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                             help="Definisi profil (JSON)")) -> None:
    """Simpan (atau ganti) profil kolom dari berkas JSON."""
    definition = json.loads(file.read_text(encoding="utf-8"))
    from app.services.io import profiles

    with transaction() as conn:
        saved = profiles.save_profile(conn, definition, LOCAL_ADMIN.username)
    console.print(f"Profil [bold]{saved.name}[/] ({saved.kind}) disimpan.")


@profiles_app.command("delete")
def delete_command(name: str) -> None:
    """Hapus profil tersimpan."""
    from app.services.io import profiles

    with transaction() as conn:
        profiles.delete_profile(conn, name)
    console.print(f"Profil {name} dihapus.")


@cli.command("load-padanan")
def load_crosswalk(file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                               help="CSV kode_bps,kode_kemendagri")) -> None:
    """Muat tabel padanan kode desa BPS -> Kemendagri (untuk berkas berkode BPS)."""
    from app.services.io import profiles

    with transaction() as conn:
        count = profiles.load_crosswalk(conn, file)
    console.print(f"{number(count)} padanan kode dimuat.")
