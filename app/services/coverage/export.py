"""Coverage exports: CSV (one level), XLSX (one sheet per level with formatted headers, plus a
sheet stating the parameters and the rules), GeoJSON (area polygons, EPSG:4326 lon/lat, with
the figures as properties). Used by ``sasaran export coverage`` and the API alike."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from app.services.coverage.figures import coverage_by_area
from geo.coverage import suppress_row
from geo.io import xlsx_cells

COLUMNS = (
    ("kode", "Kode wilayah"), ("nama", "Nama wilayah"), ("targets", "Sasaran (RT)"),
    ("covered", "Tercakup (RT)"), ("overlap", "Tumpang tindih >=2 program"),
    ("overlap_agency", "Tumpang tindih >=2 instansi"), ("gap", "Kesenjangan (RT)"),
    ("coverage_rate", "Tingkat cakupan"), ("leakage", "Kebocoran (kepesertaan)"),
    ("leakage_households", "Kebocoran (RT)"),
)
RULES = (
    "Sasaran: rumah tangga berstatus terverifikasi dengan desil <= ambang desil.",
    "Aktif pada tanggal acuan D: tanggal_mulai <= D dan (tanggal_selesai kosong atau "
    "D <= tanggal_selesai).",
    "Tercakup: sasaran dengan >= 1 kepesertaan aktif (pada program yang disaring, bila ada).",
    "Tumpang tindih: tercakup dan aktif di >= 2 program berbeda; varian instansi: >= 2 instansi.",
    "Kesenjangan = sasaran - tercakup. Tingkat cakupan = tercakup / sasaran.",
    "Kebocoran: pasangan (rumah tangga, program) aktif pada rumah tangga yang bukan sasaran.",
    "Wilayah = kelurahan efektif rumah tangga (hasil geokode); kecamatan dan kab/kota dari "
    "awalan kode.",
    "Angka 1-4 ditampilkan sebagai <5 untuk peran yang tidak boleh melihat data perorangan.",
)
EXPORT_LEVELS = ("kabkota", "kecamatan", "kelurahan")


def _rows(conn: Connection, level: str, q: dict[str, Any], suppress: bool
          ) -> list[dict[str, Any]]:
    rows = coverage_by_area(conn, level=level, **q)
    return [suppress_row(r) for r in rows] if suppress else rows


def export_coverage(
    conn: Connection, *, format: str, level: str | None = None, ref_date: date | None = None,
    desil_max: int = 4, program: str | None = None, agency: str | None = None,
    parent: str | None = None, area_prefixes: tuple[str, ...] = (), suppress: bool = False,
) -> bytes:
    q: dict[str, Any] = {"parent": parent, "ref_date": ref_date or date.today(),
                         "desil_max": desil_max, "program": program, "agency": agency,
                         "area_prefixes": area_prefixes}
    if format == "xlsx":
        levels = (level,) if level else EXPORT_LEVELS
        return _xlsx({lv: _rows(conn, lv, q, suppress) for lv in levels}, q)
    rows = _rows(conn, level or "kelurahan", q, suppress)
    if format == "geojson":
        return _geojson(conn, rows, q)
    return _csv(rows)


def _csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([key for key, _ in COLUMNS])
    for r in rows:
        writer.writerow(["" if r[k] is None else r[k] for k, _ in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(sheets: dict[str, list[dict[str, Any]]], q: dict[str, Any]) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    book = openpyxl.Workbook()
    info = book.active
    info.title = "parameter"
    for item in (("Tanggal acuan", q["ref_date"].isoformat()), ("Ambang desil", q["desil_max"]),
                 ("Program", q["program"] or "semua"), ("Instansi", q["agency"] or "semua"),
                 ("Wilayah induk", q["parent"] or "semua"), ("", ""), ("Aturan", "")):
        info.append(item)
    for rule in RULES:
        info.append(("", rule))
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 100
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E78")
    for level, rows in sheets.items():
        sheet = book.create_sheet(level)
        sheet.append([label for _, label in COLUMNS])
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r in rows:
            sheet.append(xlsx_cells(r[k] for k, _ in COLUMNS))
        for i, (key, _) in enumerate(COLUMNS, start=1):
            letter = openpyxl.utils.get_column_letter(i)
            sheet.column_dimensions[letter].width = 30 if key == "nama" else 16
            if key == "coverage_rate":
                for cell in sheet[letter][1:]:
                    cell.number_format = "0.0%"
        sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _geojson(conn: Connection, rows: list[dict[str, Any]], q: dict[str, Any]) -> bytes:
    shapes = {r.kode: r.geometry for r in conn.execute(text(
        "SELECT kode, ST_AsGeoJSON(geom, 6) AS geometry FROM wilayah WHERE kode = ANY(:codes)"),
        {"codes": [r["kode"] for r in rows]})}
    features = [{
        "type": "Feature",
        "geometry": json.loads(shapes[r["kode"]]) if r["kode"] in shapes else None,
        "properties": {k: r[k] for k, _ in COLUMNS},
    } for r in rows]
    collection = {"type": "FeatureCollection", "features": features,
                  "parameter": {k: str(v) if isinstance(v, date) else v for k, v in q.items()
                                if k != "area_prefixes"}}
    return json.dumps(collection, ensure_ascii=False, default=str).encode("utf-8")
