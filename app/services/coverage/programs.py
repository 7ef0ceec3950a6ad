"""Agencies and programs: CRUD and the program file import (upsert by ``kode_program``;
agencies created as needed). A program's agency change rebuilds its households' segments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from app.services.coverage.segments import rebuild_for_program
from app.services.io import batches
from app.services.io.profiles import profile_parameter
from geo.coverage import PROGRAM_SPEC, ProgramRow, validate_program
from geo.errors import Conflict, ImportRejected, NotFound
from geo.io import ColumnProfile, Rejection, RowWarning, file_sha256, open_table

JENIS = "program"
PROGRAM_COLUMNS = ("kode_program", "nama", "instansi", "jenis", "tahun", "anggaran",
                   "desil_maks", "unit_cakupan", "wilayah_layanan")
UPSERT = """
    INSERT INTO program (kode_program, nama, instansi, jenis, tahun, anggaran, desil_maks,
                         unit_cakupan, wilayah_layanan)
    VALUES (:kode_program, :nama, :instansi, :jenis, :tahun, :anggaran, :desil_maks,
            :unit_cakupan, CAST(:wilayah_layanan AS varchar(13)[]))
    ON CONFLICT (kode_program) DO UPDATE SET nama = EXCLUDED.nama, instansi = EXCLUDED.instansi,
        jenis = EXCLUDED.jenis, tahun = EXCLUDED.tahun, anggaran = EXCLUDED.anggaran,
        desil_maks = EXCLUDED.desil_maks, unit_cakupan = EXCLUDED.unit_cakupan,
        wilayah_layanan = EXCLUDED.wilayah_layanan
    RETURNING id, (xmax = 0) AS inserted
"""


def list_agencies(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(
        text("SELECT kode, nama, jenis FROM agency ORDER BY kode"))]


def upsert_agency(conn: Connection, kode: str, nama: str, jenis: str | None = None) -> None:
    conn.execute(text(
        "INSERT INTO agency (kode, nama, jenis) VALUES (:kode, :nama, :jenis) "
        "ON CONFLICT (kode) DO UPDATE SET nama = EXCLUDED.nama, "
        "jenis = coalesce(EXCLUDED.jenis, agency.jenis)"), {"kode": kode, "nama": nama,
                                                           "jenis": jenis})


def delete_agency(conn: Connection, kode: str) -> None:
    if conn.execute(text("SELECT 1 FROM program WHERE instansi = :k LIMIT 1"), {"k": kode}).first():
        raise Conflict(f"Instansi '{kode}' masih memiliki program; hapus programnya dulu.")
    if conn.execute(text("DELETE FROM agency WHERE kode = :k"), {"k": kode}).rowcount == 0:
        raise NotFound(f"Instansi '{kode}' tidak ditemukan.")


def list_programs(conn: Connection, agency: str | None = None) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(
        "SELECT id, " + ", ".join(PROGRAM_COLUMNS) + " FROM program "
        "WHERE CAST(:ag AS text) IS NULL OR instansi = :ag ORDER BY kode_program"),
        {"ag": agency})]


def get_program(conn: Connection, kode: str) -> dict[str, Any]:
    row = conn.execute(text("SELECT id, " + ", ".join(PROGRAM_COLUMNS) +
                            " FROM program WHERE kode_program = :k"), {"k": kode}).first()
    if row is None:
        raise NotFound(f"Program '{kode}' tidak ditemukan.", {"program": kode})
    return dict(row._mapping)


def save_program(conn: Connection, row: ProgramRow) -> bool:
    """Insert or update one program (its agency created if new); True when inserted."""
    before = conn.execute(text("SELECT id, instansi FROM program WHERE kode_program = :k"),
                          {"k": row.kode_program}).first()
    if not conn.execute(text("SELECT 1 FROM agency WHERE kode = :k"), {"k": row.instansi}).first():
        upsert_agency(conn, row.instansi, row.nama_instansi, row.jenis_instansi)
    values = {c: getattr(row, c) for c in PROGRAM_COLUMNS}
    saved = conn.execute(text(UPSERT), values).one()
    if before is not None and before.instansi != row.instansi:
        rebuild_for_program(conn, before.id)  # segments carry the agency codes
    return bool(saved.inserted)


def delete_program(conn: Connection, kode: str) -> None:
    program = get_program(conn, kode)
    households = conn.execute(text(
        "SELECT DISTINCT household_id FROM enrollment WHERE program_id = :p "
        "AND household_id IS NOT NULL"), {"p": program["id"]}).scalars().all()
    # Explicit, not only by the foreign key's cascade: on Citus enrollment keeps no foreign key
    # to the reference table program (migration 0007).
    conn.execute(text("DELETE FROM enrollment WHERE program_id = :p"), {"p": program["id"]})
    conn.execute(text("DELETE FROM program WHERE id = :p"), {"p": program["id"]})
    if households:
        from app.services.coverage.segments import rebuild_segments

        rebuild_segments(conn, households)


def import_programs(conn: Connection, path: Path, *, user: str, name: str | None = None,
                    sheet: str | None = None, column_map: dict[str, str] | None = None,
                    profile: ColumnProfile | None = None) -> dict[str, Any]:
    """Import a program file through the shared batch machinery; returns counts, the first
    rejections and warnings (service-area codes not among the loaded kelurahan are left out
    of the area; with no kelurahan loaded at all only their form is checked).
    ``column_map`` renames headers as ``--columns`` does elsewhere; ``profile`` maps a layout."""
    label = name or path.name
    accepted: list[ProgramRow] = []
    rejections: list[Rejection] = []
    known = set(conn.execute(text(
        "SELECT kode FROM wilayah WHERE level = 'kelurahan'")).scalars()) or None
    with open_table(path, PROGRAM_SPEC, column_map, sheet, label, kind=JENIS,
                    profile=profile) as table:
        batch_id = batches.start_batch(conn, JENIS, label, file_sha256(path), user,
                                       {**({"kolom": column_map} if column_map else {}),
                                        **profile_parameter(profile)})
        seen: set[str] = set()
        numbers: dict[int, ProgramRow] = {}
        for row in table.rows():
            checked = validate_program(row.number, row.values, row.original, known)
            if isinstance(checked, ProgramRow) and checked.kode_program in seen:
                checked = Rejection(row.number, [_duplicate()], row.original)
            if isinstance(checked, Rejection):
                rejections.append(checked)
            else:
                seen.add(checked.kode_program)
                accepted.append(checked)
                numbers[row.number] = checked
    if not accepted and not rejections:
        raise ImportRejected(f"Berkas {label} tidak berisi baris program.", {"berkas": label})
    inserted = sum(save_program(conn, r) for r in accepted)
    batches.store_rejections(conn, batch_id, rejections)
    warnings = [RowWarning(n, list(r.warnings)) for n, r in numbers.items() if r.warnings]
    batches.store_warnings(conn, batch_id, warnings)
    summary = {"baru": inserted, "diperbarui": len(accepted) - inserted,
               "peringatan": len(warnings)}
    batches.finish_batch(conn, batch_id, total=len(accepted) + len(rejections),
                         accepted=len(accepted), rejected=len(rejections), summary=summary)
    return {"batch_id": batch_id, "file": label, "accepted": len(accepted),
            "rejected": len(rejections), **summary, "first_rejections": rejections[:20],
            "first_warnings": warnings[:20]}


def _duplicate() -> Any:
    from geo.io import Problem

    return Problem("kode_program", "kode_program berulang dalam berkas; baris pertama dipakai")
