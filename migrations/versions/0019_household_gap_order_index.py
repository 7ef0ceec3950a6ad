"""The poorest uncovered targets found in the gap list's own order.

The panel of a kab/kota (or of everything) lists its ten poorest target households without an
active enrollment (``coverage/gap_households.sql``: desil, expenditure per capita, larger
households first). With only ``ix_household_target`` PostgreSQL read every target of the area,
probed the segments of each and sorted them: 3.2 s for one kab/kota of 2.1 M households in the
10 M benchmark data set. This partial index holds the verified households in that order, so the
walk stops after the first ten without an enrollment (26 ms). A kelurahan or kecamatan, whose
targets are few, still takes ``ix_household_target`` and a sort: the planner chooses.

Revision ID: 0019_household_gap_order_index
Revises: 0018_wilayah_label_point_index
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019_household_gap_order_index"
down_revision: str | Sequence[str] | None = "0018_wilayah_label_point_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_household_gap_order ON household "
               "(desil, pengeluaran_per_kapita, jumlah_anggota DESC, id_keluarga) "
               "WHERE status_verifikasi = 'terverifikasi'")


def downgrade() -> None:
    op.execute("DROP INDEX ix_household_gap_order")
