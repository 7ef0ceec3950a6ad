"""Administrative areas with boundaries (wilayah).

Revision ID: 0001_wilayah
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import geoalchemy2
import sqlalchemy as sa
from alembic import op

revision: str = "0001_wilayah"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "wilayah",
        sa.Column("kode", sa.String(13), primary_key=True),
        sa.Column("nama", sa.String(200), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("parent_kode", sa.String(13), nullable=True),
        sa.Column(
            "geom",
            geoalchemy2.Geometry("MULTIPOLYGON", srid=4326, spatial_index=False),
            nullable=False,
        ),
        sa.Column(
            "label_point",
            geoalchemy2.Geometry("POINT", srid=4326, spatial_index=False),
            nullable=False,
        ),
        sa.Column("luas_km2", sa.Float(), nullable=False),
        sa.Column(
            "diperbarui", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "level IN ('provinsi', 'kabkota', 'kecamatan', 'kelurahan')", name="wilayah_level"
        ),
    )
    op.create_index("ix_wilayah_level", "wilayah", ["level"])
    op.create_index("ix_wilayah_parent_kode", "wilayah", ["parent_kode"])
    op.create_index(
        "idx_wilayah_geom", "wilayah", ["geom"], postgresql_using="gist"
    )


def downgrade() -> None:
    op.drop_index("idx_wilayah_geom", table_name="wilayah", postgresql_using="gist")
    op.drop_index("ix_wilayah_parent_kode", table_name="wilayah")
    op.drop_index("ix_wilayah_level", table_name="wilayah")
    op.drop_table("wilayah")
