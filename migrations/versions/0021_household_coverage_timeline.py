"""Each household's coverage timeline on its registry row, for the point tiles.

A point tile found each household's number of active programs on the reference date with one
probe into ``coverage_segment`` (about four index pages per point): at 10 M households the
tile statement took 2.1x the bare ``ST_AsMVT`` over the same rows. The timeline (the dates
the count changes and the count from each, ``app/sql/coverage/timeline_refresh.sql``) is
written by the segment rebuild and read with the point: 1.2x in the same trial
(``docs/performance.md``). A program filter still reads the segments (their program ids).
Filled here from the segments already built.

Revision ID: 0021_household_coverage_timeline
Revises: 0020_poverty_sums
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0021_household_coverage_timeline"
down_revision: str | Sequence[str] | None = "0020_poverty_sums"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from app.services.coverage.segments import refresh_timelines

    op.add_column("household", sa.Column("coverage_cuts", postgresql.ARRAY(sa.Date())))
    op.add_column("household", sa.Column("coverage_counts", postgresql.ARRAY(sa.SmallInteger())))
    refresh_timelines(op.get_bind())


def downgrade() -> None:
    op.drop_column("household", "coverage_counts")
    op.drop_column("household", "coverage_cuts")
