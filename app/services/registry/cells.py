"""Households' stored H3 cells (``household.h3_cell``, ``geo.hexagons``) filled in where
missing: households loaded before the column existed, or written by other means (the
benchmark data sets are generated in SQL). Imports store the cell themselves."""

from __future__ import annotations

from sqlalchemy import Connection, text

from geo.hexagons import cells_of

CHUNK = 200_000  # ~30 MB of ids, points and cells in Python at a time


def fill_missing_cells(conn: Connection) -> int:
    """Store the cell of every household that has a point but no cell; returns the count.
    Pages by id from where the last chunk ended (the primary key), not by rescanning the
    table for the rows still missing one: 50 scans of the whole registry at 10 M."""
    filled, after = 0, 0
    while True:
        rows = conn.execute(text(
            "SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM household "
            "WHERE id > :after AND h3_cell IS NULL AND geom IS NOT NULL ORDER BY id LIMIT :n"),
            {"after": after, "n": CHUNK}).all()
        if not rows:
            return filled
        ids = [r.id for r in rows]
        cells = cells_of([r.lon for r in rows], [r.lat for r in rows])
        conn.execute(text(
            "UPDATE household h SET h3_cell = c.cell "
            "FROM unnest(CAST(:ids AS bigint[]), CAST(:cells AS bigint[])) AS c(id, cell) "
            "WHERE h.id = c.id"), {"ids": ids, "cells": cells})
        filled, after = filled + len(rows), ids[-1]
