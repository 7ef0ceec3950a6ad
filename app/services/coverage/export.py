"""Coverage exports of the coverage table (``table.coverage_table``): CSV (one level's rows),
XLSX (one sheet per level: a title and source line, the table with thousands formatting, a
``Jumlah`` row, a kecamatan column on the kelurahan sheet; plus a sheet stating the parameters
and the rules), GeoJSON (area polygons, EPSG:4326 lon/lat, the figures as properties). Used by
``sasaran export coverage``, the API and the table page alike."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from app.clock import today
from app.services.coverage.published import CoveragePublication
from app.services.coverage.table import COLUMNS, CoverageTable, coverage_table
from app.services.wilayah import area_names
from geo.io import csv_cells, xlsx_cells
from geo.text import date_id

RULES = (
    "Sasaran: rumah tangga berstatus terverifikasi dengan desil <= ambang desil.",
    "Aktif pada tanggal acuan D: tanggal_mulai <= D dan (tanggal_selesai kosong atau "
    "D <= tanggal_selesai).",
    "Tercakup: sasaran dengan >= 1 kepesertaan aktif (pada program yang disaring, bila ada).",
    "Tumpang tindih: tercakup dan aktif di ≥ 2 program berbeda; varian instansi: ≥ 2 instansi.",
    "Kesenjangan = sasaran - tercakup. Tingkat cakupan = tercakup / sasaran.",
    "Kebocoran: pasangan (rumah tangga, program) aktif pada rumah tangga yang bukan sasaran.",
    "Wilayah = kelurahan efektif rumah tangga (hasil geokode); kecamatan dan kab/kota dari "
    "awalan kode.",
    "Jumlah: dihitung dari angka wilayah sebelum penyamaran; tingkat cakupan jumlah = "
    "tercakup / sasaran dari jumlahnya.",
    "Untuk peran yang tidak boleh melihat data perorangan: <5 = angka di bawah 5 (0-4) yang "
    "disamarkan; x = angka yang ikut disamarkan agar angka <5 tidak dapat dihitung kembali "
    "dari jumlah atau angka lain (docs/security.md).",
)
EXPORT_LEVELS = ("kabkota", "kecamatan", "kelurahan")
LEVEL_LABELS = {"kabkota": "kab/kota", "kecamatan": "kecamatan", "kelurahan": "kelurahan/desa"}
SOURCE = ("Sumber: Sasaran, registri rumah tangga terverifikasi (DTKS/DTSEN) dan daftar "
          "kepesertaan program perangkat daerah; diunduh {today}. Aturan: lembar 'parameter'.")
__all__ = ["COLUMNS", "EXPORT_LEVELS", "RULES", "export_coverage"]


def export_coverage(
    pub: CoveragePublication, *, format: str, level: str | None = None,
    parent: str | None = None, program: str | None = None, agency: str | None = None,
    per_program: bool = False,
) -> bytes:
    """The coverage table(s) of ``pub`` (as its principal may receive them) in ``format``."""
    q: dict[str, Any] = {"parent": parent, "ref_date": pub.ref_date,
                         "desil_max": pub.desil_max, "program": program, "agency": agency}

    def table(lv: str) -> CoverageTable:
        return coverage_table(pub, level=lv, parent=parent, program=program, agency=agency,
                              per_program=per_program)

    if format == "xlsx":
        levels = (level,) if level else EXPORT_LEVELS
        place = area_names(pub.conn, [parent]).get(parent, parent) if parent else None
        return _xlsx([table(lv) for lv in levels], q, place)
    shown = table(level or "kelurahan")
    if format == "geojson":
        return _geojson(pub.conn, shown, q)
    return _csv(shown)


def _csv(table: CoverageTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([key for key, _ in table.columns])
    for r in table.rows:
        writer.writerow(csv_cells("" if r[k] is None else r[k] for k, _ in table.columns))
    return buffer.getvalue().encode("utf-8-sig")


def _title(level: str, q: dict[str, Any], place: str | None) -> str:
    scope = place or "seluruh wilayah"
    filters = "".join(f", {name} {q[key]}" for key, name in (("program", "program"),
                                                             ("agency", "instansi")) if q[key])
    return (f"Cakupan program per {LEVEL_LABELS[level]}, {scope}: tanggal acuan "
            f"{date_id(q['ref_date'])}, sasaran desil 1-{q['desil_max']}{filters}")


def _xlsx(tables: list[CoverageTable], q: dict[str, Any], place: str | None) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    info = book.active
    info.title = "parameter"
    for item in (("Tanggal acuan", q["ref_date"].isoformat()), ("Ambang desil", q["desil_max"]),
                 ("Program", q["program"] or "semua"), ("Instansi", q["agency"] or "semua"),
                 ("Wilayah induk", q["parent"] or "semua"), ("", ""), ("Aturan", "")):
        info.append(xlsx_cells(item))
    for rule in RULES:
        info.append(("", rule))
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 100
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E78")
    source = SOURCE.format(today=date_id(today()))
    for table in tables:
        sheet = book.create_sheet(table.level)
        sheet.append(xlsx_cells([_title(table.level, q, place)]))
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([source])
        sheet["A2"].font = Font(italic=True, color="555555")
        sheet.append([label for _, label in table.columns])
        for cell in sheet[3]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r in table.rows:
            sheet.append(xlsx_cells(r[k] for k, _ in table.columns))
        sheet.append(xlsx_cells(("Jumlah" if k == "kode" else None if k in ("nama", "kecamatan")
                                 else table.total.get(k)) for k, _ in table.columns))
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for i, (key, _) in enumerate(table.columns, start=1):
            letter = get_column_letter(i)
            sheet.column_dimensions[letter].width = 28 if key in ("nama", "kecamatan") else 16
            number_format = "0.0%" if key == "coverage_rate" else "#,##0"
            if key not in ("kode", "nama", "kecamatan"):
                for cell in sheet[letter][3:]:
                    cell.number_format = number_format
        sheet.freeze_panes = sheet.cell(row=4, column=4 if table.level == "kelurahan" else 3)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _geojson(conn: Connection, table: CoverageTable, q: dict[str, Any]) -> bytes:
    shapes = {r.kode: r.geometry for r in conn.execute(text(
        "SELECT kode, ST_AsGeoJSON(geom, 6) AS geometry FROM wilayah WHERE kode = ANY(:codes)"),
        {"codes": [r["kode"] for r in table.rows]})}
    features = [{
        "type": "Feature",
        "geometry": json.loads(shapes[r["kode"]]) if r["kode"] in shapes else None,
        "properties": {k: r[k] for k, _ in table.columns},
    } for r in table.rows]
    collection = {"type": "FeatureCollection", "features": features,
                  "parameter": {k: str(v) if isinstance(v, date) else v for k, v in q.items()
                                if k != "area_prefixes"}}
    return json.dumps(collection, ensure_ascii=False, default=str).encode("utf-8")
