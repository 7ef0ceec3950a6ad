"""``sasaran check FILE``: an agency's candidate list (CSV/XLSX with ``nik`` and/or ``no_kk``)
written back as the same rows plus result columns, checked in slices of 10,000 numbers."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from app.services.coverage.check import MAX_NUMBERS, check_identities
from geo.errors import ImportRejected
from geo.io import XLSX_SUFFIXES, ColumnSpec, open_table, xlsx_cells

CHECK_SPEC = ColumnSpec(required=(), optional=("nik", "no_kk"))
RESULT_COLUMNS = ("hasil_ditemukan", "hasil_sasaran", "hasil_kelurahan", "hasil_program_aktif",
                  "hasil_instansi", "hasil_identitas", "hasil_catatan")


def _annotation(result: dict[str, Any] | None) -> list[str]:
    if result is None:
        return ["", "", "", "", "", "", "nik/no_kk kosong"]
    if not result["valid"]:
        return ["tidak", "", "", "", "", "", result["alasan"]]
    programs = result["program_aktif"]
    return [
        "ya" if result["ditemukan"] else "tidak",
        "" if result["sasaran"] is None else ("ya" if result["sasaran"] else "tidak"),
        "; ".join(result["kode_kelurahan"]),
        "; ".join(p["kode_program"] for p in programs),
        "; ".join(sorted({p["instansi"] for p in programs})),
        result["identitas"] or "",
        "cocok dengan beberapa rumah tangga" if result["jumlah_rumah_tangga"] > 1 else "",
    ]


def _annotated(conn: Connection, key: bytes, rows: list[tuple[list[str], str, str]],
               on: date, desil_max: int) -> Iterator[list[str]]:
    """``rows``: (cells, nik, no_kk); NIK is checked when given, else No. KK."""
    for start in range(0, len(rows), MAX_NUMBERS):
        part = rows[start:start + MAX_NUMBERS]
        by_nik = [i for i, (_, nik, _) in enumerate(part) if nik]
        by_kk = [i for i, (_, nik, kk) in enumerate(part) if not nik and kk]
        results: dict[int, dict[str, Any]] = {}
        for kind, picked, column in (("nik", by_nik, 1), ("no_kk", by_kk, 2)):
            numbers = [str(part[i][column]) for i in picked]
            found = check_identities(conn, key, numbers, kind=kind, ref_date=on,
                                     desil_max=desil_max)
            results.update(zip(picked, found, strict=True))
        for i, (cells, _, _) in enumerate(part):
            yield cells + _annotation(results.get(i))


def annotate_file(conn: Connection, key: bytes, path: Path, out: Path, *,
                  ref_date: date | None = None, desil_max: int = 4) -> dict[str, int]:
    """Write ``out`` (CSV or XLSX by its suffix); returns counts found/not found/invalid."""
    with open_table(path, CHECK_SPEC) as table:
        if not {"nik", "no_kk"} & set(table.index):
            raise ImportRejected(f"Berkas {path.name}: perlu kolom nik atau no_kk.",
                                 {"berkas": path.name})
        headers = table.headers
        rows = [(list(r.original.values()), r.values.get("nik", ""), r.values.get("no_kk", ""))
                for r in table.rows()]
    body = list(_annotated(conn, key, rows, ref_date or date.today(), desil_max))
    header = headers + list(RESULT_COLUMNS)
    if out.suffix.lower() in XLSX_SUFFIXES:
        _write_xlsx(out, header, body)
    else:
        with open(out, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(body)
    found = sum(1 for r in body if r[-7] == "ya")
    return {"baris": len(body), "ditemukan": found, "tidak_ditemukan": len(body) - found}


def _write_xlsx(out: Path, header: list[str], body: list[list[str]]) -> None:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "hasil_cek"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append(xlsx_cells(row))
    book.save(out)
