"""Query parameters shared by the coverage routers, and small-count suppression of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query

from app.deps import SettingsDep
from app.principal import Principal
from geo.coverage import suppress_row


@dataclass(frozen=True)
class CoverageParams:
    ref_date: date | None
    desil_max: int
    program: str | None
    agency: str | None
    parent: str | None

    def as_filter(self) -> dict[str, Any]:
        return {"tanggal_acuan": self.ref_date or date.today(), "desil_maks": self.desil_max,
                "program": self.program, "instansi": self.agency, "induk": self.parent}


def coverage_params(
    settings: SettingsDep,
    ref_date: date | None = Query(None, description="Tanggal acuan YYYY-MM-DD (bawaan: hari ini)"),
    desil_max: int | None = Query(None, ge=1, le=10, description=(
        "Ambang desil sasaran (bawaan: SASARAN_DEFAULT_DESIL_MAX, 4)")),
    program: str | None = Query(None, description="Saring satu program (kode_program)"),
    agency: str | None = Query(None, description="Saring satu instansi (kode)"),
    parent: str | None = Query(None, max_length=13,
                               description="Kode wilayah induk, mis. 64.74"),
) -> CoverageParams:
    return CoverageParams(ref_date, desil_max or settings.default_desil_max, program, agency,
                          parent)


ParamsDep = Annotated[CoverageParams, Depends(coverage_params)]


def shown(rows: list[dict[str, Any]], principal: Principal) -> list[dict[str, Any]]:
    """Counts 1-4 become ``<5`` for roles that may not see persons (domain rule)."""
    if not principal.suppress_small_counts:
        return rows
    return [suppress_row(r) for r in rows]
