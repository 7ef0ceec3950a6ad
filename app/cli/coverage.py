"""``sasaran import programs|enrollments``, ``sasaran check FILE`` and ``sasaran export
coverage``: the same services as the API, run locally as the local admin."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer

from app.cli.base import cli, console, export_app, import_app, settings, transaction
from app.cli.profiles import ColumnsOption, ProfileOption, SetOption, chosen_profile
from app.principal import LOCAL_ADMIN

if TYPE_CHECKING:
    from geo.io import Rejection, RowWarning

# Services (and polars, pandas... behind them) are imported by the command that runs, so that
# ``sasaran --help`` and every other command start without them (docs/performance.md).

STATUS_WORDS = {"matched": "cocok", "ambiguous": "ambigu", "unmatched": "tidak cocok"}
coverage_app = typer.Typer(help="Cakupan program.", no_args_is_help=True)
cli.add_typer(coverage_app, name="coverage")
RefDate = typer.Option(None, "--ref-date", help="Tanggal acuan YYYY-MM-DD (bawaan: hari ini)")
DesilMax = typer.Option(None, "--desil-max", min=1, max=10,
                        help="Ambang desil sasaran (bawaan: SASARAN_DEFAULT_DESIL_MAX, 4)")


def _print_rejections(rejections: list[Rejection] | list[RowWarning], batch_id: int) -> None:
    for r in rejections[:10]:
        console.print(f"  baris {r.row_number}: {r.message}")
    if rejections:
        console.print(f"  Laporan lengkap: [bold]sasaran import report {batch_id}[/]")


@import_app.command("programs")
def import_programs_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV atau XLSX"),
    sheet: str | None = typer.Option(None, "--sheet"),
    profile: str | None = ProfileOption, columns: str | None = ColumnsOption,
    constants: str | None = SetOption,
) -> None:
    """Impor daftar program (instansi dibuat bila belum ada); upsert per kode_program."""
    from app.services.access import audit
    from app.services.coverage import import_programs
    from app.uploads import check_file

    check_file(file, settings())
    with transaction() as conn:
        chosen = chosen_profile(conn, file, "program", sheet=sheet, profile=profile,
                                columns=columns, constants=constants)
        result = import_programs(conn, file, user=LOCAL_ADMIN.username, sheet=sheet,
                                 profile=chosen)
        audit.record(conn, LOCAL_ADMIN, "program.import", f"batch:{result['batch_id']}",
                     {"berkas": result["file"]}, result["accepted"])
    console.print(f"{result['file']}: {result['accepted']} program diterima ({result['baru']} "
                  f"baru), {result['rejected']} ditolak, {result['peringatan']} dengan "
                  f"peringatan (batch {result['batch_id']}).")
    _print_rejections(result["first_rejections"], result["batch_id"])
    _print_rejections(result["first_warnings"], result["batch_id"])


@import_app.command("enrollments")
def import_enrollments_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV atau XLSX"),
    program: str | None = typer.Option(None, "--program", help="Kode program seluruh berkas"),
    columns: str | None = ColumnsOption,
    sheet: str | None = typer.Option(None, "--sheet"),
    profile: str | None = ProfileOption, constants: str | None = SetOption,
) -> None:
    """Impor kepesertaan program; baris tak cocok disimpan (dengan saran kecocokan), baris
    bermasalah ditolak."""
    from app.services.access import audit
    from app.services.coverage import import_enrollments
    from app.uploads import check_file

    check_file(file, settings())
    with transaction() as conn:
        chosen = chosen_profile(conn, file, "kepesertaan", sheet=sheet, profile=profile,
                                columns=columns, constants=constants)
        result = import_enrollments(conn, file, key=settings().hmac_key(),
                                    user=LOCAL_ADMIN.username, program=program,
                                    sheet=sheet, profile=chosen)
        audit.record(conn, LOCAL_ADMIN, "enrollment.import", f"batch:{result.batch_id}",
                     {"berkas": result.file, "program": program}, result.accepted)
    counts = [(STATUS_WORDS.get(k, k), v) for k, v in sorted(result.status.items())]
    if result.unchanged:
        counts.append(("sudah ada, tidak diubah", result.unchanged))
    status = ", ".join(f"{k} {v}" for k, v in counts) or "-"
    console.print(f"{result.file}: {result.accepted} baris diterima ({status}), "
                  f"{result.rejected} ditolak, {result.warned} dengan peringatan, "
                  f"{result.suggested} saran kecocokan (batch {result.batch_id}).")
    _print_rejections(result.first_rejections, result.batch_id)


@coverage_app.command("refresh")
def refresh_command(
    full: bool = typer.Option(False, "--full", help="Bangun ulang semua segmen dan tahapan"),
) -> None:
    """Segarkan ringkasan cakupan setelah registri berubah (kelurahan yang ditandai basi)."""
    from app.services.coverage import rebuild_segments, refresh_stale

    with transaction() as conn:
        written = rebuild_segments(conn) if full else 0
        # The stored FGT sums follow the configured poverty line (all rewritten when it moved).
        written += refresh_stale(conn, settings().poverty_line)
    console.print(f"Ringkasan cakupan disegarkan ({written:,} baris).")


@cli.command("check")
def check_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                help="Daftar calon (CSV/XLSX) dengan kolom nik dan/atau no_kk"),
    out: Path | None = typer.Option(None, "--out", help="Berkas hasil (bawaan: *-hasil.*)"),
    ref_date: str | None = RefDate, desil_max: int | None = DesilMax,
) -> None:
    """Cek daftar calon penerima: sudah di registri, sasaran, dan program aktif apa saja."""
    from app.services.access import audit
    from app.services.coverage.check_file import annotate_file
    from app.uploads import check_file

    check_file(file, settings())
    target = out or file.with_name(f"{file.stem}-hasil{file.suffix}")
    desil_max = desil_max or settings().default_desil_max
    with transaction() as conn:
        counts = annotate_file(conn, settings().hmac_key(), file, target,
                               ref_date=_date(ref_date), desil_max=desil_max)
        audit.record(conn, LOCAL_ADMIN, "coverage.check", file.name,
                     {"berkas": file.name, "desil_maks": desil_max}, counts["baris"])
    console.print(f"{counts['baris']} baris diperiksa: {counts['ditemukan']} ditemukan, "
                  f"{counts['tidak_ditemukan']} tidak. Hasil: [green]{target}[/]")


@export_app.command("coverage")
def export_coverage_command(
    format: Literal["csv", "xlsx", "geojson"] = typer.Option("xlsx", "--format"),
    level: Literal["kelurahan", "kecamatan", "kabkota"] | None = typer.Option(
        None, "--level", help="Satu level (bawaan xlsx: semua; csv/geojson: kelurahan)"),
    out: Path | None = typer.Option(None, "--out"),
    parent: str | None = typer.Option(None, "--parent", help="Kode wilayah induk, mis. 64.74"),
    program: str | None = typer.Option(None, "--program"),
    agency: str | None = typer.Option(None, "--agency"),
    ref_date: str | None = RefDate, desil_max: int | None = DesilMax,
) -> None:
    """Ekspor angka cakupan per wilayah (CSV, XLSX per level + parameter, GeoJSON)."""
    from app.services.access import audit
    from app.services.coverage import export_coverage, publication

    target = out or Path(f"cakupan-{level or 'semua'}.{format}")
    on = _date(ref_date)
    desil_max = desil_max or settings().default_desil_max
    with transaction() as conn:
        pub = publication(conn, LOCAL_ADMIN, ref_date=on, desil_max=desil_max)
        content = export_coverage(pub, format=format, level=level, parent=parent,
                                  program=program, agency=agency)
        audit.record(conn, LOCAL_ADMIN, "coverage.export", parent,
                     {"format": format, "level": level, "tanggal_acuan": on,
                      "desil_maks": desil_max, "program": program, "instansi": agency})
    target.write_bytes(content)
    console.print(f"Cakupan ditulis ke [green]{target}[/].")


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' bukan tanggal YYYY-MM-DD.") from None


def load_sample_programs(programs: Path, enrollments: Path) -> None:
    """``demo-load``'s program step: programs upserted, identical enrollments skipped."""
    from app.services.access import audit
    from app.services.coverage import import_programs

    with transaction() as conn:
        result = import_programs(conn, programs, user=LOCAL_ADMIN.username)
        audit.record(conn, LOCAL_ADMIN, "program.import", f"batch:{result['batch_id']}",
                     {"berkas": result["file"]}, result["accepted"])
    console.print(f"{programs.name}: {result['accepted']} program.")
    if enrollments.exists():
        # Every option by name: a Typer command called from Python gets no defaults filled in.
        import_enrollments_command(enrollments, program=None, columns=None, sheet=None,
                                   profile=None, constants=None)
