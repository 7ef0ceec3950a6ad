"""Import batches and their rejected rows: generic, used by every kind of import.

API (all functions take a Connection already inside a transaction and never commit)::

    batch_id = start_batch(conn, "rumah_tangga", "dtks.csv", sha256, "lokal", {"kolom": {...}})
    store_rejections(conn, batch_id, rejections)        # list[geo.io.validation.Rejection], COPY
    finish_batch(conn, batch_id, total=..., accepted=..., rejected=..., summary={...})
    get_batch(conn, batch_id) -> dict                    # NotFound if absent
    list_batches(conn, user="lokal", kinds=("rumah_tangga",), limit=50)  # newest first
    rejected_rows(conn, batch_id, limit=None) -> list[dict]   # nomor_baris, kolom, alasan,
                                                              # masalah, data
    store_warnings(conn, batch_id, warnings)             # list[geo.io.RowWarning], COPY
    warning_rows(conn, batch_id, limit=None) / warning_count(conn, batch_id)
    report_csv(conn, batch_id) -> bytes / report_xlsx(conn, batch_id) -> bytes
    warnings_csv(conn, batch_id) -> bytes                # nomor_baris, kolom, alasan

A rejected row is kept verbatim (``data``: the file's own headers and cells, in order), except that
identity numbers are masked: callers mask the identity columns (``geo.identity.mask_cell``;
``geo.registry.households.Problems`` does it for you), and ``store_rejections`` then masks
whatever may still be one in any header, cell, reason or message (``geo.masking``: an extra
column ``NIK_PASANGAN``, a note "NIK istri 6474..."), as ``start_batch`` does for the file name
and parameters: NIK and No. KK are never stored in plain text, not even in a rejected row.
With its problems (``masalah``: ``[{"kolom", "alasan"}]``);
``kolom`` and ``alasan`` hold the same, joined, for quick reading. Reports have ``nomor_baris,
kolom, alasan`` then the original columns, so an officer can fix the rows and upload them again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

from app.db.citus import is_citus
from geo.errors import NotFound
from geo.io import Rejection, RowWarning, csv_cells, xlsx_cells
from geo.masking import mask_text, mask_value

REPORT_FIELDS = ("nomor_baris", "kolom", "alasan")


def start_batch(
    conn: Connection, jenis: str, filename: str, sha256: str, user: str,
    parameter: dict[str, Any] | None = None,
) -> int:
    """Record the start of an import and return its batch id."""
    if is_citus(conn):
        # An import writes the reference table import_batch and distributed tables in one
        # transaction, then reads them joined. Once a worker's placements were written over
        # several connections Citus refuses that read ("cannot perform query with placements
        # that were modified over multiple connections": the sample city's enrollment import
        # failed so). One connection per worker for the rest of the import's transaction.
        conn.execute(text("SET LOCAL citus.multi_shard_modify_mode TO 'sequential'"))
    return int(conn.execute(
        text(
            "INSERT INTO import_batch (jenis, nama_berkas, sha256, pengguna, parameter) "
            "VALUES (:jenis, :name, :sha, :user, CAST(:param AS jsonb)) RETURNING id"
        ),
        {"jenis": jenis, "name": mask_text(filename), "sha": sha256, "user": user,
         "param": json.dumps(mask_value(parameter or {}), default=str)},
    ).scalar_one())


def store_rejections(conn: Connection, batch_id: int, rejections: Iterable[Rejection]) -> int:
    """COPY rejected rows into ``rejected_row``; returns how many were stored."""
    dbapi = conn.connection.driver_connection
    count = 0
    with dbapi.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
        "COPY rejected_row (batch_id, nomor_baris, kolom, alasan, masalah, data) FROM STDIN"
    ) as copy:
        for rejection in rejections:
            columns = ", ".join(dict.fromkeys(p.kolom for p in rejection.problems if p.kolom))
            copy.write_row((
                batch_id,
                rejection.row_number,
                mask_text(columns) or None,
                mask_text(rejection.message.replace("\x00", "")),
                _json(mask_value([p.as_dict() for p in rejection.problems])),
                _json(mask_value(rejection.data)),
            ))
            count += 1
    return count


def store_warnings(conn: Connection, batch_id: int, warnings: Iterable[RowWarning]) -> int:
    """COPY the warnings of kept rows (one line per dropped value) into ``import_warning``."""
    dbapi = conn.connection.driver_connection
    count = 0
    with dbapi.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
        "COPY import_warning (batch_id, nomor_baris, kolom, alasan) FROM STDIN"
    ) as copy:
        for warning in warnings:
            for problem in warning.problems:
                copy.write_row((batch_id, warning.row_number, problem.kolom,
                                mask_text(problem.alasan.replace("\x00", ""))))
            count += 1
    return count


def warning_rows(conn: Connection, batch_id: int,
                 limit: int | None = None) -> list[dict[str, Any]]:
    """Warnings of a batch in file order: ``nomor_baris, kolom, alasan`` (the row was kept,
    without the value named)."""
    get_batch(conn, batch_id)
    rows = conn.execute(text(
        "SELECT nomor_baris, kolom, alasan FROM import_warning WHERE batch_id = :id "
        "ORDER BY nomor_baris, id LIMIT :limit"), {"id": batch_id, "limit": limit})
    return [dict(r._mapping) for r in rows]


def warning_count(conn: Connection, batch_id: int) -> int:
    """Lines of ``warning_rows`` (one per dropped value; a row may have several)."""
    return int(conn.execute(text("SELECT count(*) FROM import_warning WHERE batch_id = :id"),
                            {"id": batch_id}).scalar_one())


def _json(value: Any) -> str:
    # PostgreSQL text and jsonb cannot hold NUL: a stray one in a cell must not fail the COPY.
    return json.dumps(value, ensure_ascii=False).replace("\\u0000", "")


def finish_batch(
    conn: Connection, batch_id: int, *, total: int, accepted: int, rejected: int,
    summary: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        text(
            "UPDATE import_batch SET baris_total = :total, baris_diterima = :accepted, "
            "baris_ditolak = :rejected, ringkasan = CAST(:summary AS jsonb) WHERE id = :id"
        ),
        {"id": batch_id, "total": total, "accepted": accepted, "rejected": rejected,
         "summary": json.dumps(summary or {}, default=str)},
    )


def get_batch(conn: Connection, batch_id: int) -> dict[str, Any]:
    row = conn.execute(
        text(
            "SELECT id, jenis, nama_berkas, sha256, pengguna, dibuat, baris_total, "
            "baris_diterima, baris_ditolak, ringkasan, parameter FROM import_batch WHERE id = :id"
        ),
        {"id": batch_id},
    ).first()
    if row is None:
        raise NotFound(f"Batch impor {batch_id} tidak ditemukan.", {"batch": batch_id})
    return dict(row._mapping)


def list_batches(conn: Connection, *, user: str | None = None,
                 kinds: tuple[str, ...] | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Batches, newest first: one user's (``user``), of some kinds (``kinds``), or all."""
    rows = conn.execute(
        text(
            "SELECT id, jenis, nama_berkas, pengguna, dibuat, baris_total, baris_diterima, "
            "baris_ditolak, ringkasan, parameter FROM import_batch "
            "WHERE (CAST(:user AS text) IS NULL OR pengguna = :user) "
            "AND (CAST(:kinds AS text[]) IS NULL OR jenis = ANY(:kinds)) "
            "ORDER BY id DESC LIMIT :limit"
        ),
        {"user": user, "kinds": list(kinds) if kinds is not None else None, "limit": limit},
    )
    return [dict(r._mapping) for r in rows]


def rejected_rows(
    conn: Connection, batch_id: int, limit: int | None = None
) -> list[dict[str, Any]]:
    """Rejected rows of a batch in file order (``NotFound`` for an unknown batch)."""
    get_batch(conn, batch_id)
    rows = conn.execute(
        text(
            "SELECT nomor_baris, kolom, alasan, masalah, data FROM rejected_row "
            "WHERE batch_id = :id ORDER BY nomor_baris, id LIMIT :limit"
        ),
        {"id": batch_id, "limit": limit},
    )
    return [dict(r._mapping) for r in rows]


def _report_table(conn: Connection, batch_id: int) -> tuple[list[str], list[list[Any]]]:
    rows = rejected_rows(conn, batch_id)
    original: dict[str, None] = {}
    for row in rows:
        original.update(dict.fromkeys(row["data"]))
    header = list(REPORT_FIELDS) + [c for c in original if c not in REPORT_FIELDS]
    body = [
        [row["nomor_baris"], row["kolom"] or "", row["alasan"]]
        + [row["data"].get(c, "") for c in header[len(REPORT_FIELDS):]]
        for row in rows
    ]
    return header, body


def report_csv(conn: Connection, batch_id: int) -> bytes:
    """The rejected rows as CSV (UTF-8 with BOM, so spreadsheet programs read it right)."""
    return _csv(*_report_table(conn, batch_id))


def warnings_csv(conn: Connection, batch_id: int) -> bytes:
    """The warnings as CSV: ``nomor_baris, kolom, alasan`` (as the XLSX's second sheet)."""
    return _csv(list(REPORT_FIELDS), _warning_table(conn, batch_id))


def _warning_table(conn: Connection, batch_id: int) -> list[list[Any]]:
    return [[w["nomor_baris"], w["kolom"] or "", w["alasan"]]
            for w in warning_rows(conn, batch_id)]


def _csv(header: list[str], body: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_cells(header))
    writer.writerows(csv_cells(row) for row in body)
    return buffer.getvalue().encode("utf-8-sig")


def report_xlsx(conn: Connection, batch_id: int) -> bytes:
    """The rejected rows as an XLSX workbook, sheet ``ditolak``; a second sheet
    ``peringatan`` lists the kept rows whose optional value was dropped, when there are any."""
    import openpyxl

    header, body = _report_table(conn, batch_id)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("ditolak")
    sheet.append(xlsx_cells(header))
    for row in body:
        sheet.append(xlsx_cells(row))
    warnings = _warning_table(conn, batch_id)
    if warnings:
        extra = book.create_sheet("peringatan")
        extra.append(list(REPORT_FIELDS))
        for w in warnings:
            extra.append(xlsx_cells(w))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
