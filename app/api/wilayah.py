from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.compression import gzip_response
from app.deps import ConnDep, SettingsDep
from app.security import PrincipalDep
from app.services.coverage import publication
from app.services.wilayah import list_wilayah, wilayah_geojson_text

router = APIRouter(prefix="/api/v1/wilayah", tags=["wilayah"])


class WilayahOut(BaseModel):
    kode: str = Field(description="Kode Kemendagri bertitik, mis. 64.74.03.1002")
    nama: str
    level: str = Field(description="provinsi, kabkota, kecamatan, atau kelurahan (termasuk desa)")
    parent_kode: str | None = Field(description="Kode wilayah induk, diturunkan dari kode")
    luas_km2: float = Field(description="Luas geodesik dalam km²")
    label_lat: float
    label_lon: float
    jumlah_rumah_tangga: int | str = Field(
        description="Jumlah rumah tangga di registri (kelurahan efektif); bila peran tidak "
        "boleh melihat perorangan: '<5' untuk 0-4 yang disamarkan, 'x' untuk angka yang ikut "
        "disamarkan (docs/security.md)"
    )


@router.get("", summary="Daftar wilayah yang dimuat", response_model=None)
def get_wilayah(
    request: Request,
    conn: ConnDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    level: Literal["provinsi", "kabkota", "kecamatan", "kelurahan"] | None = None,
    parent: str | None = Query(None, description="Awalan kode induk, mis. 64.74"),
    format: Literal["json", "geojson"] = Query("json", description="geojson untuk poligon"),
    simplify: float = Query(0.0, ge=0, le=0.01, description="Toleransi penyederhanaan (derajat)"),
) -> list[WilayahOut] | Response:
    if format == "geojson":
        # Sent as the stored text, compressed once: re-encoding or re-compressing a megabyte
        # of coordinates costs more than the query (the map page's slowest request at 1 M).
        return gzip_response(request, wilayah_geojson_text(conn, level, parent, simplify),
                             "application/geo+json")
    rows = list_wilayah(conn, level, parent, principal.area_prefixes)
    if principal.suppress_small_counts:
        pub = publication(conn, principal)
        for row in rows:
            row["jumlah_rumah_tangga"] = pub.households(
                row["kode"], row["jumlah_rumah_tangga"], settings.poverty_line)
    return [WilayahOut(**row) for row in rows]
