"""Area label points at the centre of the largest inscribed circle (the pole of
inaccessibility) instead of ST_PointOnSurface.

A point on surface can sit a few pixels from an edge (Gunung Telihan's: 270 m, under 4 px at
zoom 11): its label touched the neighbour's border and a tap on the label, hit-tested against
the outline Leaflet simplifies at low zoom, opened the neighbour's panel. The inscribed
circle's centre is as far from every edge as the area allows. New loads compute it
(``app.services.wilayah.areas``); this recomputes the areas already loaded.

Revision ID: 0012_label_point
Revises: 0011_kabkota
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_label_point"
down_revision: str | Sequence[str] | None = "0011_kabkota"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE wilayah SET label_point = (ST_MaximumInscribedCircle(geom)).center")


def downgrade() -> None:
    op.execute("UPDATE wilayah SET label_point = ST_PointOnSurface(geom)")
