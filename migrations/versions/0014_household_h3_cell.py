"""Each household's H3 cell (resolution 8), stored beside its point.

The hexagon aggregate (what roles without person access see instead of household points)
counted cells by reading every target household into Python: ~1.9 s of the viewer's map page
at 1 M households. With the cell stored at import (``geo.hexagons``), the count is one
GROUP BY (~0.5 s). Households loaded before this revision get their cell here; a household
whose cell is missing (a row written by other means) is still counted, from its point.

Revision ID: 0014_household_h3_cell
Revises: 0013_audit_tile_minute
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_household_h3_cell"
down_revision: str | Sequence[str] | None = "0013_audit_tile_minute"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from app.services.registry.cells import fill_missing_cells

    op.add_column("household", sa.Column("h3_cell", sa.BigInteger(), nullable=True))
    fill_missing_cells(op.get_bind())


def downgrade() -> None:
    op.drop_column("household", "h3_cell")
