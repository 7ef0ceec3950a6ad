"""Administrative areas (provinsi, kab/kota, kecamatan, kelurahan/desa) with boundaries."""

from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, DateTime, Float, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Wilayah(Base):
    """One area. ``geom`` is a MultiPolygon in EPSG:4326 (lon, lat); ``luas_km2`` geodesic."""

    __tablename__ = "wilayah"
    __table_args__ = (
        CheckConstraint(
            "level IN ('provinsi', 'kabkota', 'kecamatan', 'kelurahan')", name="wilayah_level"
        ),
    )

    kode: Mapped[str] = mapped_column(String(13), primary_key=True)
    nama: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(10), index=True)
    parent_kode: Mapped[str | None] = mapped_column(String(13), index=True)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False)
    label_point = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    luas_km2: Mapped[float] = mapped_column(Float)
    diperbarui: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
