"""Coverage steps (``app/sql/coverage/steps_refresh.sql``): the segments summed per group
(kelurahan, desil, verified) as step functions of the date. Unfiltered area figures on any date read
one step per group; kelurahan marked stale by a registry change are read from the segments until
``refresh_steps`` runs (at every enrollment import, or ``sasaran coverage refresh``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, text

from app.sql import statement


def refresh_steps(conn: Connection, codes: Sequence[str] | None = None) -> int:
    """Rebuild the steps of the kelurahan ``codes`` (all when None), clearing their stale
    marks; returns the number of step rows written."""
    everything = codes is None
    params = {"all": everything, "codes": list(codes or [])}
    where = "TRUE" if everything else "kode_kelurahan = ANY(CAST(:codes AS text[]))"
    for table in ("coverage_step", "coverage_group", "coverage_stale"):
        conn.execute(text(f"DELETE FROM {table} WHERE {where}"), params)
    written = int(conn.execute(text(statement("coverage/steps_refresh.sql")), params).rowcount or 0)
    conn.execute(text(
        f"INSERT INTO coverage_group (kode_kelurahan, desil, terverifikasi) "
        f"SELECT DISTINCT kode_kelurahan, desil, terverifikasi FROM coverage_step "
        f"WHERE {where}"), params)
    return written


def stale_codes(conn: Connection) -> list[str]:
    return list(conn.execute(text("SELECT kode_kelurahan FROM coverage_stale")).scalars())


def refresh_stale(conn: Connection) -> int:
    """Refresh only the kelurahan a registry change marked stale."""
    codes = stale_codes(conn)
    return refresh_steps(conn, codes) if codes else 0
