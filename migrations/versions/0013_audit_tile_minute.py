"""Tile reads with an API key are audited once per key, layer and minute.

A machine client harvesting household points reads hundreds of tiles a minute; one
``audit_log`` row per tile (6,001 after a short load test) buried everything else in the log.
``audit_petak_menit`` holds one row per (user, key prefix, layer, minute): the audit statement
inserts there with ``ON CONFLICT DO NOTHING`` and writes the ``audit_log`` row only when that
insert claimed the minute, in one statement (``app.services.access.audit.record_tile_read``).
No existing row is ever updated, so ``audit_log`` stays append-only; two requests of the same
minute race on the primary key, and exactly one writes.

The table is a guard, not the log: what was seen is in ``audit_log`` (first tile, layer,
filters, the areas the key could see). Rows of past minutes are never consulted again and
may be pruned. On Citus it is a plain table on the coordinator, beside ``audit_log`` (0011).

Revision ID: 0013_audit_tile_minute
Revises: 0012_label_point
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_audit_tile_minute"
down_revision: str | Sequence[str] | None = "0012_label_point"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_petak_menit",
        sa.Column("pengguna", sa.String(100), nullable=False),
        sa.Column("kunci", sa.String(16), nullable=False),
        sa.Column("lapisan", sa.String(20), nullable=False),
        sa.Column("menit", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pengguna", "kunci", "lapisan", "menit"),
    )


def downgrade() -> None:
    op.drop_table("audit_petak_menit")
