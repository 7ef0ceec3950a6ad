"""Coverage steps as one row per group: the step function's dates and values in arrays.

Area figures read, for every group (kelurahan, desil, verified) of the area, the step valid on
the reference date. As one row per step that was one index descent per group (~9 us each;
4,727 groups in Kutai Kartanegara, most of a 50 ms request at 1 M households). As one row per
group, ``width_bucket(ref, berlaku)`` finds the step by a binary search in the row itself and
the groups of a kab/kota are one index range read (docs/performance.md). ``coverage_key_group``
was written by every refresh and read by nothing: dropped.

The steps are emptied and every kelurahan marked stale (``*``): figures are counted from the
registry and segments, exactly, until the next refresh (an enrollment import, or
``sasaran coverage refresh``) writes the new rows.

Revision ID: 0015_coverage_series
Revises: 0014_household_h3_cell
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_coverage_series"
down_revision: str | Sequence[str] | None = "0014_household_h3_cell"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTERS = ("households", "overlap", "overlap_agency", "pairs")
# Both keys lead with what a request names (the key, the kab/kota) and hold the distribution
# column, so the same key serves single-node PostGIS and Citus.
KEYS = {"coverage_step": "kode_kabkota, kode_kelurahan, desil, terverifikasi",
        "coverage_key_step": "kunci, kode_kabkota, kode_kelurahan, desil, terverifikasi"}
MARK_ALL = ("INSERT INTO coverage_stale (kode_kabkota, kode_kelurahan) SELECT '*', '*' "
            "WHERE EXISTS (SELECT 1 FROM household) ON CONFLICT DO NOTHING")


def upgrade() -> None:
    for table, key in KEYS.items():
        _reshape(table, key, series=True)
    op.drop_table("coverage_key_group")
    op.execute(MARK_ALL)


def downgrade() -> None:
    from app.db.citus import distribute, is_citus

    op.create_table(
        "coverage_key_group",
        sa.Column("kunci", sa.String(40), primary_key=True),
        sa.Column("kode_kabkota", sa.String(5), primary_key=True),
        sa.Column("kode_kelurahan", sa.String(13), primary_key=True),
        sa.Column("desil", sa.SmallInteger(), primary_key=True),
        sa.Column("terverifikasi", sa.Boolean(), primary_key=True),
        sa.CheckConstraint("kode_kabkota = left(kode_kelurahan, 5)",
                           name="ck_coverage_key_group_kode_kabkota"),
    )
    if is_citus(op.get_bind()):
        distribute(op.get_bind(), "coverage_key_group")
    else:  # as 0011 left it, which its own downgrade undoes
        op.execute("CREATE TRIGGER coverage_key_group_kabkota_fill BEFORE INSERT OR UPDATE OF "
                   "kode_kelurahan, kode_kabkota ON coverage_key_group FOR EACH ROW "
                   "WHEN (NEW.kode_kabkota IS DISTINCT FROM left(NEW.kode_kelurahan, 5)) "
                   "EXECUTE FUNCTION kabkota_from_kelurahan()")
    for table, key in KEYS.items():
        _reshape(table, f"{key}, berlaku", series=False)
    op.execute(MARK_ALL)


def _reshape(table: str, key: str, *, series: bool) -> None:
    """Empty ``table`` and give it one row per group (``series``) or one row per step."""
    array = "[]" if series else ""
    op.execute(f"DELETE FROM {table}")
    op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey")
    changes = [f"ALTER COLUMN {column} TYPE integer{array} USING NULL" for column in COUNTERS]
    changes.append(f"ALTER COLUMN berlaku TYPE date{array} USING NULL")
    op.execute(f"ALTER TABLE {table} " + ", ".join(changes))  # empty: no row to convert
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({key})")
