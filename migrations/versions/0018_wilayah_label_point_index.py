"""A spatial index on the areas' label points.

Every point tile finds the households without coordinates through their kelurahan's label point
(``maps/household_tile.sql``), and every area tile finds its areas by it
(``maps/area_tile_parents.sql``): without an index both read the whole ``wilayah`` table per
tile, 1,318 rows for Kalimantan Timur, ~84,000 desa/kelurahan for Indonesia.

Revision ID: 0018_wilayah_label_point_index
Revises: 0017_coverage_combinations
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018_wilayah_label_point_index"
down_revision: str | Sequence[str] | None = "0017_coverage_combinations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE INDEX idx_wilayah_label_point ON wilayah USING gist (label_point)")


def downgrade() -> None:
    op.execute("DROP INDEX idx_wilayah_label_point")
