"""An agency's candidate list checked in one go: a CSV/XLSX with ``nik`` and/or ``no_kk``
columns (``sasaran check FILE``, the Cek penerima page), or numbers pasted one per line (the
page). The result is the same rows plus result columns, checked in slices of 10,000 numbers,
written back as CSV or XLSX; the page also shows ``results`` as a table."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from app.clock import today
from app.services.coverage.check import MAX_NUMBERS, check_identities
from geo.errors import ImportRejected, InvalidInput
from geo.io import XLSX_SUFFIXES, ColumnSpec, csv_cells, open_table, xlsx_cells

CHECK_SPEC = ColumnSpec(required=(), optional=("nik", "no_kk"))
RESULT_COLUMNS = ("hasil_ditemukan", "hasil_sasaran", "hasil_kelurahan", "hasil_nama_kelurahan",
                  "hasil_program_aktif", "hasil_instansi", "hasil_identitas", "hasil_catatan")
PASTED_HEADER = "nomor"
EMPTY = "nik/no_kk kosong"
# (row number as the user sees it, original cells, number to check, kind of number: "nik",
# "no_kk" or "auto")
Candidate = tuple[int, list[str], str, str]


@dataclass
class CheckedList:
    """Rows as given plus ``RESULT_COLUMNS``; ``results[i]`` is row i's check result (the
    ``check_identities`` dict; None for a row without a number)."""

    headers: list[str]
    rows: list[list[str]]
    results: list[dict[str, Any] | None]
    numbers: list[int]  # each row's number as the user sees it (file row, or pasted line)

    def counts(self) -> dict[str, int]:
        found = sum(1 for r in self.results if r is not None and r["ditemukan"])
        invalid = sum(1 for r in self.results if r is None or not r["valid"])
        targets = sum(1 for r in self.results if r is not None and r["sasaran"])
        covered = sum(1 for r in self.results if r is not None and r["program_aktif"])
        return {"baris": len(self.rows), "ditemukan": found,
                "tidak_ditemukan": len(self.rows) - found, "tidak_sah": invalid,
                "sasaran": targets, "tercakup": covered}

    def as_bytes(self, format: str) -> bytes:
        """The annotated list as ``csv`` (UTF-8 with BOM) or ``xlsx``."""
        return _xlsx(self.headers, self.rows) if format == "xlsx" else _csv(
            self.headers, self.rows)


def _annotation(result: dict[str, Any] | None) -> list[str]:
    if result is None:
        return ["", "", "", "", "", "", "", EMPTY]
    if not result["valid"]:
        return ["tidak", "", "", "", "", "", "", result["alasan"]]
    programs = result["program_aktif"]
    return [
        "ya" if result["ditemukan"] else "tidak",
        "" if result["sasaran"] is None else ("ya" if result["sasaran"] else "tidak"),
        "; ".join(result["kode_kelurahan"]),
        "; ".join(result["nama_kelurahan"]),
        "; ".join(p["kode_program"] for p in programs),
        "; ".join(sorted({p["instansi"] for p in programs})),
        result["identitas"] or "",
        "cocok dengan beberapa rumah tangga" if result["jumlah_rumah_tangga"] > 1 else "",
    ]


def check_candidates(
    conn: Connection, key: bytes, headers: list[str], candidates: list[Candidate], *,
    ref_date: date | None = None, desil_max: int = 4, area_prefixes: tuple[str, ...] = (),
) -> CheckedList:
    """Check each candidate's number (rows without one get the note ``EMPTY``)."""
    on = ref_date or today()
    results: list[dict[str, Any] | None] = [None] * len(candidates)
    for start in range(0, len(candidates), MAX_NUMBERS):
        part = range(start, min(start + MAX_NUMBERS, len(candidates)))
        for kind in ("nik", "no_kk", "auto"):
            picked = [i for i in part if candidates[i][2] and candidates[i][3] == kind]
            found = check_identities(conn, key, [candidates[i][2] for i in picked], kind=kind,
                                     ref_date=on, desil_max=desil_max,
                                     area_prefixes=area_prefixes)
            for i, result in zip(picked, found, strict=True):
                results[i] = result
    rows = [cells + _annotation(results[i]) for i, (_, cells, _, _) in enumerate(candidates)]
    return CheckedList(headers + list(RESULT_COLUMNS), rows, results,
                       [number for number, _, _, _ in candidates])


def check_file(
    conn: Connection, key: bytes, path: Path, *, name: str | None = None,
    ref_date: date | None = None, desil_max: int = 4, area_prefixes: tuple[str, ...] = (),
) -> CheckedList:
    """A list file: each row's NIK is checked when given, else its No. KK."""
    label = name or path.name
    with open_table(path, CHECK_SPEC, name=label) as table:
        if not {"nik", "no_kk"} & set(table.index):
            raise ImportRejected(f"Berkas {label}: perlu kolom nik atau no_kk.",
                                 {"berkas": label})
        headers = table.headers
        candidates: list[Candidate] = []
        for r in table.rows():
            nik, kk = r.values.get("nik", ""), r.values.get("no_kk", "")
            candidates.append((r.number, list(r.original.values()), nik or kk,
                               "nik" if nik else "no_kk"))
    return check_candidates(conn, key, headers, candidates, ref_date=ref_date,
                            desil_max=desil_max, area_prefixes=area_prefixes)


def check_pasted(
    conn: Connection, key: bytes, text: str, *, ref_date: date | None = None,
    desil_max: int = 4, area_prefixes: tuple[str, ...] = (),
) -> CheckedList:
    """Numbers pasted one per line (blank lines skipped); each may be a NIK or a No. KK."""
    lines = [(i, line.strip()) for i, line in enumerate(text.splitlines(), start=1)
             if line.strip()]
    if not lines:
        raise InvalidInput("Tempel setidaknya satu NIK atau No. KK (satu per baris).",
                           {"kolom": "nomor"})
    if len(lines) > MAX_NUMBERS:
        raise InvalidInput(
            f"Paling banyak {MAX_NUMBERS:,} nomor per pemeriksaan; ditempel {len(lines):,}. "
            "Unggah sebagai berkas atau pecah daftarnya.".replace(",", "."), {"kolom": "nomor"})
    return check_candidates(conn, key, [PASTED_HEADER], [(i, [n], n, "auto") for i, n in lines],
                            ref_date=ref_date, desil_max=desil_max, area_prefixes=area_prefixes)


def annotate_file(conn: Connection, key: bytes, path: Path, out: Path, *,
                  ref_date: date | None = None, desil_max: int = 4,
                  area_prefixes: tuple[str, ...] = ()) -> dict[str, int]:
    """Write ``out`` (CSV or XLSX by its suffix); returns counts found/not found/invalid."""
    checked = check_file(conn, key, path, ref_date=ref_date, desil_max=desil_max,
                         area_prefixes=area_prefixes)
    out.write_bytes(checked.as_bytes("xlsx" if out.suffix.lower() in XLSX_SUFFIXES else "csv"))
    return checked.counts()


def _csv(header: list[str], body: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_cells(header))
    writer.writerows(csv_cells(row) for row in body)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(header: list[str], body: list[list[str]]) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "hasil_cek"
    sheet.append(xlsx_cells(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append(xlsx_cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
