"""Members file import: one row per person, linked to a household by ``id_keluarga``.

The members listed for a household replace the ones it had before (the file is that
household's current family card); households the file does not mention keep theirs. NIK is
stored only as an HMAC digest and a mask.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, text

from app.services.io import batches
from app.services.io.profiles import profile_parameter
from app.services.scope import area_scope
from geo import identity
from geo.io import ColumnProfile, Rejection, file_sha256, open_table
from geo.registry import MEMBER_SPEC, ValidMembers, validate_members

JENIS = "anggota"
PREVIEW = 20
MEMBER_COLUMNS = ("household_id, nik_hash, nik_mask, nama, hubungan, jenis_kelamin, "
                  "tanggal_lahir, disabilitas, batch_id, kode_kabkota")


@dataclass
class MemberImportResult:
    batch_id: int
    file: str
    total: int = 0
    accepted: int = 0
    rejected: int = 0
    first_rejections: list[Rejection] = field(default_factory=list)
    warned: int = 0


def import_members(
    conn: Connection, path: str | Path, *, key: bytes, user: str, name: str | None = None,
    column_map: dict[str, str] | None = None, sheet: str | None = None,
    households_batch: int | None = None, chunk_size: int = 100_000,
    profile: ColumnProfile | None = None,
    area_prefixes: tuple[str, ...] = (),
) -> MemberImportResult:
    """Import a members file in the caller's transaction (households must be loaded first).
    An uploader bound to ``area_prefixes`` can only write members of households there."""
    with open_table(path, MEMBER_SPEC, column_map, sheet, name, kind=JENIS,
                    profile=profile) as table:
        batch_id = batches.start_batch(
            conn, JENIS, table.name, file_sha256(path), user,
            {"kolom": column_map or {}, "lembar": sheet, "batch_rumah_tangga": households_batch,
             **profile_parameter(profile)},
        )
        result = MemberImportResult(batch_id, table.name)
        seen: dict[tuple[str, str], int] = {}
        for chunk in table.chunks(chunk_size):
            known, kabkota = _household_ids(conn, chunk.column("id_keluarga"), area_prefixes)
            members, rejections = validate_members(
                chunk, known, seen, profile.date_order if profile else "dmy",
                area_bound=bool(area_prefixes))
            batches.store_rejections(conn, batch_id, rejections)
            batches.store_warnings(conn, batch_id, members.warnings)
            result.warned += len(members.warnings)
            _replace_members(conn, batch_id, members, key, kabkota)
            result.total += len(chunk)
            result.accepted += len(members)
            result.rejected += len(rejections)
            room = max(PREVIEW - len(result.first_rejections), 0)
            result.first_rejections.extend(rejections[:room])
    batches.finish_batch(conn, batch_id, total=result.total, accepted=result.accepted,
                         rejected=result.rejected, summary={"peringatan": result.warned})
    return result


def _household_ids(conn: Connection, keys: list[str], area_prefixes: tuple[str, ...]
                   ) -> tuple[dict[str, int], dict[int, str]]:
    """The households of these ids (id_keluarga -> id) and their kab/kota (id -> code); for an
    area-bound uploader only those of their area."""
    rows = conn.execute(
        text("SELECT id_keluarga, id, kode_kabkota FROM household "
             "WHERE id_keluarga = ANY (:keys) "
             "AND (CAST(:area_patterns AS text[]) IS NULL "
             "OR kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[])))"),
        {"keys": sorted(set(keys)), "area_patterns": area_scope(area_prefixes)["area_patterns"]},
    ).all()
    return {r.id_keluarga: r.id for r in rows}, {r.id: r.kode_kabkota for r in rows}


def _replace_members(conn: Connection, batch_id: int, members: ValidMembers, key: bytes,
                     kabkota: dict[int, str]) -> None:
    if not len(members):
        return
    ids = sorted(set(members.household_id))
    conn.execute(
        text("DELETE FROM member WHERE kode_kabkota = ANY (:kabs) AND household_id = ANY (:ids) "
             "AND batch_id IS DISTINCT FROM :batch"),
        {"kabs": sorted({kabkota[i] for i in ids}), "ids": ids, "batch": batch_id},
    )
    columns = (
        members.household_id, ["\\x" + d.hex() for d in identity.digest_many(key, members.nik)],
        identity.mask_many(members.nik), _no_nul(members.nama),
        _no_nul(members.hubungan),
        members.jenis_kelamin, members.tanggal_lahir, members.disabilitas,
        [batch_id] * len(members), [kabkota[i] for i in members.household_id],
    )
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(zip(*columns, strict=True))
    dbapi = conn.connection.driver_connection
    with dbapi.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
        f"COPY member ({MEMBER_COLUMNS}) FROM STDIN WITH (FORMAT csv)"
    ) as copy:
        copy.write(buffer.getvalue())


def _no_nul(values: list[str]) -> list[str]:
    """PostgreSQL text cannot hold NUL; a stray one must not fail the COPY."""
    return [v.replace("\x00", "") for v in values]
