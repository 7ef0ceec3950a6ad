"""Drop household's index on batch_id, and join the three branches into one head.

No query selects households by batch but the count of possible duplicates after an upsert
import, and that import has just scanned the whole registry to flag them: the index only cost
its upkeep on every upsert and 0.35-0.45 s per million rows at each first load.

Revision ID: 0006_household_batch_index
Revises: 0003_access, 0004_programs, 0005_rollout
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_household_batch_index"
down_revision: str | Sequence[str] | None = ("0003_access", "0004_programs", "0005_rollout")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_household_batch_id", table_name="household")


def downgrade() -> None:
    op.create_index("ix_household_batch_id", "household", ["batch_id"])
