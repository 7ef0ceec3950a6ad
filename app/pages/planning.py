"""Perencanaan: the priority ranking with its score explained (weights editable, the ranking
redrawn), a suggested pilot cluster on a small map, the stored plans, and one plan's
projection (planned vs actual per wave) with its map and XLSX export.

Every figure comes from ``app.services.rollout`` (the same functions as the rollout API and
``sasaran plan``) with the date, desil and area filters of the address; small counts are
suppressed there for roles that may not see persons. The plan editor is ``plan_editor``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.deps import ConnDep, SettingsDep
from app.pages.access import guard
from app.pages.flash import set_flash
from app.pages.nav import Page, register
from app.pages.planning_query import read_query
from app.pages.planning_view import (
    area_options,
    pilot_request,
    plan_map,
    ranking_table,
    view_for,
)
from app.pages.render import render
from app.principal import Principal
from app.services.rollout import (
    choose_pilot,
    delete_plan,
    export_plan_xlsx,
    get_plan,
    list_plans,
    plan_projection,
    priority_out,
)
from geo.errors import SasaranError
from geo.rollout import COMPONENT_LABELS, COMPONENTS

router = APIRouter(include_in_schema=False)
PAGE = register(Page("rencana", "/perencanaan", "Perencanaan",
                     frozenset({"admin", "analyst", "viewer"}), order=60))
# Short column titles for the score's points (the full labels are in the column's tooltip).
POINT_TITLES = {"gap": "kesenjangan", "gap_desil1": "desil 1", "coverage_rate": "cakupan",
                "p0": "P0", "p1": "P1", "targets": "sasaran"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/perencanaan", response_class=HTMLResponse)
def planning(request: Request, conn: ConnDep, settings: SettingsDep,
             principal: Principal = guard(PAGE)) -> HTMLResponse:
    q = read_query(request.query_params, settings.default_desil_max, settings.poverty_line)
    rows = ranking_table(conn, principal, q)
    return render(request, "perencanaan.html", principal, q=q, rows=rows,
                  plans=list_plans(conn, principal), labels=COMPONENT_LABELS,
                  components=COMPONENTS, point_titles=POINT_TITLES,
                  areas=area_options(conn, principal),
                  default_line=settings.poverty_line)


@router.get("/perencanaan/percontohan", response_class=HTMLResponse)
def pilot(request: Request, conn: ConnDep, settings: SettingsDep,
          principal: Principal = guard(PAGE)) -> HTMLResponse:
    q = read_query(request.query_params, settings.default_desil_max, settings.poverty_line)
    request_, form, errors = pilot_request(request.query_params, q)
    result: dict[str, Any] | None = None
    view = view_for(conn, principal, q)
    if not errors and not q.errors:
        try:
            result = choose_pilot(conn, q.scope(principal), request_, principal, view)
        except SasaranError as exc:
            errors["umum"] = exc.message
    if result is not None:
        result["wilayah"] = [priority_out(p, principal, view, q.line)
                             for p in result["wilayah"]]
    ranking = ranking_table(conn, principal, q)
    return render(request, "percontohan.html", principal, q=q, form=form, errors=errors,
                  result=result, ranking=ranking, status=422 if errors else 200,
                  map=plan_map(q.parent, principal, codes=[a["kode"] for a in
                                                           (result or {}).get("wilayah", [])]))


@router.get("/perencanaan/rencana/{plan_id}", response_class=HTMLResponse)
def plan_page(plan_id: int, request: Request, conn: ConnDep, settings: SettingsDep,
              principal: Principal = guard(PAGE)) -> HTMLResponse:
    actual, error = _actual_date(request.query_params.get("tanggal_aktual"))
    plan = get_plan(conn, plan_id, principal)
    projection = plan_projection(conn, plan_id, principal, settings.poverty_line, actual)
    return render(request, "rencana.html", principal, plan=plan, projection=projection,
                  actual_error=error, labels=COMPONENT_LABELS,
                  map=plan_map(plan["wilayah_induk"], principal, plan_id=plan_id,
                               waves=projection["gelombang"]))


@router.get("/perencanaan/rencana/{plan_id}/ekspor.xlsx")
def plan_export(plan_id: int, request: Request, conn: ConnDep, settings: SettingsDep,
                principal: Principal = guard(PAGE)) -> Response:
    actual, _ = _actual_date(request.query_params.get("tanggal_aktual"))
    content = export_plan_xlsx(conn, plan_id, principal, settings.poverty_line, actual)
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="rencana-{plan_id}.xlsx"',
        "Cache-Control": "no-store"})


@router.post("/perencanaan/rencana/{plan_id}/hapus")
def plan_delete(plan_id: int, request: Request, conn: ConnDep,
                principal: Principal = guard(PAGE)) -> RedirectResponse:
    name = get_plan(conn, plan_id, principal)["nama"]
    delete_plan(conn, plan_id, principal)
    response = RedirectResponse("/perencanaan", status_code=303)
    set_flash(request, response, f"Rencana '{name}' dihapus.")
    return response


def _actual_date(raw: str | None) -> tuple[date | None, str | None]:
    if not raw:
        return None, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return None, "Tanggal aktual tidak sah; tulis seperti 2026-11-30. Dipakai hari ini."
