"""Program-combination steps per kab/kota, for the overlap matrix.

The overlap matrix (target households in both programs i and j) was counted from every active
segment on each map load: 350 of the 470 ms of the province's map figures at 1 M households,
growing with the registry. Per (kab/kota, desil, verified, programs held) the active
households as a step function of the date (one row, arrays, as 0015) are a few tens of
thousands of rows whatever the registry's size; a kab/kota or the province sums them. The
rows are computed here from the segments, and by every refresh for its kab/kota.

Revision ID: 0017_coverage_combinations
Revises: 0016_coverage_group_key
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017_coverage_combinations"
down_revision: str | Sequence[str] | None = "0016_coverage_group_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from app.db.citus import distribute
    from app.services.coverage.steps import refresh_combinations

    op.create_table(
        "coverage_combination_step",
        sa.Column("kode_kabkota", sa.String(5), primary_key=True),
        sa.Column("desil", sa.SmallInteger(), primary_key=True),
        sa.Column("terverifikasi", sa.Boolean(), primary_key=True),
        sa.Column("program_ids", postgresql.ARRAY(sa.Integer()), primary_key=True),
        sa.Column("berlaku", postgresql.ARRAY(sa.Date()), nullable=False),
        sa.Column("households", postgresql.ARRAY(sa.Integer()), nullable=False),
    )
    distribute(op.get_bind(), "coverage_combination_step")
    refresh_combinations(op.get_bind(), None)


def downgrade() -> None:
    op.drop_table("coverage_combination_step")
