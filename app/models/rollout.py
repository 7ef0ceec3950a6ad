"""Rollout plans: a pilot and the waves extending an integrated program to other areas.

A plan stores its scoring parameters (reference date, desil threshold, poverty line, weights);
each wave stores its year, cost per household (rupiah), the share of the gap it closes (0..1)
and its kelurahan/desa codes. The figures are computed on demand, never stored.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class RolloutPlan(Base):
    __tablename__ = "rollout_plan"
    __table_args__ = (
        CheckConstraint("desil_maks BETWEEN 1 AND 10", name="rollout_plan_desil_maks"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nama: Mapped[str] = mapped_column(String(200), unique=True)
    deskripsi: Mapped[str | None] = mapped_column(Text)
    wilayah_induk: Mapped[str | None] = mapped_column(String(13))
    tanggal_acuan: Mapped[date | None] = mapped_column(Date)
    desil_maks: Mapped[int] = mapped_column(SmallInteger, server_default="4")
    garis_kemiskinan: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    bobot: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    dibuat_oleh: Mapped[str] = mapped_column(String(100))
    dibuat: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    diperbarui: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class RolloutWave(Base):
    __tablename__ = "rollout_wave"
    __table_args__ = (
        UniqueConstraint("plan_id", "urutan", name="uq_rollout_wave_plan_urutan"),
        CheckConstraint(
            "porsi_kesenjangan BETWEEN 0 AND 1", name="rollout_wave_porsi_kesenjangan"
        ),
        CheckConstraint("biaya_per_rumah_tangga >= 0", name="rollout_wave_biaya"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("rollout_plan.id", ondelete="CASCADE"), index=True
    )
    urutan: Mapped[int] = mapped_column(SmallInteger)
    tahun: Mapped[int] = mapped_column(SmallInteger)
    biaya_per_rumah_tangga: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    porsi_kesenjangan: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    wilayah: Mapped[list[str]] = mapped_column(ARRAY(String(13)))
    percontohan: Mapped[bool] = mapped_column(Boolean, server_default=false())
