"""Person lists (gap and leakage households) and FGT poverty indices per area.

The lists hold names and addresses: callers check ``principal.can_see_persons`` and write the
audit log. Identity numbers appear only masked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from app.services.coverage.poverty_sums import sums_by_area
from app.services.coverage.sql import make_query
from app.services.scope import area_scope
from app.services.wilayah import area_names
from app.sql import statement
from geo.coverage import check_level, check_line, fgt_from_sums


def gap_list(
    conn: Connection, *, ref_date: date | None = None, desil_max: int = 4,
    parent: str | None = None, program: str | None = None, agency: str | None = None,
    area_prefixes: tuple[str, ...] = (), limit: int | None = None, offset: int = 0,
) -> list[dict[str, Any]]:
    """Target households with no active enrollment (in the filter's programs), poorest first:
    desil, then expenditure per capita, then larger households first."""
    q = make_query(ref_date, desil_max, program, agency, parent, area_prefixes)
    params = {**q.params(conn), "limit": limit, "offset": offset}
    return [dict(r._mapping) for r in conn.execute(
        text(statement("coverage/gap_households.sql")), params)]


def leakage_list(
    conn: Connection, *, ref_date: date | None = None, desil_max: int = 4,
    parent: str | None = None, program: str | None = None, agency: str | None = None,
    area_prefixes: tuple[str, ...] = (), limit: int | None = None, offset: int = 0,
) -> list[dict[str, Any]]:
    """Non-target households with an active enrollment, with the programs concerned."""
    q = make_query(ref_date, desil_max, program, agency, parent, area_prefixes)
    params = {**q.params(conn), "limit": limit, "offset": offset}
    return [dict(r._mapping) for r in conn.execute(
        text(statement("coverage/leakage_households.sql")), params)]


def poverty_by_area(
    conn: Connection, *, level: str, parent: str | None, line: float,
    area_prefixes: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """FGT P0/P1/P2, person-weighted, over every accepted household of the area whatever its
    status; households without expenditure are left out and counted. Summed from the stored
    per-kelurahan sums where they hold (``poverty_sums``)."""
    rows = sums_by_area(conn, {"line": check_line(line), "code_length": check_level(level),
                               **area_scope(area_prefixes, parent)})
    names = area_names(conn, [r["kode"] for r in rows])
    return [{
        "kode": r["kode"], "nama": names.get(r["kode"]), "level": level,
        **fgt_from_sums(r["persons"], r["gap_sum"], r["gap_sq_sum"], r["poor_persons"]),
        "persons": int(r["persons"]), "households": int(r["households"]),
        "households_without_expenditure": int(r["households_without_expenditure"]),
        "poor_households": int(r["poor_households"]),
    } for r in rows]
