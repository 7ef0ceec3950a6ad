"""For a chosen pilot area: programs already active there, and the households a new integrated
program would reach (the target households with no active enrollment on the reference date).

Both come from issue 4's coverage service, restricted to the chosen areas. Persons are returned
only to roles allowed to see them, and every such read is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from app.principal import Principal
from app.services.access import audit
from app.services.coverage import coverage_by_program, gap_list
from app.services.rollout.protected import RolloutView
from app.services.rollout.scope import Scope


def programs_operating(
    conn: Connection, areas: list[str], scope: Scope
) -> list[dict[str, Any]]:
    """Programs with an active enrollment in the areas: target households they cover there
    (``rumah_tangga``) and non-target households they enroll there (``kebocoran``)."""
    rows = coverage_by_program(conn, ref_date=scope.ref_date, desil_max=scope.desil_max,
                               area_prefixes=tuple(areas))
    active = [r for r in rows if r["covered"] or r["leakage"]]
    active.sort(key=lambda r: (-r["covered"], r["kode"]))
    return [{"kode_program": r["kode"], "nama": r["nama"], "instansi": r["instansi"],
             "nama_instansi": r["nama_instansi"], "rumah_tangga": r["covered"],
             "kebocoran": r["leakage"]} for r in active]


def reach_households(
    conn: Connection, areas: list[str], scope: Scope, principal: Principal,
    gaps: dict[str, int], view: RolloutView,
) -> dict[str, Any]:
    """Counts per area always (``gaps``: the gap of each area, from the coverage figures,
    protected by ``view``); the list (masked identity, poorest first) only for roles that may
    see persons, audited."""
    per_area = {k: gaps.get(k, 0) for k in areas}
    result: dict[str, Any] = {"jumlah": sum(per_area.values()), "per_wilayah": per_area}
    if not principal.can_see_persons:
        return {"jumlah": view.sum_row(areas, {"jumlah": result["jumlah"]})["jumlah"],
                "per_wilayah": {k: view.area_row(k, {"kesenjangan": n})["kesenjangan"]
                                for k, n in per_area.items()}}
    result["daftar"] = gap_list(conn, ref_date=scope.ref_date, desil_max=scope.desil_max,
                                area_prefixes=tuple(areas))
    audit.record(conn, principal, "rollout.pilot_households", ",".join(areas),
                 {"tanggal_acuan": scope.ref_date, "desil_maks": scope.desil_max},
                 rows=len(result["daftar"]))
    return result
