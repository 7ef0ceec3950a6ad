"""Whole SQL statements, one per file, grouped by room (``coverage/``, ``registry/``, ...).

Statements carry bound parameters only (``:ref``, ``:desil``, ``:area_patterns``...), never
text glued in by Python, so the file is the statement that runs. ``statement(name)`` reads one
(cached) without its whole-line ``--`` comments, which are for the reader: SQLAlchemy would take
a ``:name`` in a comment for a parameter. ``script(name)`` splits a file of several statements
separated by ``;`` at line ends.

The one shared predicate is written out in each statement rather than glued: "in the caller's
scope" is ``(CAST(:area_patterns AS text[]) IS NULL OR (<code> ~>=~ CAST(:area_from AS text) AND
<code> ~<~ CAST(:area_to AS text) AND <code> LIKE ANY (CAST(:area_patterns AS text[]))))``, its
parameters built by ``app.services.scope.area_scope`` (why that form: its docstring).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

HERE = Path(__file__).resolve().parent


@cache
def statement(name: str) -> str:
    """The SQL of ``app/sql/<name>`` (e.g. ``"coverage/segments_by_area.sql"``)."""
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("--")).strip()


def script(name: str) -> list[str]:
    """The statements of a multi-statement file."""
    return [s.strip() for s in statement(name).split(";\n") if s.strip()]


def fetch_rows(conn: Connection, name: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """All rows of statement ``name`` as plain tuples, transferred in PostgreSQL's binary
    format: for statements returning many rows to Python (the hexagon cells and points),
    where SQLAlchemy's row objects and text parsing cost more than the query (1.5 s against
    0.9 s for 340,000 rows in bench_map at 1 M). Same bound parameters."""
    compiled = text(statement(name)).compile(dialect=conn.dialect)
    dbapi = conn.connection.driver_connection
    with dbapi.cursor(binary=True) as cursor:  # type: ignore[union-attr]
        cursor.execute(compiled.string, compiled.construct_params(params))
        return cursor.fetchall()
