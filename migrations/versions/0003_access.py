"""Access control and audit: the append-only audit log.

Revision ID: 0003_access
Revises: 0002_registry
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_access"
down_revision: str | None = "0002_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("waktu", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("pengguna", sa.String(100), nullable=False),
        sa.Column("peran", sa.String(20), nullable=False),
        sa.Column("aksi", sa.String(60), nullable=False),
        sa.Column("sasaran", sa.Text(), nullable=True),
        sa.Column("filter", postgresql.JSONB(), server_default="{}", nullable=False),
        sa.Column("jumlah_baris", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_index("ix_audit_log_waktu", "audit_log", ["waktu"])
    op.create_index("ix_audit_log_pengguna", "audit_log", ["pengguna"])
    op.create_index("ix_audit_log_aksi", "audit_log", ["aksi"])
    op.execute(
        """
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log hanya dapat ditambah (append-only)';
        END $$;
        """
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_log_no_change ON audit_log")
    op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_table("audit_log")
