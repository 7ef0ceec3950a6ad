"""Agencies, programs, enrollments, and per-household coverage segments (revision 0004).

``enrollment.kunci`` is the key that decided the match (``id_keluarga``, ``no_kk`` or ``nik``);
``kunci_hash`` its HMAC digest for NIK/No. KK; ``kunci_tampil`` what may be shown (masked
number or the registry ID). ``status``: ``matched``, ``ambiguous`` (one row, several households:
one enrollment per household) or ``unmatched`` (``household_id`` NULL, kept for the agency).

``coverage_segment``: per matched household, the half-open periods [dari, sampai) with a
constant set of active programs; rebuilt for the affected households at every enrollment import.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.registry import Household


class Agency(Base):
    __tablename__ = "agency"

    kode: Mapped[str] = mapped_column(String(30), primary_key=True)
    nama: Mapped[str] = mapped_column(Text)
    jenis: Mapped[str | None] = mapped_column(String(30))


class Program(Base):
    __tablename__ = "program"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kode_program: Mapped[str] = mapped_column(String(40), unique=True)
    nama: Mapped[str] = mapped_column(Text)
    instansi: Mapped[str] = mapped_column(ForeignKey("agency.kode"), index=True)
    jenis: Mapped[str | None] = mapped_column(String(40))
    tahun: Mapped[int | None] = mapped_column(SmallInteger)
    anggaran: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    desil_maks: Mapped[int | None] = mapped_column(SmallInteger)
    unit_cakupan: Mapped[str] = mapped_column(String(15), server_default="household")
    wilayah_layanan: Mapped[list[str]] = mapped_column(ARRAY(String(13)), server_default="{}")
    dibuat: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Enrollment(Base):
    __tablename__ = "enrollment"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("program.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="SET NULL"), index=True)
    kode_kabkota: Mapped[str] = mapped_column(String(5))  # the household's; '' when unmatched
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    nomor_baris: Mapped[int | None] = mapped_column(Integer)
    kunci: Mapped[str] = mapped_column(String(12))
    kunci_hash: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    kunci_tampil: Mapped[str] = mapped_column(Text)
    tanggal_mulai: Mapped[date] = mapped_column(Date)
    tanggal_selesai: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), index=True)


class CoverageSegment(Base):
    __tablename__ = "coverage_segment"
    __table_args__ = (
        Index("ix_coverage_segment_area_period", "kode_kelurahan", "dari", "sampai"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True)
    kode_kelurahan: Mapped[str] = mapped_column(String(13))
    kode_kabkota: Mapped[str] = mapped_column(String(5))
    desil: Mapped[int] = mapped_column(SmallInteger)
    terverifikasi: Mapped[bool] = mapped_column(Boolean)
    dari: Mapped[date] = mapped_column(Date)
    sampai: Mapped[date] = mapped_column(Date)
    program_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    instansi: Mapped[list[str]] = mapped_column(ARRAY(Text))
    n_program: Mapped[int] = mapped_column(SmallInteger)
    n_instansi: Mapped[int] = mapped_column(SmallInteger)


class CoverageGroup(Base):
    """Every (kelurahan, desil, verified) group of the registry with its households, as of
    the last refresh of its kelurahan (targets are summed from here unless it is stale)."""

    __tablename__ = "coverage_group"

    kode_kabkota: Mapped[str] = mapped_column(String(5), primary_key=True)
    kode_kelurahan: Mapped[str] = mapped_column(String(13), primary_key=True)
    desil: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    terverifikasi: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    households: Mapped[int] = mapped_column(Integer, server_default="0")


class CoverageKeyStep(Base):
    """As ``CoverageStep``, counting only the programs of one filter key: households in a
    program of the key, those of them in >= 2 programs / agencies of any kind, and the
    (household, program of the key) pairs."""

    __tablename__ = "coverage_key_step"

    kunci: Mapped[str] = mapped_column(String(40), primary_key=True)
    kode_kabkota: Mapped[str] = mapped_column(String(5), primary_key=True)
    kode_kelurahan: Mapped[str] = mapped_column(String(13), primary_key=True)
    desil: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    terverifikasi: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    berlaku: Mapped[list[date]] = mapped_column(ARRAY(Date))
    households: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    overlap: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    overlap_agency: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    pairs: Mapped[list[int]] = mapped_column(ARRAY(Integer))


class CoverageStep(Base):
    """A group's step function of the date, one row per group (migration 0015): ``berlaku``
    holds its change dates in ascending order, and each counter array the value valid from the
    date at the same position until the next: enrolled households, those in >= 2 programs /
    agencies, and (household, program) pairs, all active on that date. The value on a date
    ``d`` is at ``width_bucket(d, berlaku)`` (none before the first date)."""

    __tablename__ = "coverage_step"

    kode_kabkota: Mapped[str] = mapped_column(String(5), primary_key=True)
    kode_kelurahan: Mapped[str] = mapped_column(String(13), primary_key=True)
    desil: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    terverifikasi: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    berlaku: Mapped[list[date]] = mapped_column(ARRAY(Date))
    households: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    overlap: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    overlap_agency: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    pairs: Mapped[list[int]] = mapped_column(ARRAY(Integer))


class CoverageCombinationStep(Base):
    """Per kab/kota, desil, verified and combination of programs held (``program_ids``,
    sorted): the households active, as a step function of the date like ``CoverageStep``
    (``households[width_bucket(d, berlaku)]``). The overlap matrix of whole kab/kota."""

    __tablename__ = "coverage_combination_step"

    kode_kabkota: Mapped[str] = mapped_column(String(5), primary_key=True)
    desil: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    terverifikasi: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    program_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), primary_key=True)
    berlaku: Mapped[list[date]] = mapped_column(ARRAY(Date))
    households: Mapped[list[int]] = mapped_column(ARRAY(Integer))


class CoverageStale(Base):
    """Kelurahan whose steps lag a registry change (figures come from the segments)."""

    __tablename__ = "coverage_stale"

    kode_kelurahan: Mapped[str] = mapped_column(String(13), primary_key=True)
    kode_kabkota: Mapped[str] = mapped_column(String(5))



class PovertyKelurahan(Base):
    """A kelurahan's FGT sums for the poverty line of record (migration 0020), rewritten by the
    coverage refresh; ``app.services.coverage.poverty_sums``."""

    __tablename__ = "poverty_kelurahan"

    kode_kabkota: Mapped[str] = mapped_column(String(5), primary_key=True)
    kode_kelurahan: Mapped[str] = mapped_column(String(13), primary_key=True)
    garis: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    households: Mapped[int] = mapped_column(Integer)
    persons: Mapped[int] = mapped_column(BigInteger)
    households_without_expenditure: Mapped[int] = mapped_column(Integer)
    poor_persons: Mapped[int] = mapped_column(BigInteger)
    poor_households: Mapped[int] = mapped_column(Integer)
    gap_sum: Mapped[float] = mapped_column(Float(53))
    gap_sq_sum: Mapped[float] = mapped_column(Float(53))


class PovertyStale(Base):
    """Kelurahan whose stored FGT sums lag a change of expenditure, size or kelurahan
    (``*``: all of them)."""

    __tablename__ = "poverty_stale"

    kode_kabkota: Mapped[str] = mapped_column(String(5), primary_key=True)
    kode_kelurahan: Mapped[str] = mapped_column(String(13), primary_key=True)

# Targets of stale kelurahan are counted from this partial index alone (index-only scan).
Index("ix_household_target", Household.kode_kelurahan, Household.desil,
      postgresql_where=text("status_verifikasi = 'terverifikasi'"))
# The gap list's order (coverage/gap_households.sql): a kab/kota's poorest uncovered targets
# are found by walking it (migration 0019).
Index("ix_household_gap_order", Household.desil, Household.pengeluaran_per_kapita,
      Household.jumlah_anggota.desc(), Household.id_keluarga,
      postgresql_where=text("status_verifikasi = 'terverifikasi'"))
# A tile finds the households without a point of the kelurahan around it (migration 0007).
Index("ix_household_no_geom", Household.kode_kelurahan, postgresql_where=text("geom IS NULL"))
