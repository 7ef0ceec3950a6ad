"""Index the households without a point by kelurahan, for the tiles.

A tile draws a kelurahan's households without coordinates at its interior point; without this
partial index it walked every household of the kelurahan (50,000 in a dense one at 10 million
households) to find the few percent without a point, on every tile around that point.

Revision ID: 0007_tile_indexes
Revises: 0006_household_batch_index
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_tile_indexes"
down_revision: str | Sequence[str] | None = "0006_household_batch_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_household_no_geom", "household", ["kode_kelurahan"],
                    postgresql_where=sa.text("geom IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_household_no_geom", table_name="household")
