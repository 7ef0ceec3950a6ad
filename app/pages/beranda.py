"""Beranda (dashboard): the headline figures of the area in scope for the chosen date and desil
threshold, coverage by program and by area as small bar charts, and links into the map, the
table and planning with the same filters."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.deps import ConnDep, SettingsDep
from app.pages.access import guard
from app.pages.figures import headline
from app.pages.forms import read_filter
from app.pages.nav import ALL_ROLES, PAGES, Page, register
from app.pages.render import render
from app.principal import Principal
from app.services.maps import filter_choices

router = APIRouter(include_in_schema=False)
PAGE = register(Page("beranda", "/beranda", "Beranda", ALL_ROLES, order=10))
LEVEL_LABELS = {"kabkota": "kab/kota", "kecamatan": "kecamatan", "kelurahan": "kelurahan"}


@router.get("/beranda", response_class=HTMLResponse)
def beranda(request: Request, conn: ConnDep, settings: SettingsDep,
            principal: Principal = guard(PAGE)) -> HTMLResponse:
    choices = filter_choices(conn, principal)
    flt = read_filter(request.query_params, settings.default_desil_max, choices)
    figures = headline(conn, principal, flt, settings.poverty_line)
    links = {key: PAGES[key].path for key in ("peta", "tabel", "rencana") if key in PAGES}
    return render(request, "beranda.html", principal, flt=flt, choices=choices,
                  fig=figures, links=links, level_label=LEVEL_LABELS[figures["areas_level"]],
                  poverty_line=settings.poverty_line)
