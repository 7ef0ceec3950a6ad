"""For a chosen pilot area: programs already active there, and the households a new integrated
program would reach (the target households with no active enrollment on the reference date).

Persons are returned only to roles allowed to see them, and every such read is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from app.security import Principal
from app.services import audit

if TYPE_CHECKING:
    from app.services.rollout import Scope

ACTIVE = (
    "e.tanggal_mulai <= :ref AND (e.tanggal_selesai IS NULL OR :ref <= e.tanggal_selesai)"
)
TARGET = "h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil"


def programs_operating(
    conn: Connection, areas: list[str], scope: Scope
) -> list[dict[str, Any]]:
    """Programs with an active enrollment of a target household in the areas, with how many
    target households each serves there."""
    rows = conn.execute(
        text(
            f"""
            SELECT p.kode_program, p.nama, p.instansi,
                   count(DISTINCT h.id) AS rumah_tangga
            FROM household h
            JOIN enrollment e ON e.household_id = h.id AND {ACTIVE}
            JOIN program p ON p.id = e.program_id
            WHERE h.kode_kelurahan = ANY(:areas) AND {TARGET}
            GROUP BY p.kode_program, p.nama, p.instansi
            ORDER BY rumah_tangga DESC, p.kode_program
            """
        ),
        {"areas": areas, "ref": scope.ref_date, "desil": scope.desil_max},
    )
    return [dict(r._mapping) for r in rows]


GAP_HOUSEHOLDS = f"""
    FROM household h
    WHERE h.kode_kelurahan = ANY(:areas) AND {TARGET}
      AND NOT EXISTS (SELECT 1 FROM enrollment e WHERE e.household_id = h.id AND {ACTIVE})
"""


def reach_households(
    conn: Connection, areas: list[str], scope: Scope, principal: Principal
) -> dict[str, Any]:
    """Counts per area always; the list (masked identity, poorest first) only for roles that
    may see persons, recorded in the audit log."""
    params = {"areas": areas, "ref": scope.ref_date, "desil": scope.desil_max}
    counts = {
        r.kode: r.n for r in conn.execute(
            text(f"SELECT h.kode_kelurahan AS kode, count(*) AS n {GAP_HOUSEHOLDS} "
                 "GROUP BY h.kode_kelurahan"), params)
    }
    result: dict[str, Any] = {
        "jumlah": sum(counts.values()),
        "per_wilayah": {k: counts.get(k, 0) for k in areas},
    }
    if not principal.can_see_persons:
        return _suppressed(result) if principal.suppress_small_counts else result
    rows = conn.execute(
        text("SELECT h.id_keluarga, h.nama_kepala, h.nik_kepala_mask, h.no_kk_mask, h.alamat, "
             "h.kode_kelurahan, h.desil, h.jumlah_anggota " + GAP_HOUSEHOLDS +
             " ORDER BY h.desil, h.jumlah_anggota DESC, h.id_keluarga"),
        params,
    )
    result["daftar"] = [dict(r._mapping) for r in rows]
    audit.record(conn, principal, "rollout.pilot_households", ",".join(areas),
                 {"tanggal_acuan": scope.ref_date, "desil_maks": scope.desil_max},
                 rows=len(result["daftar"]))
    return result


def _small(n: int) -> int | str:
    return "<5" if 1 <= n <= 4 else n


def _suppressed(result: dict[str, Any]) -> dict[str, Any]:
    """Counts of 1-4 shown as ``<5`` (domain rule for roles that may not see persons)."""
    return {"jumlah": _small(result["jumlah"]),
            "per_wilayah": {k: _small(n) for k, n in result["per_wilayah"].items()}}
