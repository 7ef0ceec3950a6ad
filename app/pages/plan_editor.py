"""The plan editor of Perencanaan: name, reference date, desil, weights and waves (year, cost
per household, share of the gap, kelurahan/desa, pilot), as one plain form. Adding or removing
a wave and refreshing the area list are posts that show the form again; ``Simpan`` saves with
``create_plan`` / ``update_plan`` (the API's functions: their refusals appear next to the field
they concern). Only roles that may change plans open it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import QueryParams

from app.clock import today
from app.deps import ConnDep, SettingsDep
from app.pages.access import guard
from app.pages.flash import set_flash
from app.pages.plan_form import PlanForm, WaveState
from app.pages.planning import PAGE
from app.pages.planning_query import read_query, weight_points
from app.pages.planning_view import area_options, editor_areas
from app.pages.render import render
from app.principal import Principal
from app.services.rollout import create_plan, get_plan, update_plan
from geo.errors import SasaranError
from geo.rollout import COMPONENT_LABELS

router = APIRouter(include_in_schema=False)


@router.get("/perencanaan/rencana/baru", response_class=HTMLResponse)
def new_plan(request: Request, conn: ConnDep, settings: SettingsDep,
             principal: Principal = guard(PAGE)) -> HTMLResponse:
    """A new plan from the ranking's filters and weights; ``percontohan`` (codes, comma
    separated) becomes wave 1, the pilot, with ``biaya`` per household."""
    principal.require(principal.can_edit_plans, "membuat rencana")
    q = read_query(request.query_params, settings.default_desil_max, settings.poverty_line)
    pilot = [c for c in str(request.query_params.get("percontohan") or "").split(",") if c]
    cost = str(request.query_params.get("biaya") or "")
    form = PlanForm(wilayah_induk=q.parent or "", tanggal_acuan=q.ref_date.isoformat(),
                    desil_maks=str(q.desil_max), garis_kemiskinan=q.line_text,
                    bobot=weight_points(q.weights),
                    gelombang=[WaveState(str(q.ref_date.year + 1), cost, "100", pilot,
                                         bool(pilot))])
    return _editor(request, conn, settings, principal, form, None)


@router.post("/perencanaan/rencana/baru", response_model=None)
async def new_plan_post(request: Request, conn: ConnDep, settings: SettingsDep,
                        principal: Principal = guard(PAGE)) -> Response:
    principal.require(principal.can_edit_plans, "membuat rencana")
    return await _post(request, conn, settings, principal, None)


@router.get("/perencanaan/rencana/{plan_id}/ubah", response_class=HTMLResponse)
def edit_plan(plan_id: int, request: Request, conn: ConnDep, settings: SettingsDep,
              principal: Principal = guard(PAGE)) -> HTMLResponse:
    principal.require(principal.can_edit_plans, "mengubah rencana")
    form = PlanForm.from_plan(get_plan(conn, plan_id, principal))
    return _editor(request, conn, settings, principal, form, plan_id)


@router.post("/perencanaan/rencana/{plan_id}/ubah", response_model=None)
async def edit_plan_post(plan_id: int, request: Request, conn: ConnDep, settings: SettingsDep,
                         principal: Principal = guard(PAGE)) -> Response:
    principal.require(principal.can_edit_plans, "mengubah rencana")
    get_plan(conn, plan_id, principal)  # NotFound outside the principal's areas
    return await _post(request, conn, settings, principal, plan_id)


async def _post(request: Request, conn: ConnDep, settings: SettingsDep, principal: Principal,
                plan_id: int | None) -> Response:
    data = await request.form()
    form = PlanForm.from_post(data)
    action = str(data.get("aksi") or "")
    if action == "tambah":
        form.add_wave()
    elif action.startswith("hapus-") and action[6:].isdigit():
        form.remove_wave(int(action[6:]))
    elif action == "simpan":
        saved = _save(conn, principal, form, plan_id)
        if saved is not None:
            response = RedirectResponse(f"/perencanaan/rencana/{saved}", status_code=303)
            set_flash(request, response, f"Rencana '{form.nama.strip()}' disimpan.")
            return response
    return _editor(request, conn, settings, principal, form, plan_id,
                   status=422 if form.errors else 200)


def _save(conn: ConnDep, principal: Principal, form: PlanForm, plan_id: int | None
          ) -> int | None:
    plan = form.to_input()
    if plan is None:
        return None
    try:
        nested = conn.begin_nested()  # a refused save must not leave half a plan behind
        saved = (create_plan(conn, plan, principal) if plan_id is None
                 else update_plan(conn, plan_id, plan, principal))
        nested.commit()
    except SasaranError as exc:
        nested.rollback()
        form.place_error(exc)
        return None
    return int(saved["id"])


def _editor(request: Request, conn: ConnDep, settings: SettingsDep, principal: Principal,
            form: PlanForm, plan_id: int | None, status: int = 200) -> HTMLResponse:
    """The form again, with the areas of its scope (filters as typed, else the defaults)."""
    params = {"ref_date": form.tanggal_acuan or today().isoformat(),
              "desil_max": form.desil_maks, "kecamatan": form.wilayah_induk}
    q = read_query(QueryParams(params), settings.default_desil_max, settings.poverty_line)
    context: dict[str, Any] = {
        "form": form, "plan_id": plan_id, "areas": editor_areas(conn, principal, q),
        "assigned": form.assigned(), "options": area_options(conn, principal), "q": q,
        "labels": COMPONENT_LABELS, "weights_open": any(k.startswith("bobot") for k in form.errors),
    }
    return render(request, "rencana_ubah.html", principal, status=status, **context)
