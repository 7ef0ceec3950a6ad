"""Writing the audit log: every read that returns a person, and every import, edit and export."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Connection, text

from app import clock
from app.principal import Principal
from app.services.scope import like_escape
from geo.io import csv_cells
from geo.masking import mask_text, mask_value


def record(
    conn: Connection,
    principal: Principal,
    action: str,
    target: str | None = None,
    filters: dict[str, Any] | None = None,
    rows: int = 0,
) -> None:
    """Append one audit row in the caller's transaction (``action`` e.g. ``household.read``)."""
    conn.execute(
        text(
            "INSERT INTO audit_log (pengguna, peran, aksi, sasaran, filter, jumlah_baris) "
            "VALUES (:user, :role, :action, :target, CAST(:filters AS jsonb), :rows)"
        ),
        {
            "user": principal.username,
            "role": principal.role,
            "action": action,
            "target": None if target is None else mask_text(target),
            "filters": json.dumps(mask_value(filters or {}), default=str),
            "rows": rows,
        },
    )


# One statement: claim (user, key, layer, minute) in the guard table, and write the audit row
# only when the claim is new. Nothing is ever updated (audit_log stays append-only); of two
# requests in the same minute exactly one claims it (the other waits on the primary key).
_TILE_READ = text(
    "WITH claim AS ("
    " INSERT INTO audit_petak_menit (pengguna, kunci, lapisan, menit)"
    " VALUES (:user, :key, :layer, date_trunc('minute', now()))"
    " ON CONFLICT DO NOTHING RETURNING menit) "
    "INSERT INTO audit_log (pengguna, peran, aksi, sasaran, filter, jumlah_baris) "
    "SELECT :user, :role, 'map.tile', :target, CAST(:filters AS jsonb), 0 FROM claim"
)


def record_tile_read(conn: Connection, principal: Principal, key: str, layer: str,
                     target: str, filters: dict[str, Any]) -> bool:
    """Audit a household tile read with API key ``key`` (its public prefix): one
    ``map.tile`` row per user, key, layer and minute, holding the minute's first tile
    (``target``) and ``filters`` (the areas the key could see among them). True when this
    read wrote the row."""
    written = conn.execute(_TILE_READ, {
        "user": principal.username, "role": principal.role, "key": key, "layer": layer,
        "target": mask_text(target),
        "filters": json.dumps(mask_value({**filters, "kunci": key}), default=str)})
    return bool(written.rowcount)


AUDIT_COLUMNS = ("id", "waktu", "pengguna", "peran", "aksi", "sasaran", "filter", "jumlah_baris")


def entries(
    conn: Connection, user: str | None = None, action: str | None = None,
    since: datetime | None = None, limit: int | None = None,
) -> list[dict[str, Any]]:
    """Audit rows, newest first; ``action`` matches a prefix (``household`` finds
    ``household.read`` and ``household.import``)."""
    rows = conn.execute(
        text(
            "SELECT id, waktu, pengguna, peran, aksi, sasaran, filter, jumlah_baris "
            "FROM audit_log WHERE (CAST(:user AS text) IS NULL OR pengguna = :user) "
            "AND (CAST(:action AS text) IS NULL OR aksi LIKE :action_prefix) "
            "AND (CAST(:since AS timestamptz) IS NULL OR waktu >= :since) "
            "ORDER BY waktu DESC, id DESC LIMIT :limit"
        ),
        {"user": user, "action": action, "since": since, "limit": limit,
         "action_prefix": _like_prefix(action)},
    )
    return [dict(r._mapping) for r in rows]


def _like_prefix(action: str | None) -> str | None:
    if action is None:
        return None
    return like_escape(action) + "%"


def write_csv(rows: list[dict[str, Any]], target: IO[str]) -> None:
    writer = csv.writer(target)
    writer.writerow(AUDIT_COLUMNS)
    for row in rows:
        writer.writerow(csv_cells(
            json.dumps(row[c], ensure_ascii=False) if c == "filter" else
            clock.local(row[c]).isoformat() if isinstance(row[c], datetime) else row[c]
            for c in AUDIT_COLUMNS
        ))
