"""``sasaran import households|report`` and ``sasaran households duplicates``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.cli.base import cli, console, import_app, settings, transaction
from app.cli.profiles import ColumnsOption, ProfileOption, SetOption, chosen_profile
from app.principal import LOCAL_ADMIN
from geo.text import number

if TYPE_CHECKING:
    from app.services.registry import ImportResult
    from geo.io import Rejection

# Services are imported by the command that runs (see app/cli/coverage.py).

households_app = typer.Typer(help="Registri rumah tangga.", no_args_is_help=True)
cli.add_typer(households_app, name="households")


@import_app.command("households")
def import_households_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV atau XLSX"),
    members: Path | None = typer.Option(None, "--members", exists=True, dir_okay=False,
                                        help="Berkas anggota rumah tangga (CSV/XLSX)"),
    columns: str | None = ColumnsOption,
    sheet: str | None = typer.Option(None, "--sheet", help="Nama lembar XLSX (bawaan: pertama)"),
    profile: str | None = ProfileOption, constants: str | None = SetOption,
) -> None:
    """Impor registri rumah tangga (DTKS/DTSEN); baris bermasalah ditolak dan dilaporkan.
    Tata letak lain (DTKS/BDT) dikenali dari judul kolom atau dipilih dengan --profile."""
    from app.services.access import audit
    from app.services.registry import import_households
    from app.uploads import check_file

    for given in (file, members):
        if given is not None:
            check_file(given, settings())
    with transaction() as conn:
        chosen = chosen_profile(conn, file, "rumah_tangga", sheet=sheet, profile=profile,
                                columns=columns, constants=constants)
        members_profile = chosen_profile(conn, members, "anggota", sheet=None, profile=None,
                                         columns=None, constants=None) if members else None
    with _progress() as progress, transaction() as conn:
        task = progress.add_task(f"Impor {file.name}", total=None)
        result = import_households(
            conn, file, key=settings().hmac_key(), user=LOCAL_ADMIN.username,
            sheet=sheet, members_path=members, profile=chosen,
            members_profile=members_profile, progress=lambda n: progress.advance(task, n),
        )
        audit.record(conn, LOCAL_ADMIN, "household.import", f"batch:{result.batch_id}",
                     {"berkas": result.file}, result.accepted)
    _print_result(result)


def load_sample_households(households: Path, members: Path) -> None:
    """``demo-load``'s household step: an upsert, so loading twice changes no household."""
    from app.services.access import audit
    from app.services.registry import import_households

    with transaction() as conn:
        result = import_households(conn, households, key=settings().hmac_key(),
                                   user=LOCAL_ADMIN.username,
                                   members_path=members if members.exists() else None)
        audit.record(conn, LOCAL_ADMIN, "household.import", f"batch:{result.batch_id}",
                     {"berkas": result.file}, result.accepted)
    _print_result(result)


@import_app.command("report")
def import_report(
    batch: int = typer.Argument(..., help="Nomor batch impor"),
    format: Literal["csv", "xlsx"] = typer.Option("csv", "--format", help="csv atau xlsx"),
    out: Path | None = typer.Option(None, "--out", help="Berkas keluaran"),
) -> None:
    """Unduh baris yang ditolak dari satu batch impor (nomor baris, kolom, alasan, data asli)."""
    from app.services.io import batches

    with transaction() as conn:
        info = batches.get_batch(conn, batch)
        content = (batches.report_xlsx if format == "xlsx" else batches.report_csv)(conn, batch)
    target = out or Path(f"ditolak-batch-{batch}.{format}")
    target.write_bytes(content)
    console.print(f"Batch {batch} ({info['nama_berkas']}): {info['baris_ditolak']} baris ditolak "
                  f"ditulis ke [green]{target}[/].")


@households_app.command("duplicates")
def duplicates() -> None:
    """Daftar kemungkinan duplikat: rumah tangga berbeda dengan NIK kepala atau No. KK sama."""
    from app.services.access import audit
    from app.services.registry import possible_duplicates

    with transaction() as conn:
        rows = possible_duplicates(conn)
        audit.record(conn, LOCAL_ADMIN, "household.duplicates", None, {}, len(rows))
    if not rows:
        console.print("Tidak ada kemungkinan duplikat.")
        return
    table = Table("grup", "dasar", "id_keluarga", "nama kepala", "kelurahan", "NIK kepala",
                  "No. KK", title="Kemungkinan duplikat (perlu verifikasi)")
    for r in rows:
        basis = "NIK kepala" if r["dasar"] == "nik_kepala" else "No. KK"
        table.add_row(str(r["grup"]), basis, r["id_keluarga"], r["nama_kepala"],
                      r["kode_kelurahan"], r["nik_kepala_mask"], r["no_kk_mask"])
    console.print(table)


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed:,} baris"), TimeElapsedColumn(),
                    console=console, transient=True)


def _print_result(result: ImportResult) -> None:
    console.print(
        f"[green]{result.file}[/] (batch {result.batch_id}): {result.total:,} baris, "
        f"{result.accepted:,} diterima ({result.inserted:,} baru, {result.updated:,} "
        f"diperbarui), [red]{result.rejected:,} ditolak[/]."
    )
    flags = ", ".join(f"{name} {n:,}" for name, n in result.flags.items() if n)
    console.print(f"Tanda (flag): {flags or 'tidak ada'}.")
    _print_rejections(result.first_rejections, result.rejected, result.batch_id)
    if result.warned:
        console.print(f"{number(result.warned)} baris diterima dengan peringatan (nilai opsional "
                      "yang salah dikosongkan):")
        for w in result.first_warnings:
            console.print(f"  baris {w.row_number}: {w.message}")
    if result.members is not None:
        m = result.members
        console.print(f"[green]{m.file}[/] (batch {m.batch_id}): {m.total:,} anggota, "
                      f"{m.accepted:,} diterima, [red]{m.rejected:,} ditolak[/].")
        _print_rejections(m.first_rejections, m.rejected, m.batch_id)


def _print_rejections(rejections: list[Rejection], total: int, batch_id: int) -> None:
    if not rejections:
        return
    table = Table("baris", "kolom", "alasan", title="Baris pertama yang ditolak")
    for rejection in rejections:
        for problem in rejection.problems:
            table.add_row(str(rejection.row_number), problem.kolom or "-", problem.alasan)
    console.print(table)
    if total > len(rejections):
        console.print(f"... dan {total - len(rejections):,} baris lain.")
    console.print(f"Laporan lengkap: sasaran import report {batch_id} [--format xlsx]")
