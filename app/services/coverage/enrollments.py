"""Enrollment import: validate rows -> COPY into a staging table -> match on the digest indexes
(``app/sql/coverage/enrollment_match.sql``) -> rebuild the coverage segments of the touched
households.

Rejected rows go through the shared batch machinery (``app.services.io.batches``); unmatched and
ambiguous rows are kept in ``enrollment`` and listed for the agency. Re-importing the same rows adds
nothing (identical program, household, key, dates are skipped)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from app.services.coverage.segments import rebuild_segments
from app.services.coverage.suggestions import suggest_for_batch
from app.services.io import batches
from app.services.io.profiles import profile_parameter
from app.services.scope import area_scope
from app.sql import script, statement
from geo import identity
from geo.codes import OUTSIDE_AREA, kecamatan_digits
from geo.coverage import ENROLLMENT_SPEC, EnrollmentRow, validate_row
from geo.errors import ImportRejected, NotFound
from geo.io import ColumnProfile, Problem, Rejection, RowWarning, file_sha256, open_table

JENIS = "kepesertaan"
PREVIEW = 20
PROGRESS_ROWS = 10_000
STAGE = """
CREATE TEMP TABLE enrollment_stage (
    nomor_baris int, program_id int, id_keluarga text, id_hash bytea, kk_hash bytea,
    kk_mask text, nik_hash bytea, nik_mask text, first_key text, mulai date, selesai date
) ON COMMIT DROP
"""


@dataclass
class EnrollmentImport:
    batch_id: int
    file: str
    total: int = 0
    accepted: int = 0
    rejected: int = 0
    status: dict[str, int] = field(default_factory=dict)
    first_rejections: list[Rejection] = field(default_factory=list)

    warned: int = 0
    suggested: int = 0

    @property
    def unchanged(self) -> int:
        """Accepted rows identical to an enrollment already stored (an earlier upload of the
        same list): skipped, so they are in no status count."""
        return self.accepted - sum(self.status.values())

    def summary(self) -> dict[str, Any]:
        return {"status": self.status, "sudah_ada": self.unchanged,
                "peringatan": self.warned, "saran": self.suggested}


def program_codes(conn: Connection) -> dict[str, int]:
    return {r.kode_program: r.id for r in conn.execute(
        text("SELECT kode_program, id FROM program"))}


def import_enrollments(
    conn: Connection, path: Path, *, key: bytes, user: str, program: str | None = None,
    name: str | None = None, column_map: dict[str, str] | None = None, sheet: str | None = None,
    only_program: bool = False, progress: Callable[[int], None] | None = None,
    profile: ColumnProfile | None = None,
    area_prefixes: tuple[str, ...] = (),
) -> EnrollmentImport:
    """Import one enrollment file; ``program`` is the default for rows without kode_program
    (and, with ``only_program``, the only program the file may hold). ``progress`` is told
    the rows read, every ``PROGRESS_ROWS`` rows and at the end of the file. Rows left
    unmatched get probable-match suggestions (``app.services.coverage.suggestions``).

    An uploader bound to ``area_prefixes`` enrolls only households of their area: a row that
    matches none there is refused (``OUTSIDE_AREA``), whether its household lies elsewhere or
    does not exist, so neither the refusal nor the counts tell which."""
    label = name or path.name
    programs = program_codes(conn)
    if program is not None and program not in programs:
        raise NotFound(f"Program '{program}' tidak ditemukan.", {"program": program})
    order = profile.date_order if profile else "dmy"
    with open_table(path, ENROLLMENT_SPEC, column_map, sheet, label, kind=JENIS,
                    profile=profile) as table:
        if program is None and "kode_program" not in table.index:
            raise ImportRejected(
                f"Berkas {label}: kolom kode_program tidak ada; tambahkan kolom itu atau pilih "
                "program untuk seluruh berkas (--program).", {"berkas": label})
        batch_id = batches.start_batch(conn, JENIS, label, file_sha256(path), user,
                                       {"program": program, "kolom": column_map or {},
                                        **profile_parameter(profile)})
        result = EnrollmentImport(batch_id, label)
        accepted: list[EnrollmentRow] = []
        rejections: list[Rejection] = []
        originals: dict[int, dict[str, str]] = {}  # accepted rows, for an area-bound refusal
        for row in table.rows():
            checked = validate_row(row.number, row.values, row.original, programs, program,
                                   only_program, order)
            if isinstance(checked, Rejection):
                rejections.append(checked)
            else:
                accepted.append(checked)
                if area_prefixes:
                    originals[row.number] = dict(row.original)
            if progress and (len(accepted) + len(rejections)) % PROGRESS_ROWS == 0:
                progress(PROGRESS_ROWS)
    if progress:
        progress((len(accepted) + len(rejections)) % PROGRESS_ROWS)
    result.total = len(accepted) + len(rejections)
    warnings = [RowWarning(r.number, list(r.warnings)) for r in accepted if r.warnings]
    batches.store_warnings(conn, batch_id, warnings)
    result.warned = len(warnings)
    _stage(conn, accepted, key)
    rejections += _match(conn, batch_id, area_prefixes, originals)
    result.rejected = len(rejections)
    result.accepted = result.total - result.rejected
    result.first_rejections = sorted(rejections, key=lambda r: r.row_number)[:PREVIEW]
    batches.store_rejections(conn, batch_id, rejections)
    conn.execute(text("DROP TABLE enrollment_stage, enrollment_match"))
    touched = conn.execute(text(
        "SELECT DISTINCT household_id FROM enrollment WHERE batch_id = :b "
        "AND household_id IS NOT NULL"), {"b": batch_id}).scalars().all()
    if touched:
        rebuild_segments(conn, touched, merge_steps=True)
    result.suggested = suggest_for_batch(conn, batch_id, accepted, key)
    result.status = {r.status: int(r.n) for r in conn.execute(text(
        "SELECT status, count(DISTINCT nomor_baris) AS n FROM enrollment WHERE batch_id = :b "
        "GROUP BY status"), {"b": batch_id})}
    batches.finish_batch(conn, batch_id, total=result.total, accepted=result.accepted,
                         rejected=result.rejected, summary=result.summary())
    return result


def _stage(conn: Connection, rows: list[EnrollmentRow], key: bytes) -> None:
    # Several imports may share one transaction (demo-load, tests): start from a clean slate.
    conn.execute(text("DROP TABLE IF EXISTS enrollment_stage, enrollment_match"))
    conn.execute(text(STAGE))
    dbapi = conn.connection.driver_connection
    with dbapi.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
        "COPY enrollment_stage FROM STDIN"
    ) as copy:
        for r in rows:
            copy.write_row((
                r.number, r.program_id, r.id_keluarga,
                _id_digest(key, r.id_keluarga) if r.id_keluarga else None,
                identity.digest(key, r.no_kk) if r.no_kk else None,
                identity.mask(r.no_kk) if r.no_kk else None,
                identity.digest(key, r.nik) if r.nik else None,
                identity.mask(r.nik) if r.nik else None,
                r.first_key, r.mulai, r.selesai,
            ))
    conn.execute(text("ANALYZE enrollment_stage"))


def _id_digest(key: bytes, id_keluarga: str) -> bytes:
    """HMAC of a registry ID (any text, UTF-8): lets re-imports recognise the same row."""
    return hmac.new(key, id_keluarga.encode("utf-8"), hashlib.sha256).digest()


def _match(conn: Connection, batch_id: int, area_prefixes: tuple[str, ...],
           originals: dict[int, dict[str, str]]) -> list[Rejection]:
    """Match and store the staged rows; for an area-bound uploader, the rows that matched no
    household of their area are taken out first and returned refused."""
    first, *rest = script("coverage/enrollment_match.sql")
    params = {"batch": batch_id, "area_patterns": area_scope(area_prefixes)["area_patterns"]}
    conn.execute(text(first), params)
    refused: list[Rejection] = []
    if area_prefixes:
        numbers = conn.execute(text(
            "DELETE FROM enrollment_stage st WHERE NOT EXISTS (SELECT 1 FROM enrollment_match "
            "m WHERE m.nomor_baris = st.nomor_baris) RETURNING st.nomor_baris")).scalars().all()
        refused = [Rejection(n, [Problem(None, f"rumah tangga {OUTSIDE_AREA}")], originals[n])
                   for n in sorted(numbers)]
    for sql in rest:
        conn.execute(text(sql), params)
    return refused


def unmatched_rows(conn: Connection, *, program: str | None = None, agency: str | None = None,
                   batch_id: int | None = None,
                   area_prefixes: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Unmatched and ambiguous enrollment rows (masked keys), for the agency to correct.

    ``area_prefixes`` scopes a row with a household (ambiguous) by that household's kelurahan;
    an unmatched row has none, so by the region digits its NIK/No. KK begins with (province,
    kab/kota, kecamatan of registration), the only place it can be said to belong to."""
    rows = conn.execute(text(statement("coverage/unmatched_rows.sql")), {
        "prog": program, "ag": agency, "batch": batch_id,
        **area_scope(area_prefixes),
        "digits": [kecamatan_digits(p) for p in area_prefixes]})
    return [dict(r._mapping) for r in rows]
