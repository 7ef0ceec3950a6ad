"""The officer's side of match suggestions: list them, confirm or reject one.

Confirming turns the unmatched enrollment row into a matched enrollment of that household (its
coverage segments rebuilt); the row's other suggestions are closed. Rejecting records the pair
(the row's key digest, the household) so that it is never suggested again, for any program.
Names are only returned with ``with_names`` (roles that may see persons); an agency sees its
own programs' rows, everyone their area's households. ``suggestions_for`` and ``decide_for``
apply those rules to a principal and write the audit rows: the API and the page call them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from app.db.citus import KABKOTA_LENGTH, is_citus
from app.principal import Principal
from app.services.access import audit
from app.services.coverage.segments import rebuild_segments
from app.services.registry import relocate
from app.services.scope import area_scope
from app.sql import statement
from geo.errors import Conflict, NotFound, PermissionDenied

PERSONAL = ("id_keluarga", "nama_kepala", "no_kk_mask", "nik_kepala_mask")
STATUSES = ("baru", "dikonfirmasi", "ditolak", "diganti")


def agency_limit(principal: Principal) -> str | None:
    """Admins and analysts see every program (None); an agency officer only its own agency's;
    other roles are refused."""
    principal.require(principal.can_check, "melihat saran kecocokan")
    return None if principal.can_see_persons else principal.agency_kode or "-"


def suggestions_for(conn: Connection, principal: Principal, *, program: str | None = None,
                    batch_id: int | None = None, status: str = "baru") -> list[dict[str, Any]]:
    """``list_suggestions`` as ``principal`` may see them; the look is audited (the rows are
    persons: masked keys, and names for roles that may see them)."""
    rows = list_suggestions(conn, with_names=principal.can_see_persons,
                            agency=agency_limit(principal), area_prefixes=principal.area_prefixes,
                            program=program, batch_id=batch_id, status=status)
    audit.record(conn, principal, "enrollment.suggestion.read", None,
                 {"program": program, "batch": batch_id, "status": status},
                 sum(len(r["saran"]) for r in rows))
    return rows


def decide_for(conn: Connection, principal: Principal, suggestion_id: int,
               confirm: bool) -> dict[str, Any]:
    """``decide`` within ``principal``'s programs and area, audited."""
    result = decide(conn, suggestion_id, confirm=confirm, user=principal.username,
                    agency=agency_limit(principal), area_prefixes=principal.area_prefixes)
    action = "enrollment.suggestion.confirm" if confirm else "enrollment.suggestion.reject"
    audit.record(conn, principal, action, f"enrollment:{result['enrollment_id']}",
                 {"saran": suggestion_id, "household_id": result["household_id"]}, 1)
    return result


def list_suggestions(conn: Connection, *, with_names: bool, agency: str | None = None,
                     area_prefixes: tuple[str, ...] = (), program: str | None = None,
                     batch_id: int | None = None, status: str = "baru") -> list[dict[str, Any]]:
    """Suggestions grouped by enrollment row, best first."""
    rows = conn.execute(text(statement("coverage/suggestions_list.sql")), {
        "status": status, "agency": agency, "program": program, "batch": batch_id,
        **area_scope(area_prefixes)}).all()
    households = {h.id: h for h in conn.execute(
        text(statement("coverage/suggestion_households.sql")),
        {"ids": sorted({r.household_id for r in rows})})} if with_names and rows else {}
    grouped: dict[int, dict[str, Any]] = {}
    for r in rows:
        entry = grouped.setdefault(r.enrollment_id, {
            "enrollment_id": r.enrollment_id, "batch_id": r.batch_id,
            "nomor_baris": r.nomor_baris, "kode_program": r.kode_program, "kunci": r.kunci,
            "kunci_tampil": r.kunci_tampil, "tanggal_mulai": r.tanggal_mulai, "saran": []})
        suggestion = {"id": r.id, "peringkat": r.peringkat, "skor": r.skor,
                      "alasan": r.alasan, "status": r.status, "kode_kelurahan": r.kode_kelurahan}
        if with_names:
            household = households.get(r.household_id)
            suggestion.update({k: household and getattr(household, k) for k in PERSONAL})
        entry["saran"].append(suggestion)
    return list(grouped.values())


def decide(conn: Connection, suggestion_id: int, *, confirm: bool, user: str,
           agency: str | None = None, area_prefixes: tuple[str, ...] = ()) -> dict[str, Any]:
    """Confirm or reject one undecided suggestion (see the module docstring)."""
    row = conn.execute(text(statement("coverage/suggestion_one.sql")), {
        "id": suggestion_id, **area_scope(area_prefixes)}).first()
    if row is None:
        raise NotFound(f"Saran kecocokan {suggestion_id} tidak ditemukan.")
    enrollment = conn.execute(text(statement("coverage/suggestion_enrollment.sql")),
                              {"id": row.enrollment_id}).first()
    if enrollment is None:  # matched since (the row's suggestions were closed)
        if row.status == "baru":
            raise NotFound(f"Saran kecocokan {suggestion_id} tidak ditemukan.")
        raise Conflict("Saran ini sudah diputuskan.")
    if (agency is not None and enrollment.instansi != agency) or not row.in_scope:
        raise PermissionDenied("Saran ini bukan untuk program atau wilayah Anda.")
    if row.status != "baru":
        raise Conflict("Saran ini sudah diputuskan.")
    status = "dikonfirmasi" if confirm else "ditolak"
    conn.execute(text("UPDATE match_suggestion SET status = :st, diputuskan_oleh = :u, "
                      "diputuskan_pada = now() WHERE id = :id"),
                 {"st": status, "u": user, "id": suggestion_id})
    if confirm:
        _match(conn, row.enrollment_id, row.household_id, row.kode_kelurahan)
        conn.execute(text("UPDATE match_suggestion SET status = 'diganti' WHERE enrollment_id "
                          "= :e AND status = 'baru'"), {"e": row.enrollment_id})
        rebuild_segments(conn, [row.household_id], merge_steps=True)
    elif enrollment.kunci_hash is not None:
        conn.execute(text(
            "INSERT INTO match_rejection (kunci_hash, household_id, kode_kelurahan, pengguna) "
            "VALUES (:k, :h, :kel, :u) ON CONFLICT DO NOTHING"),
            {"k": enrollment.kunci_hash, "h": row.household_id, "kel": row.kode_kelurahan,
             "u": user})
    return {"id": suggestion_id, "status": status, "enrollment_id": row.enrollment_id,
            "nomor_baris": enrollment.nomor_baris, "household_id": row.household_id}


def _match(conn: Connection, enrollment_id: int, household_id: int, kelurahan: str) -> None:
    """The unmatched row becomes an enrollment of ``household_id``, in that household's
    kab/kota (kab/kota '' holds only unmatched rows; coverage joins enrollments to households
    by kab/kota). On Citus the kab/kota is the distribution column, which an UPDATE cannot
    change: the row is copied there under the same id and removed from ''. On one node an
    UPDATE, which keeps the suggestions' foreign key to the row."""
    # Where the suggestion saw it (on Citus routed to one shard); else wherever it went since.
    kabkota = conn.execute(text(
        "SELECT kode_kabkota FROM household WHERE kode_kabkota = :k AND id = :h"),
        {"k": kelurahan[:KABKOTA_LENGTH], "h": household_id}).scalar() or conn.execute(text(
            "SELECT kode_kabkota FROM household WHERE id = :h"), {"h": household_id}).scalar_one()
    params = {"e": enrollment_id, "h": household_id, "k": kabkota}
    if not is_citus(conn):
        conn.execute(text("UPDATE enrollment SET household_id = :h, status = 'matched', "
                          "kode_kabkota = :k WHERE kode_kabkota = '' AND id = :e"), params)
        return
    columns = list(conn.execute(relocate.COLUMNS, {"t": "enrollment"}).scalars())
    values = [{"household_id": ":h", "status": "'matched'", "kode_kabkota": ":k"}.get(c, c)
              for c in columns]
    conn.execute(text(f"INSERT INTO enrollment ({', '.join(columns)}) "
                      f"SELECT {', '.join(values)} FROM enrollment "
                      "WHERE kode_kabkota = '' AND id = :e"), params)
    conn.execute(text("DELETE FROM enrollment WHERE kode_kabkota = '' AND id = :e"), params)
