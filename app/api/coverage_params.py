"""Query parameters shared by the coverage routers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Connection

from app.clock import today
from app.deps import SettingsDep
from app.principal import Principal
from app.services.coverage import CoveragePublication, publication


@dataclass(frozen=True)
class CoverageParams:
    ref_date: date | None
    desil_max: int
    program: str | None
    agency: str | None
    parent: str | None

    def publication(self, conn: Connection, principal: Principal) -> CoveragePublication:
        """The figures as ``principal`` may receive them, for these parameters."""
        return publication(conn, principal, ref_date=self.ref_date, desil_max=self.desil_max)

    def as_filter(self) -> dict[str, Any]:
        return {"tanggal_acuan": self.ref_date or today(), "desil_maks": self.desil_max,
                "program": self.program, "instansi": self.agency, "induk": self.parent}


async def coverage_params(  # a coroutine: no thread hop for parsing (app/deps.py)
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
