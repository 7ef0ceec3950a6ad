"""Accounts, API keys, web sessions and the append-only audit log (UU 27/2022: every look at a
person is recorded). Secrets are never stored: passwords as argon2 hashes, API keys and session
tokens as SHA-256 digests (they are long random values, so a fast digest is enough)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class AuditLog(Base):
    """Append-only: a trigger refuses UPDATE and DELETE (see revision 0003_access)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    waktu: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    pengguna: Mapped[str] = mapped_column(String(100), index=True)
    peran: Mapped[str] = mapped_column(String(20))
    aksi: Mapped[str] = mapped_column(String(60), index=True)
    sasaran: Mapped[str | None] = mapped_column(Text)
    filter: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    jumlah_baris: Mapped[int] = mapped_column(Integer, server_default="0")


class AuditTileMinute(Base):
    """One row per (user, API key prefix, tile layer, minute) that has its ``map.tile`` audit
    row: the unique key that lets tile reads be audited once a minute without updating the
    log (revision 0013_audit_tile_minute)."""

    __tablename__ = "audit_petak_menit"

    pengguna: Mapped[str] = mapped_column(String(100), primary_key=True)
    kunci: Mapped[str] = mapped_column(String(16), primary_key=True)
    lapisan: Mapped[str] = mapped_column(String(20), primary_key=True)
    menit: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)


class User(Base):
    """An account: role, assigned kab/kota code prefixes (empty = everywhere) and, for the
    ``agency`` role, the one agency it acts for."""

    __tablename__ = "pengguna"
    __table_args__ = (
        CheckConstraint("peran IN ('admin', 'analyst', 'agency', 'viewer')",
                        name="ck_pengguna_peran"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nama_pengguna: Mapped[str] = mapped_column(String(100), unique=True, index=True)
    kata_sandi_hash: Mapped[str | None] = mapped_column(Text)
    peran: Mapped[str] = mapped_column(String(20))
    awalan_wilayah: Mapped[list[str]] = mapped_column(
        ARRAY(String(20)), server_default=text("'{}'::varchar[]")
    )
    kode_instansi: Mapped[str | None] = mapped_column(String(40))
    aktif: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    dibuat: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    masuk_terakhir: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiKey(Base):
    """A machine client's key ``ssr_<awalan>_<rahasia>``: looked up by its public prefix,
    verified against the SHA-256 digest of the whole key."""

    __tablename__ = "kunci_api"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pengguna_id: Mapped[int] = mapped_column(
        ForeignKey("pengguna.id", ondelete="CASCADE"), index=True
    )
    awalan: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    hash: Mapped[str] = mapped_column(String(64))
    nama: Mapped[str | None] = mapped_column(String(100))
    dibuat: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    dicabut: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dipakai_terakhir: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A browser login: the cookie carries the token (signed), the table only its digest, so
    logging out (or disabling the user) ends the session at once."""

    __tablename__ = "sesi_web"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    pengguna_id: Mapped[int] = mapped_column(
        ForeignKey("pengguna.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    dibuat: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    kedaluwarsa: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
