"""Running one upload of any kind with the same service functions, checks and audit records
the import API and CLI use; the caller supplies the transaction (a background job's own)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from app.principal import Principal
from app.services.access import audit
from app.services.coverage import import_enrollments, import_programs
from app.services.coverage.enrollments import JENIS as ENROLLMENTS
from app.services.coverage.programs import JENIS as PROGRAMS
from app.services.registry import import_households
from app.services.uploads.kinds import require_upload
from geo.io import ColumnProfile


@dataclass(frozen=True)
class UploadRequest:
    kind: str
    path: Path
    name: str
    column_map: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    program: str | None = None  # enrollments: the program of rows without kode_program
    profile: ColumnProfile | None = None  # an agency layout (app.services.io.profiles)


def run_upload(conn: Connection, request: UploadRequest, principal: Principal, key: bytes,
               progress: Callable[[int], None] | None = None) -> int:
    """Check the principal may upload this, import it, audit it; returns the batch id."""
    require_upload(conn, principal, request.kind, request.program)
    user, name, sheet, columns = principal.username, request.name, request.sheet, \
        request.column_map
    if request.kind == PROGRAMS:
        programs = import_programs(conn, request.path, user=user, name=name, sheet=sheet,
                                   column_map=columns, profile=request.profile)
        batch_id, file, accepted = programs["batch_id"], programs["file"], programs["accepted"]
        action, detail = "program.import", {"berkas": file}
        if progress:
            progress(programs["accepted"] + programs["rejected"])
    elif request.kind == ENROLLMENTS:
        enrollments = import_enrollments(
            conn, request.path, key=key, user=user, program=request.program, name=name,
            column_map=columns, sheet=sheet, only_program=not principal.can_import,
            progress=progress, profile=request.profile,
            area_prefixes=principal.area_prefixes)
        batch_id, file, accepted = enrollments.batch_id, enrollments.file, enrollments.accepted
        action, detail = "enrollment.import", {"berkas": file, "program": request.program}
    else:
        households = import_households(conn, request.path, key=key, user=user, name=name,
                                       column_map=columns, sheet=sheet, progress=progress,
                                       profile=request.profile,
                                       area_prefixes=principal.area_prefixes)
        batch_id, file, accepted = households.batch_id, households.file, households.accepted
        action, detail = "household.import", {"berkas": file}
    audit.record(conn, principal, action, f"batch:{batch_id}", detail, accepted)
    return batch_id
