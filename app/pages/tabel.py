"""Tabel cakupan: one level's coverage table (kab/kota -> kecamatan -> kelurahan, a row's name
drills down), sortable columns, per-program columns on demand, the total row from the server,
the same filters as the map, and downloads (XLSX / CSV / GeoJSON) of exactly what is shown."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import ConnDep, SettingsDep
from app.pages.access import guard
from app.pages.figures import publication_for
from app.pages.forms import CoverageFilter, read_filter
from app.pages.nav import ALL_ROLES, Page, register
from app.pages.render import render
from app.pages.tables import CHILD, Breadcrumb, level_for, sorted_rows, trail
from app.principal import Principal
from app.services.access import audit
from app.services.coverage import coverage_table, export_coverage
from app.services.maps import filter_choices

router = APIRouter(include_in_schema=False)
PAGE = register(Page("tabel", "/tabel", "Tabel cakupan", ALL_ROLES, order=30))
MEDIA = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
LEVELS = (("kabkota", "Kab/kota"), ("kecamatan", "Kecamatan"), ("kelurahan", "Kelurahan/desa"))


def _state(request: Request, conn: Any, principal: Principal, default_desil: int
           ) -> tuple[CoverageFilter, dict[str, Any], str, bool]:
    choices = filter_choices(conn, principal)
    flt = read_filter(request.query_params, default_desil, choices)
    level = level_for(request.query_params.get("level"), flt.parent)
    per_program = request.query_params.get("per_program") == "1"
    return flt, choices, level, per_program


@router.get("/tabel", response_class=HTMLResponse)
def table_page(request: Request, conn: ConnDep, settings: SettingsDep,
               principal: Principal = guard(PAGE)) -> HTMLResponse:
    flt, choices, level, per_program = _state(request, conn, principal,
                                              settings.default_desil_max)
    table = coverage_table(publication_for(conn, principal, flt), level=level, parent=flt.parent,
                           program=flt.program, agency=flt.agency, per_program=per_program)
    sort = request.query_params.get("sort", "")
    descending = request.query_params.get("dir") == "desc"
    rows = sorted_rows(table.rows, sort, descending, {k for k, _ in table.columns})
    crumbs: list[Breadcrumb] = trail(flt, level, choices)
    keep = {"level": level, "per_program": "1" if per_program else None}
    child = CHILD.get(level)

    def query(**extra: Any) -> str:
        return flt.query(**{**keep, **extra})

    data = _tabulator(table.columns, rows, table.total,
                      (lambda kode: f"/tabel?{query(level=child, kecamatan=kode)}")
                      if child else None)
    return render(request, "tabel.html", principal, flt=flt, choices=choices, table=table,
                  rows=rows, level=level, levels=LEVELS, crumbs=crumbs, sort=sort,
                  descending=descending, per_program=per_program, child=child, query=query,
                  tabulator=data)


def _tabulator(columns: list[tuple[str, str]], rows: list[dict[str, Any]],
               total: dict[str, Any], link: Any) -> dict[str, Any]:
    """What sasaran-tabel.js builds its table from: the same rows and server total."""
    kinds = {"kode": "text", "nama": "text", "kecamatan": "text", "coverage_rate": "rate"}
    return {
        "columns": [{"field": k, "title": t, "kind": kinds.get(k, "count")} for k, t in columns],
        "rows": [{**{k: r.get(k) for k, _ in columns},
                  "_link": link(r["kode"]) if link else None} for r in rows],
        "total": {k: total.get(k) for k, _ in columns}, "drill": link is not None,
    }


@router.get("/tabel/unduh")
def table_download(request: Request, conn: ConnDep, settings: SettingsDep,
                   format: Literal["xlsx", "csv", "geojson"] = Query("xlsx"),
                   principal: Principal = guard(PAGE)) -> Response:
    flt, _, level, per_program = _state(request, conn, principal, settings.default_desil_max)
    content = export_coverage(publication_for(conn, principal, flt), format=format, level=level,
                              parent=flt.parent, program=flt.program, agency=flt.agency,
                              per_program=per_program)
    audit.record(conn, principal, "coverage.export", flt.parent,
                 {**flt.params(), "level": level, "format": format})
    name = f"cakupan-{level}{'-' + flt.parent if flt.parent else ''}.{format}"
    return Response(content, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
