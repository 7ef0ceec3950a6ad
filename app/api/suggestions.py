"""Probable matches for unmatched enrollment rows: the officer lists, confirms, rejects."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from app.deps import ConnDep
from app.principal import Principal
from app.security import PrincipalDep
from app.services.access import audit
from app.services.coverage import decide, list_suggestions

router = APIRouter(prefix="/api/v1/enrollments/suggestions", tags=["kepesertaan"])


def _agency_limit(principal: Principal) -> str | None:
    """Admins and analysts see every program; an agency officer only its own agency's."""
    principal.require(principal.can_check, "melihat saran kecocokan")
    return None if principal.can_see_persons else principal.agency_kode or "-"


@router.get("", summary="Saran kecocokan untuk baris kepesertaan yang tidak cocok")
def get_suggestions(conn: ConnDep, principal: PrincipalDep,
                    program: str | None = Query(None), batch: int | None = Query(None),
                    status: str = Query("baru", pattern="^(baru|dikonfirmasi|ditolak|diganti)$")
                    ) -> list[dict[str, Any]]:
    agency = _agency_limit(principal)
    rows = list_suggestions(conn, with_names=principal.can_see_persons, agency=agency,
                            area_prefixes=principal.area_prefixes, program=program,
                            batch_id=batch, status=status)
    # Rows of persons (masked keys; names for roles that may see them): audited like the
    # unmatched list they come from.
    audit.record(conn, principal, "enrollment.suggestion.read", None,
                 {"program": program, "batch": batch}, sum(len(r["saran"]) for r in rows))
    return rows


@router.post("/{suggestion_id}/confirm", summary="Konfirmasi saran: jadikan kepesertaan")
def confirm(suggestion_id: int, conn: ConnDep, principal: PrincipalDep) -> dict[str, Any]:
    return _decide(conn, principal, suggestion_id, True)


@router.post("/{suggestion_id}/reject", summary="Tolak saran: tidak akan disarankan lagi")
def reject(suggestion_id: int, conn: ConnDep, principal: PrincipalDep) -> dict[str, Any]:
    return _decide(conn, principal, suggestion_id, False)


def _decide(conn: ConnDep, principal: Principal, suggestion_id: int,
            confirm: bool) -> dict[str, Any]:
    agency = _agency_limit(principal)
    result = decide(conn, suggestion_id, confirm=confirm, user=principal.username,
                    agency=agency, area_prefixes=principal.area_prefixes)
    action = "enrollment.suggestion.confirm" if confirm else "enrollment.suggestion.reject"
    audit.record(conn, principal, action, f"enrollment:{result['enrollment_id']}",
                 {"saran": suggestion_id, "household_id": result["household_id"]}, 1)
    return result
