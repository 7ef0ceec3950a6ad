"""Coverage steps per program and per agency, and household counts per group.

Filtered figures (a program or an agency) read their own step functions, one probe per group,
as the unfiltered figures do, instead of every active segment (2.4 million rows at 1 million
households). ``coverage_group`` now holds every (kelurahan, desil, verified) group of the
registry with its number of households, so targets are a sum over groups, not a count over
the registry. A registry insert, delete or truncate marks the kelurahan stale (statement
triggers over the transition tables: one set-based INSERT per statement, nothing per row);
stale kelurahan are counted live until the next refresh. The marker ``*`` means "every
kelurahan" (a first load swapped in whole, a truncate, this upgrade).

Revision ID: 0008_coverage_keys
Revises: 0007_tile_indexes
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_coverage_keys"
down_revision: str | Sequence[str] | None = "0007_tile_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARK_FUNCTION = """
CREATE FUNCTION coverage_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO coverage_stale (kode_kelurahan)
        SELECT DISTINCT kode_kelurahan FROM changed_rows ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO coverage_stale (kode_kelurahan)
        SELECT DISTINCT kode_kelurahan FROM changed_rows ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO coverage_stale (kode_kelurahan) VALUES ('*') ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""
TRIGGERS = (
    "CREATE TRIGGER household_coverage_insert AFTER INSERT ON household "
    "REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION coverage_mark_changed()",
    "CREATE TRIGGER household_coverage_delete AFTER DELETE ON household "
    "REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION coverage_mark_changed()",
    "CREATE TRIGGER household_coverage_truncate AFTER TRUNCATE ON household "
    "FOR EACH STATEMENT EXECUTE FUNCTION coverage_mark_changed()",
)


def upgrade() -> None:
    op.add_column("coverage_group", sa.Column("households", sa.Integer(), server_default="0",
                                              nullable=False))
    op.create_table(
        "coverage_key_group",
        sa.Column("kunci", sa.String(40), primary_key=True),
        sa.Column("kode_kelurahan", sa.String(13), primary_key=True),
        sa.Column("desil", sa.SmallInteger(), primary_key=True),
        sa.Column("terverifikasi", sa.Boolean(), primary_key=True),
    )
    op.create_table(
        "coverage_key_step",
        sa.Column("kunci", sa.String(40), primary_key=True),
        sa.Column("kode_kelurahan", sa.String(13), primary_key=True),
        sa.Column("desil", sa.SmallInteger(), primary_key=True),
        sa.Column("terverifikasi", sa.Boolean(), primary_key=True),
        sa.Column("berlaku", sa.Date(), primary_key=True),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("overlap", sa.Integer(), nullable=False),
        sa.Column("overlap_agency", sa.Integer(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
    )
    op.execute(MARK_FUNCTION)
    for trigger in TRIGGERS:
        op.execute(trigger)
    # A registry already loaded gets its groups and per-key steps at the next refresh.
    op.execute("INSERT INTO coverage_stale (kode_kelurahan) SELECT '*' "
               "WHERE EXISTS (SELECT 1 FROM household) ON CONFLICT DO NOTHING")


def downgrade() -> None:
    for name in ("insert", "delete", "truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS household_coverage_{name} ON household")
    op.execute("DROP FUNCTION IF EXISTS coverage_mark_changed()")
    op.drop_table("coverage_key_step")
    op.drop_table("coverage_key_group")
    op.drop_column("coverage_group", "households")
    op.execute("DELETE FROM coverage_stale WHERE kode_kelurahan = '*'")
