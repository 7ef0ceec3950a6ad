"""The kinds of file a person may upload, who may upload each, and who may read a batch's
rejected rows. One place for these rules: the import API routers and the upload page ask here.

- households (``rumah_tangga``): roles that may import the registry (admin, analyst);
- programs (``program``): admins;
- enrollments (``kepesertaan``): admins and analysts for any program; an agency officer only a
  file for one program of the officer's own agency.
Rejected rows hold names and addresses: registry batches are read by roles that may see
persons, and an area-bound user reads only the batches they uploaded (a rejected row has no
trustworthy area: its kelurahan code may be the very problem). An enrollment batch is read by
its program's agency and by admins and analysts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from app.principal import Principal
from app.services.coverage import programs
from app.services.coverage.enrollments import JENIS as ENROLLMENTS
from app.services.coverage.programs import JENIS as PROGRAMS
from app.services.registry.households import JENIS as HOUSEHOLDS
from geo.coverage import ENROLLMENT_SPEC, PROGRAM_SPEC
from geo.errors import InvalidInput, PermissionDenied
from geo.io import ColumnSpec
from geo.registry import HOUSEHOLD_SPEC


@dataclass(frozen=True)
class UploadKind:
    key: str  # the batch's ``jenis``
    label: str
    spec: ColumnSpec


KINDS = {
    HOUSEHOLDS: UploadKind(HOUSEHOLDS, "Rumah tangga (registri DTKS/DTSEN)", HOUSEHOLD_SPEC),
    PROGRAMS: UploadKind(PROGRAMS, "Program", PROGRAM_SPEC),
    ENROLLMENTS: UploadKind(ENROLLMENTS, "Kepesertaan program (daftar penerima)",
                            ENROLLMENT_SPEC),
}


def kind(key: str) -> UploadKind:
    if key not in KINDS:
        raise InvalidInput(f"Jenis unggahan '{key}' tidak dikenal.", {"kolom": "jenis"})
    return KINDS[key]


def allowed_kinds(principal: Principal) -> list[UploadKind]:
    """What this principal may upload, in the order the page offers them."""
    allowed = []
    if principal.can_import:
        allowed.append(KINDS[HOUSEHOLDS])
    if principal.can_admin:
        allowed.append(KINDS[PROGRAMS])
    if principal.can_import or (principal.role == "agency" and principal.agency_kode):
        allowed.append(KINDS[ENROLLMENTS])
    return allowed


def enrollment_programs(conn: Connection, principal: Principal) -> list[dict[str, Any]]:
    """Programs whose enrollments this principal may upload: every program for registry
    roles, the agency's own programs for an agency officer, none otherwise."""
    if principal.can_import:
        return programs.list_programs(conn)
    if principal.role == "agency" and principal.agency_kode:
        return programs.list_programs(conn, principal.agency_kode)
    return []


def require_registry_role(principal: Principal) -> None:
    # Registry files and their rejected rows hold names and addresses: persons.
    if not principal.can_see_persons:
        raise PermissionDenied("Peran Anda tidak boleh mengimpor atau melihat data perorangan.")


def require_enrollment_upload(conn: Connection, principal: Principal,
                              program: str | None) -> None:
    """Admins/analysts import any file; an agency only a file for one program of its own."""
    if principal.can_import:
        return
    if program is None or not principal.sees_agency(
            programs.get_program(conn, program)["instansi"]):
        raise PermissionDenied("Instansi hanya boleh mengunggah kepesertaan program sendiri "
                               "(pilih kode program).")


def require_upload(conn: Connection, principal: Principal, key: str,
                   program: str | None = None) -> None:
    if key == HOUSEHOLDS:
        require_registry_role(principal)
    elif key == PROGRAMS:
        principal.require(principal.can_admin, "mengimpor program")
    elif key == ENROLLMENTS:
        require_enrollment_upload(conn, principal, program)
    else:
        kind(key)


def require_registry_batch(principal: Principal, batch: dict[str, Any]) -> None:
    """Rejected rows of a registry (or program) batch."""
    require_registry_role(principal)
    if principal.area_prefixes and batch["pengguna"] != principal.username:
        raise PermissionDenied("Baris yang ditolak hanya dapat dibaca pengunggahnya dan admin: "
                               "baris itu belum tentu punya wilayah yang sah.")


def require_enrollment_batch(conn: Connection, principal: Principal,
                             batch: dict[str, Any]) -> None:
    """Rejected rows of an enrollment batch: its program's agency, admins and analysts (NIK
    and No. KK are masked in them); an area-bound analyst only those of an own upload, as for
    the registry (a rejected row has no household, so no area to scope it by)."""
    program = (batch["parameter"] or {}).get("program")
    owner = programs.get_program(conn, program)["instansi"] if program else None
    if batch["jenis"] != ENROLLMENTS or not principal.sees_agency(owner):
        raise PermissionDenied("Batch ini bukan kepesertaan instansi Anda.")
    if principal.can_see_persons and principal.area_prefixes:
        require_registry_batch(principal, batch)


def require_batch_access(conn: Connection, principal: Principal, batch: dict[str, Any]) -> None:
    """A batch's result and rejected rows, whatever its kind."""
    if batch["jenis"] == ENROLLMENTS and not principal.can_see_persons:
        require_enrollment_batch(conn, principal, batch)
    else:
        require_registry_batch(principal, batch)
