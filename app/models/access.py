"""Accounts, API keys and the append-only audit log (UU 27/2022: every look at a person)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, Text, func
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
