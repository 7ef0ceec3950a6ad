"""FGT sums per kelurahan, stored for one poverty line (migration 0020).

P0-P2 of an area are ratios of sums over its households (persons, poor persons, poverty gaps),
and those sums add up over kelurahan. Each kelurahan's sums for the line of record are kept in
``poverty_kelurahan`` and rewritten by the coverage refresh (``refresh_poverty``, called by
``refresh_steps``); an area's indices then add up its kelurahan's rows instead of reading every
household (a kab/kota of 2.1 M households: 2.3-3.6 s). Exactness rule: a kelurahan whose
households changed since its sums were written is counted from the registry instead, as every
kelurahan is when the line asked for is not the stored one. Changed means marked stale:

- ``coverage_stale`` (households inserted or deleted, by trigger; ``*`` after a truncate or a
  first load);
- ``poverty_stale``: an upsert import changing a household's kelurahan, size or expenditure
  (``registry/poverty_touched.sql``), ``*`` after a bulk upsert or a re-geocode
  (``registry/poverty_mark_all.sql``).

As with the coverage steps, a change made by hand in the database is not seen; ``sasaran
coverage refresh`` rewrites the marked kelurahan, and every kelurahan when the configured line
is not the stored one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from app.db.citus import KABKOTA_LENGTH
from app.settings import Settings
from app.sql import statement

EVERY_KELURAHAN = "*"
# The line stored until a refresh is told another (``sasaran coverage refresh`` passes the
# configured one).
DEFAULT_LINE = float(Settings.model_fields["poverty_line"].default)
SUMS = ("households", "persons", "households_without_expenditure", "poor_persons",
        "poor_households", "gap_sum", "gap_sq_sum")
COLUMNS = ", ".join(SUMS)


def stored_line(conn: Connection) -> float | None:
    value = conn.execute(text("SELECT garis FROM poverty_kelurahan LIMIT 1")).scalar()
    return None if value is None else float(value)


def pending_codes(conn: Connection, line: float) -> list[str] | None:
    """The kelurahan to count from the registry when answering ``line`` from the stored sums;
    None when the stored sums cannot answer it (another line, or every kelurahan marked)."""
    if stored_line(conn) != line:
        return None
    marked = set(conn.execute(text(
        "SELECT kode_kelurahan FROM coverage_stale "
        "UNION SELECT kode_kelurahan FROM poverty_stale")).scalars())
    return None if EVERY_KELURAHAN in marked else sorted(marked)


def refresh_poverty(conn: Connection, codes: Sequence[str] | None,
                    line: float | None = None) -> None:
    """Rewrite the stored sums of the kelurahan ``codes`` and of those marked in
    ``poverty_stale``, clearing their marks, for ``line`` (default: the line stored, else the
    settings' default). Every kelurahan is rewritten when ``codes`` is None or holds ``*``, when
    a ``*`` mark is present, or when nothing or another line is stored."""
    stored = stored_line(conn)
    line = float(line or stored or DEFAULT_LINE)
    marked = set(conn.execute(text("SELECT kode_kelurahan FROM poverty_stale")).scalars())
    wanted = marked | set(codes or ())
    everything = codes is None or stored is None or stored != line or EVERY_KELURAHAN in wanted
    if not everything and not wanted:
        return
    chosen = [] if everything else sorted(wanted)
    params: dict[str, Any] = {
        "all": everything, "codes": chosen,
        "kabs": sorted({code[:KABKOTA_LENGTH] for code in chosen})}
    where = ("CAST(:all AS boolean) OR (kode_kabkota = ANY (CAST(:kabs AS text[])) "
             "AND kode_kelurahan = ANY (CAST(:codes AS text[])))")
    for table in ("poverty_kelurahan", "poverty_stale"):
        conn.execute(text(f"DELETE FROM {table} WHERE {where}"), params)
    conn.execute(text(
        f"INSERT INTO poverty_kelurahan (kode_kabkota, kode_kelurahan, garis, {COLUMNS}) "
        f"SELECT left(kode, {KABKOTA_LENGTH}), kode, CAST(:line AS numeric), {COLUMNS} "
        f"FROM ({statement('coverage/poverty_by_area.sql')}) AS per_kelurahan"), {
        "line": line, "code_length": 13, "area_patterns": None, "area_from": None,
        "area_to": None, "area_kabs": None if everything else params["kabs"],
        "only": None if everything else chosen})


def adopt_line(conn: Connection, line: float) -> bool:
    """Rewrite every kelurahan's sums for ``line`` when sums for another line are stored (the
    deployment's configured line is not the default, or was changed); True when it did. Until
    then ``line``'s indices are exact but counted from the registry. Nothing stored yet (no
    refresh since the registry was loaded): nothing to adopt, the next refresh writes them."""
    stored = stored_line(conn)
    if stored is None or stored == float(line):
        return False
    refresh_poverty(conn, [], line)
    return True


def sums_by_area(conn: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The FGT sums per area of ``coverage/poverty_by_area.sql``'s ``params`` (without
    ``only``): from the stored sums where they hold, from the registry elsewhere."""
    pending = pending_codes(conn, params["line"])
    if pending is None:
        return _rows(conn, "coverage/poverty_by_area.sql", {**params, "only": None})
    rows = _rows(conn, "coverage/poverty_stored.sql", {**params, "pending": pending})
    if pending:
        rows += _rows(conn, "coverage/poverty_by_area.sql", {**params, "only": pending})
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        into = merged.setdefault(row["kode"], {"kode": row["kode"], **dict.fromkeys(SUMS, 0)})
        for name in SUMS:
            into[name] += row[name]
    return [merged[kode] for kode in sorted(merged)]


def _rows(conn: Connection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(statement(name)), params)]
