"""A plan exported to XLSX for the RPKD documents: parameters, waves, areas (audited)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Connection

from app.principal import Principal
from app.services.access import audit
from app.services.rollout.output import plan_projection
from app.services.rollout.plans import get_plan
from geo.io import xlsx_cells
from geo.rollout import resolve_weights

WAVE_HEADERS = [
    ("urutan", "Gelombang"), ("tahun", "Tahun"), ("percontohan", "Percontohan"),
    ("biaya_per_rumah_tangga", "Biaya per RT (Rp)"), ("porsi_kesenjangan", "Porsi kesenjangan"),
]
TOTAL_HEADERS = [
    ("sasaran", "Sasaran"), ("tercakup_sebelum", "Tercakup sebelum"),
    ("kesenjangan_sebelum", "Kesenjangan sebelum"), ("dijangkau", "Dijangkau"),
    ("tercakup_sesudah", "Tercakup sesudah"), ("cakupan_sebelum", "Cakupan sebelum"),
    ("cakupan_sesudah", "Cakupan sesudah"), ("anggaran", "Anggaran (Rp)"),
]
RULES = [
    "Sasaran: rumah tangga terverifikasi dengan desil <= desil maksimum.",
    "Dijangkau per wilayah = pembulatan ke bawah (kesenjangan x porsi kesenjangan).",
    "Anggaran = dijangkau x biaya per rumah tangga.",
    "Cakupan sesudah = (tercakup + dijangkau) / sasaran; kumulatif atas gelombang 1..k.",
    "Aktual = cakupan wilayah gelombang pada tanggal aktual (kepesertaan nyata).",
]


def _header(sheet: Worksheet, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _cell(value: Any) -> Any:
    """Excel cells take numbers and text; decimals become numbers, lists text."""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if isinstance(value, str):
        return xlsx_cells([value])[0]  # a plan name may carry a control character
    if isinstance(value, bool) or value is None or isinstance(value, int | float | date):
        return value
    return float(value)


def _parameters(book: Workbook, plan: dict[str, Any], projection: dict[str, Any]) -> None:
    sheet = book.active or book.create_sheet()
    sheet.title = "Parameter"
    _header(sheet, ["Parameter", "Nilai"])
    rows = [
        ("Nama rencana", plan["nama"]), ("Deskripsi", plan["deskripsi"]),
        ("Wilayah induk", plan["wilayah_induk"]),
        ("Tanggal acuan", projection["rencana"]["tanggal_acuan"]),
        ("Tanggal aktual", projection["tanggal_aktual"]),
        ("Desil maksimum", plan["desil_maks"]),
    ]
    rows += [(f"Bobot {k}", v) for k, v in resolve_weights(plan["bobot"]).items()]
    rows += [("Aturan", rule) for rule in RULES]
    for name, value in rows:
        sheet.append([name, _cell(value)])


def _waves(book: Workbook, projection: dict[str, Any]) -> None:
    sheet = book.create_sheet("Gelombang")
    titles = [t for _, t in WAVE_HEADERS] + [t for _, t in TOTAL_HEADERS]
    titles += [f"Kumulatif: {t}" for _, t in TOTAL_HEADERS]
    titles += ["Aktual: sasaran", "Aktual: tercakup", "Aktual: cakupan"]
    _header(sheet, titles)
    for wave in projection["gelombang"]:
        row = [_cell(wave[k]) for k, _ in WAVE_HEADERS]
        row += [_cell(wave["gelombang"][k]) for k, _ in TOTAL_HEADERS]
        row += [_cell(wave["kumulatif"][k]) for k, _ in TOTAL_HEADERS]
        row += [_cell(wave["aktual"][k]) for k in ("sasaran", "tercakup", "cakupan")]
        sheet.append(row)


def _areas(book: Workbook, projection: dict[str, Any]) -> None:
    sheet = book.create_sheet("Wilayah")
    _header(sheet, ["Gelombang", "Kode", "Nama", "Sasaran", "Kesenjangan", "Dijangkau"])
    for wave in projection["gelombang"]:
        for area in wave["wilayah"]:
            sheet.append([wave["urutan"]] + [_cell(area[k]) for k in
                                             ("kode", "nama", "sasaran", "kesenjangan",
                                              "dijangkau")])


def export_plan_xlsx(
    conn: Connection, plan_id: int, principal: Principal, default_line: float,
    actual_date: date | None = None,
) -> bytes:
    plan = get_plan(conn, plan_id, principal)
    projection = plan_projection(conn, plan_id, principal, default_line, actual_date)
    book = Workbook()
    _parameters(book, plan, projection)
    _waves(book, projection)
    _areas(book, projection)
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record(conn, principal, "rollout_plan.export", str(plan_id),
                 {"format": "xlsx"}, rows=len(projection["gelombang"]))
    return buffer.getvalue()
