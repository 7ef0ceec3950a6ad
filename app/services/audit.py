"""Writing the audit log: every read that returns a person, and every import, edit and export."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from app.security import Principal


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
            "target": target,
            "filters": json.dumps(filters or {}, default=str),
            "rows": rows,
        },
    )
