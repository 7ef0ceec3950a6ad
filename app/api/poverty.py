"""FGT poverty indices per area (person-weighted, domain.md)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query

from app.deps import ConnDep
from app.security import PrincipalDep
from app.services.coverage import publication

router = APIRouter(prefix="/api/v1/poverty", tags=["kemiskinan"])


@router.get("", summary="Indeks FGT P0/P1/P2 per wilayah")
def poverty(
    conn: ConnDep, principal: PrincipalDep,
    line: float = Query(..., gt=0, description="Garis kemiskinan, rupiah/kapita/bulan"),
    level: Literal["kelurahan", "kecamatan", "kabkota"] = Query("kelurahan"),
    parent: str | None = Query(None, max_length=13, description="Kode wilayah induk"),
) -> list[dict[str, Any]]:
    return publication(conn, principal).poverty(level, parent, line)
