"""``sasaran plan ...``: priorities, pilot choice and stored rollout plans (local admin)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from app.cli.base import cli, console, settings, transaction
from app.clock import today
from app.principal import LOCAL_ADMIN
from geo.errors import InvalidInput

if TYPE_CHECKING:
    from app.services.rollout import PlanInput, Scope

# Services (shapely, geopandas behind them) are imported by the command that runs (see
# app/cli/coverage.py).

plan_app = typer.Typer(help="Prioritas, wilayah percontohan, dan rencana perluasan bertahap.",
                       no_args_is_help=True)
cli.add_typer(plan_app, name="plan")

PARENT = typer.Option(None, "--parent", help="Awalan kode induk, mis. 64.74")
REF_DATE = typer.Option(None, "--ref-date", help="Tanggal acuan YYYY-MM-DD (bawaan: hari ini)")
DESIL = typer.Option(None, "--desil-max", min=1, max=10, help="Ambang desil sasaran")
LINE = typer.Option(None, "--line", help="Garis kemiskinan (Rp/kapita/bulan)")
WEIGHTS = typer.Option(None, "--weights", help="mis. gap=0.4,p0=0.2 (sisanya bawaan)")


def _date(raw: str | None) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(f"Tanggal tidak sah: {raw} (format YYYY-MM-DD).") from exc


def _scope(parent: str | None, ref_date: str | None, desil: int | None,
           line: float | None) -> Scope:
    from app.services.rollout import Scope

    cfg = settings()
    return Scope(parent=parent, ref_date=_date(ref_date) or today(),
                 desil_max=desil or cfg.default_desil_max,
                 poverty_line=line or cfg.poverty_line)


SHORT = {"gap": "Kesenj.", "gap_desil1": "Desil 1", "coverage_rate": "Cakupan", "p0": "P0",
         "p1": "P1", "targets": "Sasaran"}


def _rupiah(value: Decimal) -> str:
    """Rupiah with Indonesian thousands dots, rounded to whole rupiah for display."""
    return "Rp " + f"{value:,.0f}".replace(",", ".")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


@plan_app.command("priorities")
def plan_priorities(parent: str | None = PARENT, ref_date: str | None = REF_DATE,
                    desil_max: int | None = DESIL, line: float | None = LINE,
                    weights: str | None = WEIGHTS) -> None:
    """Peringkat kelurahan/desa dengan skor dan kontribusi tiap komponen."""
    from app.services.rollout import priorities
    from geo.rollout import COMPONENTS, parse_weights

    with transaction() as conn:
        ranked = priorities(conn, _scope(parent, ref_date, desil_max, line),
                            parse_weights(weights))
    table = Table("#", "Skor", title="Kontribusi ke skor (nilai mentah)")
    table.add_column("Kode", no_wrap=True)
    table.add_column("Nama", no_wrap=True)
    for name in COMPONENTS:
        table.add_column(SHORT[name], justify="right")
    for p in ranked:
        parts = [f"{c.contribution:.1f} ({'-' if c.raw is None else f'{c.raw:.3g}'})"
                 for c in p.components]
        table.add_row(str(p.rank), f"{p.score:.1f}", p.figures.kode, p.figures.nama, *parts)
    console.print(table)


@plan_app.command("pilot")
def plan_pilot(
    parent: str | None = PARENT, ref_date: str | None = REF_DATE,
    desil_max: int | None = DESIL, line: float | None = LINE, weights: str | None = WEIGHTS,
    seed: str | None = typer.Option(None, help="Kode wilayah awal (bawaan: prioritas teratas)"),
    max_households: int | None = typer.Option(None, "--max-households", min=0),
    budget: float | None = typer.Option(None, help="Anggaran (Rp)"),
    cost: float | None = typer.Option(None, "--cost", help="Biaya per rumah tangga (Rp)"),
    max_areas: int | None = typer.Option(None, "--max-areas", min=1, help="1 = satu wilayah"),
) -> None:
    """Pilih wilayah percontohan: satu wilayah atau klaster bertetangga."""
    from app.services.rollout import PilotRequest, RolloutView, choose_pilot
    from geo.rollout import parse_weights

    request = PilotRequest(
        seed=seed, max_households=max_households,
        budget=None if budget is None else Decimal(str(budget)),
        cost_per_household=None if cost is None else Decimal(str(cost)),
        max_areas=max_areas, weights=parse_weights(weights),
    )
    with transaction() as conn:
        scope = _scope(parent, ref_date, desil_max, line)
        result = choose_pilot(conn, scope, request, LOCAL_ADMIN,
                              RolloutView(conn, LOCAL_ADMIN, scope.ref_date, scope.desil_max))
    names = ", ".join(f"{p.figures.nama} ({p.figures.kode})" for p in result["wilayah"])
    console.print(f"Wilayah percontohan: [bold]{names}[/]")
    console.print(f"Sasaran {result['sasaran']}, tercakup {result['tercakup']}, kesenjangan "
                  f"{result['kesenjangan']} (desil 1: {result['kesenjangan_desil1']}); "
                  f"berhenti karena: {result['berhenti_karena']}.")
    if result["biaya"] is not None:
        console.print(f"Biaya: {_rupiah(result['biaya'])}")
    for program in result["program"]:
        console.print(f"  program {program['kode_program']} {program['nama']} "
                      f"({program['instansi']}): {program['rumah_tangga']} rumah tangga")
    console.print(f"Rumah tangga yang akan dijangkau: {result['rumah_tangga']['jumlah']}")


def _read_plan(path: Path) -> PlanInput:
    from app.services.rollout import PlanInput, WaveInput

    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        waves = [WaveInput(**w) for w in data.pop("gelombang", [])]
        for key in ("tanggal_acuan",):
            if data.get(key):
                data[key] = date.fromisoformat(data[key])
        return PlanInput(**data, gelombang=waves)
    except (OSError, ValueError, TypeError) as exc:
        raise InvalidInput(f"{path.name}: berkas rencana tidak sah ({exc}).") from exc


@plan_app.command("create")
def plan_create(file: Path = typer.Argument(..., help="Berkas JSON rencana")) -> None:
    """Buat rencana dari berkas JSON (lihat docs/rollout.md)."""
    from app.services.rollout import create_plan

    with transaction() as conn:
        plan = create_plan(conn, _read_plan(file), LOCAL_ADMIN)
    console.print(f"Rencana {plan['id']} '{plan['nama']}' dibuat "
                  f"({len(plan['gelombang'])} gelombang).")


@plan_app.command("edit")
def plan_edit(plan_id: int, file: Path = typer.Argument(..., help="Berkas JSON rencana")) -> None:
    """Ganti isi rencana dan semua gelombangnya dari berkas JSON."""
    from app.services.rollout import update_plan

    with transaction() as conn:
        plan = update_plan(conn, plan_id, _read_plan(file), LOCAL_ADMIN)
    console.print(f"Rencana {plan['id']} '{plan['nama']}' diperbarui.")


@plan_app.command("list")
def plan_list() -> None:
    """Daftar rencana tersimpan."""
    from app.services.rollout import list_plans

    with transaction() as conn:
        plans = list_plans(conn, LOCAL_ADMIN)
    table = Table("ID", "Nama", "Induk", "Tanggal acuan", "Gelombang", "Diperbarui")
    for p in plans:
        table.add_row(str(p["id"]), p["nama"], p["wilayah_induk"] or "-",
                      str(p["tanggal_acuan"] or "hari ini"), str(p["jumlah_gelombang"]),
                      f"{p['diperbarui']:%Y-%m-%d %H:%M}")
    console.print(table)


@plan_app.command("show")
def plan_show(plan_id: int, actual_date: str | None = typer.Option(
        None, "--actual-date", help="Tanggal aktual YYYY-MM-DD")) -> None:
    """Proyeksi per gelombang dan kumulatif, rencana vs aktual."""
    from app.services.rollout import plan_projection

    with transaction() as conn:
        result = plan_projection(conn, plan_id, LOCAL_ADMIN, settings().poverty_line,
                                 _date(actual_date))
    console.print(f"[bold]{result['rencana']['nama']}[/] (acuan "
                  f"{result['rencana']['tanggal_acuan']}, aktual {result['tanggal_aktual']})")
    table = Table("Gel.", "Tahun", "Wilayah", "Sasaran", "Dijangkau", "Cakupan",
                  "Kumulatif", "Anggaran (Rp)", "Aktual")
    for w in result["gelombang"]:
        g, k = w["gelombang"], w["kumulatif"]
        table.add_row(
            f"{w['urutan']}{' *' if w['percontohan'] else ''}", str(w["tahun"]),
            ", ".join(a["nama"] or a["kode"] for a in w["wilayah"]), str(g["sasaran"]),
            str(g["dijangkau"]), f"{_pct(g['cakupan_sebelum'])} -> {_pct(g['cakupan_sesudah'])}",
            f"{_pct(k['cakupan_sebelum'])} -> {_pct(k['cakupan_sesudah'])}",
            _rupiah(g["anggaran"]).removeprefix("Rp "), _pct(w["aktual"]["cakupan"]),
        )
    console.print(table)
    console.print("* = percontohan")


@plan_app.command("delete")
def plan_delete(plan_id: int, yes: bool = typer.Option(False, "--yes", help="Tanpa konfirmasi")
                ) -> None:
    """Hapus rencana."""
    from app.services.rollout import delete_plan

    if not yes:
        typer.confirm(f"Hapus rencana {plan_id}?", abort=True)
    with transaction() as conn:
        delete_plan(conn, plan_id, LOCAL_ADMIN)
    console.print(f"Rencana {plan_id} dihapus.")


@plan_app.command("export")
def plan_export(plan_id: int, out: Path = typer.Option(..., "--out", help="Berkas .xlsx"),
                actual_date: str | None = typer.Option(None, "--actual-date")) -> None:
    """Ekspor rencana (parameter, gelombang, wilayah) ke XLSX."""
    from app.services.rollout import export_plan_xlsx

    with transaction() as conn:
        content = export_plan_xlsx(conn, plan_id, LOCAL_ADMIN, settings().poverty_line,
                                   _date(actual_date))
    out.write_bytes(content)
    console.print(f"Rencana {plan_id} diekspor ke {out}.")


SAMPLE_PLAN = "Contoh: percontohan Gunung Telihan"
SAMPLE_WAVES = ((2022, 2_500_000, "1", ["64.74.03.1002"]),
                (2023, 2_000_000, "0.6", ["64.74.03.1001", "64.74.03.1003"]))


def load_sample_plan() -> None:
    """The demo's plan: Gunung Telihan as the 2022 pilot, its Bontang Barat neighbours in 2023,
    the rest of the city in 2024. Skipped when it exists or the kelurahan are not loaded."""
    from app.services.rollout import PlanInput, WaveInput, create_plan, list_plans
    from app.services.wilayah import list_wilayah

    with transaction() as conn:
        if any(p["nama"] == SAMPLE_PLAN for p in list_plans(conn, LOCAL_ADMIN)):
            return
        codes = [r["kode"] for r in list_wilayah(conn, "kelurahan", "64.74")]
        if "64.74.03.1002" not in codes:
            return
        early = {k for *_, areas in SAMPLE_WAVES for k in areas}
        waves = [WaveInput(i, year, Decimal(cost), Decimal(share), [k for k in areas
                                                                  if k in codes], i == 1)
                 for i, (year, cost, share, areas) in enumerate(SAMPLE_WAVES, start=1)]
        waves.append(WaveInput(3, 2024, Decimal(2_000_000), Decimal("0.5"),
                               [k for k in codes if k not in early]))
        create_plan(conn, PlanInput(nama=SAMPLE_PLAN, wilayah_induk="64.74",
                                    gelombang=[w for w in waves if w.wilayah]), LOCAL_ADMIN)
    console.print(f"Rencana '{SAMPLE_PLAN}' dibuat.")
