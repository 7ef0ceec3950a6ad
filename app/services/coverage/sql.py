"""What every coverage statement (``app/sql/coverage/*.sql``) is given: the ``Query`` parameters
(reference date, desil threshold, the program/agency filter resolved to program ids, the
caller's area scope as LIKE patterns) and small lookups shared by the coverage services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from app.clock import today
from app.services.scope import area_scope
from geo.coverage import check_desil
from geo.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Query:
    """Parameters of every coverage figure."""

    ref_date: date
    desil_max: int = 4
    program: str | None = None
    agency: str | None = None
    parent: str | None = None
    area_prefixes: tuple[str, ...] = ()

    def params(self, conn: Connection) -> dict[str, Any]:
        check_desil(self.desil_max)
        return {
            "ref": self.ref_date, "desil": self.desil_max, "pids": program_filter(conn, self),
            **area_scope(self.area_prefixes, self.parent),
        }

    @property
    def scoped(self) -> bool:
        return bool(self.parent or self.area_prefixes)


def make_query(ref_date: date | None, desil_max: int, program: str | None, agency: str | None,
               parent: str | None, area_prefixes: tuple[str, ...]) -> Query:
    return Query(ref_date or today(), desil_max, program or None, agency or None,
                 parent or None, tuple(area_prefixes))


def program_filter(conn: Connection, q: Query) -> list[int] | None:
    """Program ids the figures are restricted to (None = all programs)."""
    if q.program is None and q.agency is None:
        return None
    ids = conn.execute(
        text("SELECT id FROM program WHERE (CAST(:prog AS text) IS NULL OR kode_program = :prog) "
             "AND (CAST(:ag AS text) IS NULL OR instansi = :ag)"),
        {"prog": q.program, "ag": q.agency},
    ).scalars().all()
    if not ids and q.program is not None:
        raise NotFound(f"Program '{q.program}' tidak ditemukan.", {"program": q.program})
    if not ids and not conn.execute(text("SELECT 1 FROM agency WHERE kode = :ag"),
                                    {"ag": q.agency}).first():
        raise NotFound(f"Instansi '{q.agency}' tidak ditemukan.", {"instansi": q.agency})
    return list(ids)


def check_parent(parent: str | None) -> None:
    if parent is not None and (not parent or len(parent) > 13):
        raise InvalidInput(f"Kode induk '{parent}' tidak sah.", {"parent": parent})
