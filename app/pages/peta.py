"""The map page (/map) in the app's layout: header, navigation and logout above, the map
filling the rest. The map itself is the Folium page (``geo.maps``) cut into the base template's
blocks; its layers come from the map API (``app.api.map``)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.api.map import ClassingDep, FilterDep, Level
from app.deps import ConnDep, SettingsDep
from app.pages.access import guard
from app.pages.nav import PAGES
from app.pages.render import render
from app.principal import Principal
from app.services.access import audit
from app.services.maps import basemaps, page_config
from geo.maps import MapConfig, render_parts

router = APIRouter(include_in_schema=False)


@router.get("/map", response_class=HTMLResponse, summary="Peta cakupan per kelurahan")
def map_page(
    request: Request, conn: ConnDep, settings: SettingsDep, flt: FilterDep,
    classing: ClassingDep, level: Level = "kelurahan",
    basemap: str | None = Query(None, description="'none' = tanpa peta dasar"),
    principal: Principal = guard(PAGES["peta"]),
) -> HTMLResponse:
    page = page_config(conn, principal, flt, classing, level=level)
    if principal.can_see_persons:
        audit.record(conn, principal, "map.household_points", flt.parent,
                     {"tanggal_acuan": flt.ref_date.isoformat(), "desil_maks": flt.desil_max})
    config = MapConfig(lang=classing.lang, basemaps=basemaps(settings, basemap), page=page)
    return render(request, "map.html", principal, parts=render_parts(config))
