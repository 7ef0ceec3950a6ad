"""The household registry (DTKS/DTSEN-style) and the import batches that fed it.

NIK and No. KK are stored only as HMAC-SHA256 digests (``*_hash``, 32 bytes) and masked forms
(``*_mask``). ``geom`` is the surveyed location (EPSG:4326, lon/lat) when usable, else NULL.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSON, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ImportBatch(Base):
    """One imported file: what, who, when, and its counts. Shared by every kind of import."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jenis: Mapped[str] = mapped_column(String(20), index=True)
    nama_berkas: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    pengguna: Mapped[str] = mapped_column(String(100))
    dibuat: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    baris_total: Mapped[int] = mapped_column(Integer, server_default="0")
    baris_diterima: Mapped[int] = mapped_column(Integer, server_default="0")
    baris_ditolak: Mapped[int] = mapped_column(Integer, server_default="0")
    ringkasan: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    parameter: Mapped[dict] = mapped_column(JSONB, server_default="{}")


class RejectedRow(Base):
    """A rejected source row kept verbatim (``data``, source headers in order) with its
    problems (``masalah``: list of ``{"kolom", "alasan"}``)."""

    __tablename__ = "rejected_row"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), index=True
    )
    nomor_baris: Mapped[int] = mapped_column(Integer)
    kolom: Mapped[str | None] = mapped_column(Text)
    alasan: Mapped[str] = mapped_column(Text)
    masalah: Mapped[list] = mapped_column(JSONB)
    data: Mapped[dict] = mapped_column(JSON)


class Household(Base):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id_keluarga: Mapped[str] = mapped_column(Text, unique=True)
    no_kk_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    no_kk_mask: Mapped[str] = mapped_column(String(20))
    nik_kepala_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    nik_kepala_mask: Mapped[str] = mapped_column(String(20))
    nama_kepala: Mapped[str] = mapped_column(Text)
    alamat: Mapped[str | None] = mapped_column(Text)
    kode_kelurahan_deklarasi: Mapped[str] = mapped_column(String(13))
    kode_kelurahan: Mapped[str] = mapped_column(String(13), index=True)
    # Its kab/kota (distribution column on Citus; migration 0007).
    kode_kabkota: Mapped[str] = mapped_column(String(5))
    geom = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=True)
    # The H3 cell (resolution 8) of geom, stored at import for the hexagon map (migration 0014).
    h3_cell: Mapped[int | None] = mapped_column(BigInteger)
    # Its number of active programs from each date on, made from its coverage segments for
    # the point tiles (migration 0021, app/sql/coverage/timeline_refresh.sql).
    coverage_cuts: Mapped[list[date] | None] = mapped_column(ARRAY(Date))
    coverage_counts: Mapped[list[int] | None] = mapped_column(ARRAY(SmallInteger))
    jumlah_anggota: Mapped[int] = mapped_column(SmallInteger)
    desil: Mapped[int] = mapped_column(SmallInteger)
    pengeluaran_per_kapita: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status_verifikasi: Mapped[str] = mapped_column(String(15))
    tanggal_verifikasi: Mapped[date | None] = mapped_column(Date)
    flags: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    # Not indexed: no query selects households by batch (migration 0006).
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    diperbarui: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    kode_kabkota: Mapped[str] = mapped_column(String(5))  # the household's
    nik_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    nik_mask: Mapped[str] = mapped_column(String(20))
    nama: Mapped[str] = mapped_column(Text)
    hubungan: Mapped[str | None] = mapped_column(Text)
    jenis_kelamin: Mapped[str | None] = mapped_column(String(1))
    tanggal_lahir: Mapped[date | None] = mapped_column(Date)
    disabilitas: Mapped[bool | None] = mapped_column(Boolean)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
