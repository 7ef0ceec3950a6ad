"""Probable matches for unmatched enrollment rows: the officer lists, confirms, rejects
(rules and audit: ``app.services.coverage.decisions``, shared with the Saran kecocokan page)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from app.deps import ConnDep
from app.security import PrincipalDep
from app.services.coverage import decide_for, suggestions_for

router = APIRouter(prefix="/api/v1/enrollments/suggestions", tags=["kepesertaan"])


@router.get("", summary="Saran kecocokan untuk baris kepesertaan yang tidak cocok")
def get_suggestions(conn: ConnDep, principal: PrincipalDep,
                    program: str | None = Query(None), batch: int | None = Query(None),
                    status: str = Query("baru", pattern="^(baru|dikonfirmasi|ditolak|diganti)$")
                    ) -> list[dict[str, Any]]:
    return suggestions_for(conn, principal, program=program, batch_id=batch, status=status)


@router.post("/{suggestion_id}/confirm", summary="Konfirmasi saran: jadikan kepesertaan")
def confirm(suggestion_id: int, conn: ConnDep, principal: PrincipalDep) -> dict[str, Any]:
    return decide_for(conn, principal, suggestion_id, True)


@router.post("/{suggestion_id}/reject", summary="Tolak saran: tidak akan disarankan lagi")
def reject(suggestion_id: int, conn: ConnDep, principal: PrincipalDep) -> dict[str, Any]:
    return decide_for(conn, principal, suggestion_id, False)
