"""The coverage table people read and download: one level's rows under a parent, the kecamatan
of each kelurahan, covered households per program on demand, and the total row computed from
the unsuppressed rows, or the protected publication's for roles without person access
(``app.services.coverage.publication``). Used by the table page and the exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from app.services.coverage.figures import coverage_by_area
from app.services.coverage.programs import list_programs
from app.services.coverage.published import CoveragePublication
from app.services.wilayah import area_names
from geo.coverage import LEVEL_LENGTH, total_row
from geo.errors import PermissionDenied

COLUMNS = (
    ("kode", "Kode wilayah"), ("nama", "Nama wilayah"), ("targets", "Sasaran (RT)"),
    ("covered", "Tercakup (RT)"), ("overlap", "Tumpang tindih ≥ 2 program"),
    ("overlap_agency", "Tumpang tindih ≥ 2 instansi"), ("gap", "Kesenjangan (RT)"),
    ("coverage_rate", "Tingkat cakupan"), ("leakage", "Kebocoran (kepesertaan)"),
    ("leakage_households", "Kebocoran (RT)"),
)
PROGRAM_KEY = "tercakup:"  # + kode_program: covered target households of that program


@dataclass
class CoverageTable:
    """``columns``: (key, label) in order; ``rows`` and ``total`` as the caller may see them."""

    level: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]
    total: dict[str, Any]
    programs: list[str] = field(default_factory=list)


def coverage_table(
    pub: CoveragePublication, *, level: str, parent: str | None = None,
    program: str | None = None, agency: str | None = None, per_program: bool = False,
) -> CoverageTable:
    """The table of ``level`` under ``parent`` as ``pub``'s principal may receive it: rows and
    the ``Jumlah`` row from the protected publication for roles without person access (which
    refuses them a program or agency filter and per-program columns: per-area figures of one
    program tie the tables together through the household mix), the service's own rows and
    their sum for the others."""
    if per_program and pub.protected:
        raise PermissionDenied("Kolom per program untuk tiap wilayah hanya untuk peran yang "
                               "boleh melihat data perorangan.")
    rows = pub.areas(level, parent, program=program, agency=agency)
    columns = list(COLUMNS)
    if level == "kelurahan":
        _add_kecamatan(pub.conn, rows)
        columns.insert(2, ("kecamatan", "Kecamatan"))
    codes: list[str] = []
    if per_program:
        q: dict[str, Any] = {"parent": parent, "ref_date": pub.ref_date,
                             "desil_max": pub.desil_max, "agency": agency,
                             "area_prefixes": pub.principal.area_prefixes}
        codes = [p["kode_program"] for p in list_programs(pub.conn, agency)
                 if program is None or p["kode_program"] == program]
        _add_programs(pub.conn, rows, level, q, codes)
        columns += [(PROGRAM_KEY + c, f"Tercakup {c} (RT)") for c in codes]
    if pub.protected:
        total = {**pub.total(parent), "kode": None, "nama": "Jumlah"}
    else:
        total = total_row(rows)
        for c in codes:
            total[PROGRAM_KEY + c] = sum(int(r[PROGRAM_KEY + c]) for r in rows)
    return CoverageTable(level, columns, rows, total, codes)


def _add_kecamatan(conn: Connection, rows: list[dict[str, Any]]) -> None:
    length = LEVEL_LENGTH["kecamatan"]
    names = area_names(conn, sorted({r["kode"][:length] for r in rows}))
    for r in rows:
        r["kecamatan"] = names.get(r["kode"][:length], r["kode"][:length])


def _add_programs(conn: Connection, rows: list[dict[str, Any]], level: str, q: dict[str, Any],
                  codes: list[str]) -> None:
    for code in codes:
        covered = {r["kode"]: r["covered"]
                   for r in coverage_by_area(conn, level=level, program=code, **q)}
        for r in rows:
            r[PROGRAM_KEY + code] = int(covered.get(r["kode"], 0))
