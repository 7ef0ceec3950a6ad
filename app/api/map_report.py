"""The map's picture (PNG of the current view) and the PDF report of an area, one click away
from /map. Small counts are hidden for whoever may not see persons, exactly as on the page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.api.map import ClassingDep, FilterDep, Level
from app.deps import ConnDep, SettingsDep
from app.security import PrincipalDep
from app.services.maps import ReportScope, map_png, report_pdf
from geo.errors import InvalidInput

router = APIRouter(tags=["peta"])


def _bbox(text: str | None) -> list[float] | None:
    if not text:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise InvalidInput("bbox harus empat angka: barat,selatan,timur,utara (derajat).",
                           {"bbox": text}) from exc
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidInput("bbox di luar rentang atau terbalik (barat < timur, selatan < utara).",
                           {"bbox": text})
    return [west, south, east, north]


def _scope(principal: PrincipalDep, settings: SettingsDep) -> ReportScope:
    return ReportScope(principal=principal, poverty_line=settings.poverty_line)


@router.get("/api/v1/map/image.png", summary="Gambar peta (PNG) tampilan saat ini",
            response_class=Response)
def get_map_image(
    conn: ConnDep, settings: SettingsDep, principal: PrincipalDep, flt: FilterDep,
    classing: ClassingDep, level: Level = "kelurahan",
    bbox: Annotated[str | None, Query(description="barat,selatan,timur,utara (EPSG:4326)")] = None,
) -> Response:
    png = map_png(conn, flt, classing, _scope(principal, settings), level=level,
                  bbox=_bbox(bbox))
    name = f"peta-{classing.figure}-{flt.ref_date.isoformat()}.png"
    return Response(png, media_type="image/png",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


@router.get("/api/v1/map/report.pdf", summary="Laporan PDF wilayah (bahan RPKD)",
            response_class=Response)
def get_report(
    conn: ConnDep, settings: SettingsDep, principal: PrincipalDep, flt: FilterDep,
    area: Annotated[str | None, Query(description="Kode kab/kota atau kecamatan; bawaan: "
                                                  "filter wilayah peta")] = None,
) -> Response:
    code = area or flt.parent or _default_area(conn, principal.area_prefixes)
    pdf = report_pdf(conn, code, flt, _scope(principal, settings))
    name = f"laporan-{code}-{flt.ref_date.isoformat()}.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def _default_area(conn: ConnDep, prefixes: tuple[str, ...]) -> str:
    """The kab/kota of the first loaded kelurahan the user may see (its outline need not be
    loaded)."""
    from app.services.wilayah import list_wilayah

    areas = [a for a in list_wilayah(conn, "kelurahan", None)
             if not prefixes or any(a["kode"].startswith(p + ".") for p in prefixes)]
    if not areas:
        raise InvalidInput("Tidak ada kelurahan yang dimuat untuk laporan.", {})
    return str(areas[0]["kode"])[:5]
