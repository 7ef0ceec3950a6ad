"""Agency files (issue 17): import warnings, saved column profiles, the BPS->Kemendagri area
code crosswalk, and probable-match suggestions for unmatched enrollment rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ImportWarning(Base):
    """An accepted row one of whose optional values was dropped, with column and reason."""

    __tablename__ = "import_warning"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    nomor_baris: Mapped[int] = mapped_column(Integer)
    kolom: Mapped[str | None] = mapped_column(Text)
    alasan: Mapped[str] = mapped_column(Text)


class SavedProfile(Base):
    """A column profile saved by a user (``geo.io.profiles.ColumnProfile.definition``)."""

    __tablename__ = "column_profile"

    nama: Mapped[str] = mapped_column(String(60), primary_key=True)
    jenis: Mapped[str] = mapped_column(String(20))
    definisi: Mapped[dict] = mapped_column(JSONB)
    pengguna: Mapped[str] = mapped_column(String(100))
    diperbarui: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AreaCrosswalk(Base):
    """BPS village code (10 digits) -> Kemendagri kelurahan/desa code (dotted)."""

    __tablename__ = "kode_padanan"

    kode_bps: Mapped[str] = mapped_column(String(10), primary_key=True)
    kode_kemendagri: Mapped[str] = mapped_column(String(13))


class MatchSuggestion(Base):
    """A probable registry household for an unmatched enrollment row, with score and reasons
    (``alasan``: list of ``{"kode", "teks"}``); decided by the agency officer."""

    __tablename__ = "match_suggestion"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True)
    kode_kelurahan: Mapped[str] = mapped_column(String(13))
    peringkat: Mapped[int] = mapped_column(SmallInteger)
    skor: Mapped[float] = mapped_column(Float)
    alasan: Mapped[list] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(12), server_default="baru", index=True)
    diputuskan_oleh: Mapped[str | None] = mapped_column(String(100))
    diputuskan_pada: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dibuat: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MatchRejection(Base):
    """"This key is not that household": a rejected suggestion, never suggested again."""

    __tablename__ = "match_rejection"
    __table_args__ = (UniqueConstraint("kunci_hash", "household_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kunci_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True)
    kode_kelurahan: Mapped[str] = mapped_column(String(13))
    pengguna: Mapped[str] = mapped_column(String(100))
    dibuat: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
