"""The coverage groups' primary key leads with the kab/kota, as on Citus.

Targets per area are summed over the groups of the requested kab/kota. With the key led by
``kode_kelurahan`` (text operators) the area range (pattern operators) could not use it, and
every request read all the groups of the province (23,000 rows at any registry size; 5.7 ms of
a 23 ms kab/kota request at 1 M households). Led by ``kode_kabkota`` the request reads its
kab/kota's groups only. On Citus the key already is this one (0011).

Revision ID: 0016_coverage_group_key
Revises: 0015_coverage_series
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

from app.db.citus import is_citus

revision: str = "0016_coverage_group_key"
down_revision: str | Sequence[str] | None = "0015_coverage_series"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if not is_citus(op.get_bind()):
        _key("kode_kabkota, kode_kelurahan, desil, terverifikasi")


def downgrade() -> None:
    if not is_citus(op.get_bind()):
        _key("kode_kelurahan, desil, terverifikasi")


def _key(columns: str) -> None:
    op.execute("ALTER TABLE coverage_group DROP CONSTRAINT coverage_group_pkey, "
               f"ADD CONSTRAINT coverage_group_pkey PRIMARY KEY ({columns})")
