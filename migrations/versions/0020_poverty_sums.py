"""FGT sums per kelurahan, stored for the poverty line of record.

P0-P2 of a kab/kota read every household of it (2.1 M rows, 2.3-3.6 s in the 10 M benchmark
data set). The sums they are made of add up over kelurahan, so each kelurahan's sums for one
poverty line are kept here, rewritten by the coverage refresh; a kelurahan changed since is
marked in ``poverty_stale`` (or in ``coverage_stale``) and counted from the registry until then
(``app/services/coverage/poverty_sums.py``). Filled here for the settings' default line.

Revision ID: 0020_poverty_sums
Revises: 0019_household_gap_order_index
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_poverty_sums"
down_revision: str | Sequence[str] | None = "0019_household_gap_order_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from app.db.citus import distribute
    from app.services.coverage.poverty_sums import refresh_poverty

    op.create_table(
        "poverty_kelurahan",
        sa.Column("kode_kabkota", sa.String(5), primary_key=True),
        sa.Column("kode_kelurahan", sa.String(13), primary_key=True),
        sa.Column("garis", sa.Numeric(14, 2), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("persons", sa.BigInteger(), nullable=False),
        sa.Column("households_without_expenditure", sa.Integer(), nullable=False),
        sa.Column("poor_persons", sa.BigInteger(), nullable=False),
        sa.Column("poor_households", sa.Integer(), nullable=False),
        sa.Column("gap_sum", sa.Float(53), nullable=False),
        sa.Column("gap_sq_sum", sa.Float(53), nullable=False),
    )
    op.create_table(
        "poverty_stale",
        sa.Column("kode_kabkota", sa.String(5), primary_key=True),
        sa.Column("kode_kelurahan", sa.String(13), primary_key=True),
    )
    distribute(op.get_bind(), "poverty_kelurahan")
    distribute(op.get_bind(), "poverty_stale")
    refresh_poverty(op.get_bind(), None)


def downgrade() -> None:
    op.drop_table("poverty_stale")
    op.drop_table("poverty_kelurahan")
