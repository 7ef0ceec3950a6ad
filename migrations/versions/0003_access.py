"""Access control and audit: accounts, API keys, web sessions, the append-only audit log.

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


    _accounts()


def _accounts() -> None:
    op.create_table(
        "pengguna",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("nama_pengguna", sa.String(100), nullable=False),
        sa.Column("kata_sandi_hash", sa.Text(), nullable=True),
        sa.Column("peran", sa.String(20), nullable=False),
        sa.Column("awalan_wilayah", postgresql.ARRAY(sa.String(20)),
                  server_default=sa.text("'{}'::varchar[]"), nullable=False),
        sa.Column("kode_instansi", sa.String(40), nullable=True),
        sa.Column("aktif", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("masuk_terakhir", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("peran IN ('admin', 'analyst', 'agency', 'viewer')",
                           name="ck_pengguna_peran"),
    )
    op.create_index("ix_pengguna_nama_pengguna", "pengguna", ["nama_pengguna"], unique=True)
    op.create_table(
        "kunci_api",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pengguna_id", sa.Integer(),
                  sa.ForeignKey("pengguna.id", ondelete="CASCADE"), nullable=False),
        sa.Column("awalan", sa.String(16), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("nama", sa.String(100), nullable=True),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("dicabut", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dipakai_terakhir", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_kunci_api_pengguna_id", "kunci_api", ["pengguna_id"])
    op.create_index("ix_kunci_api_awalan", "kunci_api", ["awalan"], unique=True)
    op.create_table(
        "sesi_web",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("pengguna_id", sa.Integer(),
                  sa.ForeignKey("pengguna.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("kedaluwarsa", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sesi_web_token_hash", "sesi_web", ["token_hash"], unique=True)
    op.create_index("ix_sesi_web_pengguna_id", "sesi_web", ["pengguna_id"])
    op.create_index("ix_sesi_web_kedaluwarsa", "sesi_web", ["kedaluwarsa"])


def downgrade() -> None:
    op.drop_table("sesi_web")
    op.drop_table("kunci_api")
    op.drop_table("pengguna")
    op.execute("DROP TRIGGER audit_log_no_change ON audit_log")
    op.execute("DROP FUNCTION audit_log_append_only()")
    op.drop_table("audit_log")
